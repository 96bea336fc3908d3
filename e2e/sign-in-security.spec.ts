import { expect, test, type Page } from "@playwright/test";
import { ACCOUNTS, expectSignedOut, signIn, storageState, throwawayUser, withDb, type RoleName } from "./support";

// Issue 11's sign-in and header hardening, as a browser sees it: throttled
// sign-in, callback URLs that stay on this origin, sign-out that kills the old
// cookie, security headers on every page and no CSP violation on any of them.

// The form's message (Next's route announcer is an alert too).
const alert = (page: Page) => page.locator("form").getByRole("alert");
const origin = () => new URL(test.info().project.use.baseURL!).origin;

test.describe("sign-in throttling", () => {
  test("after 5 failures the next attempt is refused, even with the right password, with when to retry; the message takes focus", async ({ page, context }) => {
    test.slow();
    const email = await throwawayUser();
    for (let i = 1; i <= 5; i++) {
      await signIn(page, email, `wrong-${i}`);
      await expect(alert(page)).toContainText("don't match an account");
    }
    await signIn(page, email);
    await expect(alert(page)).toContainText("Too many sign-in attempts");
    await expect(alert(page)).toContainText(/try again in 15 minutes \(at \d\d:\d\d\)/);
    await expect(alert(page)).toBeFocused();
    await expect(page).toHaveURL(/\/signin/);
    expect((await context.cookies()).find((c) => c.name.includes("session-token"))).toBeUndefined();
    const row = await withDb(async (db) => (await db.query<{ points: number }>(`SELECT points FROM "SignInLimit" WHERE key = $1`, [`signin-account:${email}`])).rows[0]);
    expect(row?.points).toBeGreaterThan(5);
  });
});

test.describe("callback URLs", () => {
  // As typed into the address bar: the raw query value.
  const EVIL = [
    "%2F%09%2Fevil.example%2Fphish",
    "%2F%0A%2Fevil.example",
    "%2F%0D%0A%2Fevil.example",
    "%2F%2Fevil.example",
    "%2F%5Cevil.example",
    "%5C%5Cevil.example",
    "%2F%252F%252Fevil.example",
    "%2F%2509%2Fevil.example",
    "https%3A%2F%2Fevil.example%2Fqueue",
    "%2F.%2F%2Fevil.example",
    "javascript%3Aalert(1)",
    "%2Fapi%2Fauth%2Fsignout",
  ];

  test.describe("already signed in", () => {
    test.use({ storageState: storageState("rep") });
    for (const raw of EVIL) {
      test(`callbackUrl=${raw} lands on the rep's start page`, async ({ page }) => {
        const res = await page.goto(`/signin?callbackUrl=${raw}`);
        expect(res?.status()).toBeLessThan(400);
        expect(new URL(page.url()).origin).toBe(origin());
        expect(new URL(page.url()).pathname).toBe("/queue");
      });
    }
    test("a good path with a query is kept", async ({ page }) => {
      await page.goto(`/signin?callbackUrl=${encodeURIComponent("/customers?q=a&sort=name")}`);
      await expect(page).toHaveURL(`${origin()}/customers?q=a&sort=name`);
    });
  });

  test("signing in with a tab-smuggled callback URL stays on this origin", async ({ page }) => {
    const email = await throwawayUser();
    await page.goto(`/signin?callbackUrl=${EVIL[0]}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("nudge-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${origin()}/queue`);
  });

  test("signing in with a good callback URL goes there", async ({ page }) => {
    const email = await throwawayUser();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent("/customers?q=a")}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("nudge-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${origin()}/customers?q=a`);
  });
});

test("signing out ends the session: the old cookie is refused afterwards", async ({ page, browser }) => {
  const email = await throwawayUser();
  await signIn(page, email);
  await expect(page).toHaveURL(/\/queue$/);
  const stolen = await page.context().storageState();
  // The copied cookie works while the session lives...
  const other = await browser.newContext({ storageState: stolen });
  const thief = await other.newPage();
  await thief.goto("/queue");
  await expect(thief.getByRole("heading", { level: 1, name: ACCOUNTS.rep.heading })).toBeVisible();
  // (An open queue notices the sign-out by itself and goes to the sign-in page, which raced the navigation below
  // once: the copy is checked from a fresh page with the same cookies.)
  await thief.close();
  // ...and not after the owner signs out, though the browser still sends it.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expectSignedOut(page);
  const again = await other.newPage();
  await again.goto("/queue");
  await expectSignedOut(again);
  const api = await other.request.get("/api/queue");
  expect(api.status()).toBe(401);
  await other.close();
});

