import { expect, test, type APIRequestContext } from "@playwright/test";
import { createServer, type Server } from "node:http";
import { apiKey, screenshot, statusOf, storageState, withDb } from "./support";

// The embed inside a real CRM: a host page on another site (localhost, where
// the app is 127.0.0.1) frames the panel, in a browser that blocks
// third-party cookies and carries no session at all. The CRM's server gets a
// short-lived embed token for the rep and the record through the API.
const APP = `http://127.0.0.1:${process.env.E2E_PORT ?? "3100"}`;
const HOST_PORT = Number(process.env.E2E_PORT ?? "3100") + 1;
const HOST = `http://localhost:${HOST_PORT}`;

test.use({ storageState: { cookies: [], origins: [] }, launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--test-third-party-cookie-phaseout"] } });

// In order: the admin allows the host page's origin before it frames the panel.
test.describe.configure({ mode: "serial" });

let host: Server;
let framed = "";
test.beforeAll(async () => {
  host = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><title>Sample CRM</title></head><body>
      <h1>Account record</h1>
      <iframe title="Nudge" src="${framed}" style="width:360px;height:720px;border:1px solid #ccc"></iframe>
    </body></html>`);
  });
  // Every interface: the same page is also the "other CRM" at http://127.0.0.1:<port>, an origin nobody allowed.
  await new Promise<void>((resolve) => host.listen(HOST_PORT, resolve));
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => host.close(() => resolve()));
});

/**
 * The framing policy of the embed's own response, as a CRM's frame asks for it (Sec-Fetch-Dest: iframe). Redirects are
 * not followed: without a token or a session the panel sends a top-level visit to /signin, whose policy is always
 * 'none' (sign-in is never framed), so a followed redirect would read the sign-in page's header, not the panel's.
 * (That is what kept issue 14's check at 'none': the proxy had the admin's origin all along.)
 */
async function embedFrameAncestors(request: APIRequestContext): Promise<string> {
  const res = await request.get("/embed/customers/no-such-customer", { maxRedirects: 0, headers: { "sec-fetch-dest": "iframe" } });
  expect(res.status(), "the embed panel's own answer (no redirect)").toBe(200);
  return /frame-ancestors ([^;]*)/.exec(res.headers()["content-security-policy"] ?? "")?.[1] ?? "(none set)";
}

// Nothing may frame the panel until an admin allows the CRM's origin on /admin/api-keys (the e2e server sets no
// EMBED_ALLOWED_ORIGINS: the origin comes only from what the admin stores).
test("an admin allows the CRM's origin (validated): the embed's frame-ancestors then name it and no other", async ({ browser, request }) => {
  test.setTimeout(60_000);
  await withDb((db) => db.query(`DELETE FROM "EmbedOrigin"`)); // a fresh start when the server is reused
  await expect.poll(() => embedFrameAncestors(request), { timeout: 15_000 }).toBe("'none'");
  const ctx = await browser.newContext({ storageState: storageState("admin") });
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto("/admin/api-keys");
  const field = page.getByRole("textbox", { name: "CRM origin" });
  await field.fill("http://crm.example.com");
  await page.getByRole("button", { name: "Allow", exact: true }).click();
  await expect(page.getByText("Must be https:// (plain http only for localhost, in development)")).toBeVisible();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await field.fill(`${HOST}/`);
  await page.getByRole("button", { name: "Allow", exact: true }).click();
  const list = page.getByRole("list", { name: "Allowed CRM origins" });
  await expect(list.getByText(HOST, { exact: true })).toBeVisible();
  await screenshot(page, "admin-embed-origins-360");
  await ctx.close();
  // Applied within the proxy's 5-second cache.
  await expect.poll(() => embedFrameAncestors(request), { timeout: 15_000 }).toBe(`'self' ${HOST}`);
  // Every other page still refuses to be framed, sign-in included.
  for (const path of ["/signin", "/queue"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.headers()["content-security-policy"], path).toContain("frame-ancestors 'none'");
  }
});

test("a CRM page on another site frames the panel with an embed token: the record's suggestions show and an accept is stored, with third-party cookies blocked", async ({ page, request }) => {
  // The host's origin as the test above leaves it allowed (stored again here, so this test also runs on its own).
  await withDb((db) => db.query(`INSERT INTO "EmbedOrigin" (origin) VALUES ($1) ON CONFLICT DO NOTHING`, [HOST]));
  await expect.poll(() => embedFrameAncestors(request), { timeout: 15_000 }).toBe(`'self' ${HOST}`);
  const c = await withDb(async (db) =>
    (
      await db.query<{ externalId: string; name: string; rec: string }>(
        `SELECT c."externalId", c.name, r.id AS rec FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" JOIN "Recommendation" r ON r."customerId" = c.id AND r.status = 'PENDING' AND NOT r."isControl" AND r."expiresAt" > now() WHERE u.email = 'rep@nudge.test' ORDER BY r.score ASC LIMIT 1`,
      )
    ).rows[0]!,
  );
  const key = await apiKey("sample CRM", ["embed:issue"]);
  const refused = await request.post("/api/v1/embed-tokens", { headers: { authorization: `Bearer ${await apiKey("no embed", ["events:write"])}` }, data: { repEmail: "rep@nudge.test", customerExternalId: c.externalId } });
  expect(refused.status()).toBe(403);
  const foreign = await request.post("/api/v1/embed-tokens", { headers: { authorization: `Bearer ${key}` }, data: { repEmail: "rep@nudge.test", customerExternalId: "no-such-customer" } });
  expect(foreign.status()).toBe(404);
  const res = await request.post("/api/v1/embed-tokens", { headers: { authorization: `Bearer ${key}` }, data: { repEmail: "rep@nudge.test", customerExternalId: c.externalId } });
  expect(res.status()).toBe(200);
  const { path } = (await res.json()) as { path: string };
  framed = `${APP}${path}`;

  await page.goto(HOST);
  const frame = page.frameLocator("iframe[title=Nudge]");
  await expect(frame.getByRole("heading", { level: 1, name: c.name })).toBeVisible();
  // No cookie reached the panel: the browser has none for the app, and blocks third-party ones.
  expect(await page.context().cookies(APP)).toEqual([]);
  const card = frame.locator(`li[data-recommendation-id="${c.rec}"]`);
  await card.getByRole("button", { name: "Accept" }).click();
  await expect.poll(() => statusOf(c.rec)).toBe("ACCEPTED");
  await expect(card.getByRole("button", { name: "Accepted" })).toBeDisabled();

  // The same page on an origin nobody allowed: the browser refuses to show the panel in its frame.
  await page.goto(`http://127.0.0.1:${HOST_PORT}`);
  await expect(page.getByRole("heading", { name: "Account record" })).toBeVisible();
  await expect.poll(() => page.frames().map((f) => f.url())).toContain("chrome-error://chromewebdata/");
  await expect(page.frameLocator("iframe[title=Nudge]").getByRole("heading", { level: 1, name: c.name })).toHaveCount(0);

  // A token for one record opens no other.
  const other = await withDb(async (db) => (await db.query<{ externalId: string }>(`SELECT c."externalId" FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email = 'rep@nudge.test' AND c."externalId" <> $1 LIMIT 1`, [c.externalId])).rows[0]!.externalId);
  const token = new URL(framed).searchParams.get("token")!;
  const wrong = await page.goto(`${APP}/embed/customers/${encodeURIComponent(other)}?token=${encodeURIComponent(token)}`);
  expect(wrong?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "This panel's sign-in has ended" })).toBeVisible();

  await expect(page.getByRole("link")).toHaveCount(0);
});

test("the embed's 404 offers no way into the whole app", async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: storageState("rep") });
  const page = await ctx.newPage();
  const res = await page.goto(`${APP}/embed/customers/no-such-customer`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No Nudge customer for this record" })).toBeVisible();
  await expect(page.getByRole("link")).toHaveCount(0);
  await ctx.close();
});