// ---------- headers and CSP on every page ----------

const pageIds = () =>
  withDb(async (db) => {
    const customer = (await db.query<{ id: string; externalId: string }>(`SELECT c.id, c."externalId" FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email = $1 ORDER BY c."externalId" LIMIT 1`, [ACCOUNTS.rep.email])).rows[0]!;
    const action = (await db.query<{ id: string }>(`SELECT id FROM "ActionType" ORDER BY key LIMIT 1`)).rows[0]!;
    const user = (await db.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [ACCOUNTS.rep.email])).rows[0]!;
    return { customer, action, user };
  });

type Ids = Awaited<ReturnType<typeof pageIds>>;
const PAGES: Array<{ role: RoleName | null; path: (ids: Ids) => string }> = [
  { role: null, path: () => "/signin" },
  { role: "rep", path: () => "/queue" },
  { role: "rep", path: () => "/customers" },
  { role: "rep", path: (ids) => `/customers/${ids.customer.id}` },
  { role: "rep", path: (ids) => `/embed/customers/${ids.customer.externalId}` },
  { role: "rep", path: () => "/admin/catalog" }, // the 403 page
  { role: "rep", path: () => "/no-such-page" }, // the 404 page
  { role: "manager", path: () => "/dashboards/adoption" },
  { role: "manager", path: () => "/dashboards/conversion" },
  { role: "manager", path: () => "/dashboards/model" },
  { role: "admin", path: () => "/admin/catalog" },
  { role: "admin", path: (ids) => `/admin/catalog/${ids.action.id}` },
  { role: "admin", path: () => "/admin/catalog/new" },
  { role: "admin", path: () => "/admin/users" },
  { role: "admin", path: (ids) => `/admin/users/${ids.user.id}` },
  { role: "admin", path: () => "/admin/api-keys" },
  { role: "admin", path: () => "/admin/audit" },
];

// Records CSP violations as the page reports them, from the first byte.
const RECORD_VIOLATIONS = `
  window.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));
`;

for (const role of [null, "rep", "manager", "admin"] as const) {
  test.describe(`headers and CSP, ${role ?? "signed out"}`, () => {
    if (role) test.use({ storageState: storageState(role) });

    test("every page has the security headers, a nonce on its scripts, and no CSP violation", async ({ page }) => {
      test.slow();
      const ids = await pageIds();
      const consoleCsp: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) consoleCsp.push(m.text());
      });
      await page.addInitScript(RECORD_VIOLATIONS);
      for (const p of PAGES.filter((x) => x.role === role)) {
        const path = p.path(ids);
        const res = await page.goto(path, { waitUntil: "networkidle" });
        expect(res, path).not.toBeNull();
        const h = res!.headers();
        const csp = h["content-security-policy"] ?? "";
        const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
        expect(nonce, `${path}: CSP with a nonce`).toBeTruthy();
        expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
        for (const d of ["object-src 'none'", "base-uri 'self'", "form-action 'self'", "default-src 'self'"]) expect(csp, path).toContain(d);
        expect(csp).toMatch(/frame-ancestors ('none'|'self')/);
        expect(csp).not.toContain("'unsafe-eval'");
        expect(h["permissions-policy"], path).toContain("camera=()");
        expect(h["permissions-policy"], path).toContain("microphone=()");
        expect(h["permissions-policy"], path).toContain("geolocation=()");
        expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
        expect(h["x-content-type-options"], path).toBe("nosniff");
        expect(h["strict-transport-security"], `${path}: no HSTS over http`).toBeUndefined();
        // Next put the nonce on every script of the HTML (chunks it loads later need none: 'strict-dynamic').
        const scripts = [...(await res!.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
        expect(scripts.length, path).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
        const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
        expect(violations, `${path}: CSP violations`).toEqual([]);
      }
      expect(consoleCsp).toEqual([]);
    });
  });
}

test("a fresh nonce on every request, HSTS only over https", async ({ request }) => {
  const a = (await request.get("/signin")).headers()["content-security-policy"];
  const b = (await request.get("/signin")).headers()["content-security-policy"];
  expect(a).not.toBe(b);
  const https = await request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(https.headers()["strict-transport-security"]).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
  // Redirects and 401s carry the policy too.
  const redirect = await request.get("/queue", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  const unauth = await request.get("/api/queue");
  expect(unauth.status()).toBe(401);
  expect(unauth.headers()["content-security-policy"]).toContain("object-src 'none'");
});
