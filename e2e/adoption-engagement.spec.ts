import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { ACCOUNTS, signIn, storageState, throwawayUser, withDb } from "./support";

// Issue 15: the first-run tour, the pulse survey and targets, each from the
// user who meets it to the adoption page that counts it.

const kpi = (page: Page, label: string) => page.locator("dl div").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) });

async function asManager(browser: Browser, fn: (page: Page) => Promise<void>) {
  const ctx = await browser.newContext({ storageState: storageState("manager") });
  try {
    await fn(await ctx.newPage());
  } finally {
    await ctx.close();
  }
}

/** "in the period: 3 started, 2 of them finished" from the tour tile. */
async function tourCounts(page: Page): Promise<{ started: number; finished: number }> {
  await page.goto("/dashboards/adoption");
  const m = /(\d+) started, (\d+) of them finished/.exec((await kpi(page, "Tour finished").textContent()) ?? "");
  expect(m, "the tour tile's detail").not.toBeNull();
  return { started: Number(m![1]), finished: Number(m![2]) };
}

test("a new rep gets the tour at 360 px, finishes it, and the adoption page counts it", async ({ browser, page }) => {
  test.setTimeout(120_000);
  let before = { started: 0, finished: 0 };
  await asManager(browser, async (p) => {
    before = await tourCounts(p);
  });
  const email = await throwawayUser("REP", { tourDone: false });
  await page.setViewportSize({ width: 360, height: 800 });
  await signIn(page, email);
  await expect(page).toHaveURL(/\/queue/);
  const dialog = page.getByRole("dialog", { name: "Your queue" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toBeFocused();
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  // Whole, at the bottom of the screen (not cut off under the header).
  expect(box.y).toBeGreaterThan(44);
  expect(box.y + box.height).toBeLessThanOrEqual(800);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  await page.screenshot({ path: "test-results/screenshots/tour-360.png" });
  // Next through every step (Back once), then Finish; focus comes back to the help button.
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("dialog", { name: "What “expected value” means" })).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Back" }).click();
  await expect(page.getByRole("dialog", { name: "Your queue" })).toBeFocused();
  for (let i = 0; i < 4; i++) await page.getByRole("dialog").getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("dialog", { name: "Keys" })).toBeVisible();
  // Finishing records it with a server action in the background; the reload below waits for it to be stored
  // (on a loaded machine the reload could otherwise overtake it).
  const recorded = page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
  await page.getByRole("dialog").getByRole("button", { name: "Finish" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Help: take the tour" })).toBeFocused();
  await recorded;
  // Finished: it does not open by itself again; the help button re-opens it, and Escape closes it (recorded as skipped).
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Today's queue" })).toBeVisible();
  await page.waitForTimeout(600);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.getByRole("button", { name: "Help: take the tour" }).click();
  await expect(page.getByRole("dialog", { name: "Your queue" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  // The skip is recorded by a server action the dialog does not wait for: poll until it is stored.
  const events = () => withDb(async (db) => (await db.query<{ event: string }>(`SELECT meta->>'event' AS event FROM "UsageEvent" e JOIN "User" u ON u.id = e."userId" WHERE u.email = $1 AND e.type = 'TOUR' ORDER BY e.id`, [email])).rows.map((r) => r.event));
  await expect.poll(events).toEqual(["started", "finished", "started", "skipped"]);
  await asManager(browser, async (p) => {
    const after = await tourCounts(p);
    expect(after.started).toBe(before.started + 1);
    expect(after.finished).toBe(before.finished + 1);
  });
});

test("the pulse waits out the first week, then asks; its answer shows in NPS and the comments", async ({ browser, page }) => {
  test.setTimeout(120_000);
  let npsBefore = 0;
  await asManager(browser, async (p) => {
    await p.goto("/dashboards/adoption");
    npsBefore = Number(/n = (\d+)/.exec((await kpi(p, "NPS").textContent()) ?? "")?.[1] ?? 0);
  });
  const email = await throwawayUser("REP");
  await signIn(page, email);
  await expect(page.getByRole("heading", { level: 1, name: "Today's queue" })).toBeVisible();
  const question = page.getByRole("region", { name: "How likely are you to recommend Nudge to a colleague?" });
  // First week: not asked.
  await expect(question).toHaveCount(0);
  // Ten days later (first activity moved back): asked.
  await withDb((db) => db.query(`INSERT INTO "UsageDay" ("userId", day, "lastActiveAt") SELECT id, current_date - 10, now() - interval '10 days' FROM "User" WHERE email = $1`, [email]));
  await page.reload();
  await expect(question).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  // The radios are visually hidden inside their labels: pick by the label, as a person does.
  await question.locator("label").filter({ hasText: /^10$/ }).click();
  await expect(question.getByRole("radio", { name: "10" })).toBeChecked();
  const comment = `e2e pulse ${randomUUID().slice(0, 8)}`;
  await question.getByLabel(/main reason/).fill(comment);
  await question.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Thanks for your answer." })).toBeVisible();
  // Answered: not asked again within the cadence.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Today's queue" })).toBeVisible();
  await expect(question).toHaveCount(0);
  await asManager(browser, async (p) => {
    await p.goto("/dashboards/adoption");
    await expect(kpi(p, "NPS")).toContainText(`n = ${npsBefore + 1}`);
    await expect(p.getByRole("region", { name: /Pulse comments/ }).getByText(comment)).toBeVisible();
  });
});

test("a target an admin sets for the team shows its status on the manager's page", async ({ browser }) => {
  test.setTimeout(120_000);
  const ctx = await browser.newContext({ storageState: storageState("admin") });
  const admin = await ctx.newPage();
  const north = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = 'North'`)).rows[0]!.id);
  await admin.goto(`/dashboards/adoption?team=${north}`);
  const form = admin.getByRole("form", { name: "Set a target" });
  await form.getByLabel("Applies to").selectOption({ label: "North" });
  await form.getByLabel("Figure").selectOption({ label: "Weekly active reps" });
  await form.getByLabel(/Target/).fill("150");
  await form.getByRole("button", { name: "Save target" }).click();
  await expect(form.getByText("Use a value from 0 to 100 %")).toBeVisible();
  await form.getByLabel(/Target/).fill("100");
  await form.getByRole("button", { name: "Save target" }).click();
  await expect(admin.getByText("Target saved.")).toBeVisible();
  await ctx.close();
  await asManager(browser, async (p) => {
    await p.goto("/dashboards/adoption");
    const tile = kpi(p, "Weekly active reps");
    const [active, of] = ((await tile.locator("dd").first().textContent()) ?? "").split(" of ").map(Number);
    await expect(tile).toContainText(`${active === of ? "On target" : "Below target"} (≥ 100%)`);
    const row = p.getByRole("region", { name: /Your team against its targets/ }).getByRole("row").filter({ hasText: "North" });
    await expect(row).toContainText(active === of ? "On target" : "Below on");
  });
});

test("each view is recorded as usage once its page is sent: queue, customer, dashboard", async ({ browser }) => {
  // The views are written after the response (next/server's after), so no page waits for them: poll until stored.
  const usage = async (email: string) =>
    (
      await withDb((db) =>
        db.query<{ type: string; ref: string | null }>(
          `SELECT e.type::text AS type, COALESCE(e.meta->>'customerId', e.meta->>'dashboard') AS ref FROM "UsageEvent" e JOIN "User" u ON u.id = e."userId" WHERE u.email = $1 AND e.type <> 'TOUR'`,
          [email],
        ),
      )
    ).rows
      .map((e) => `${e.type} ${e.ref ?? ""}`.trim())
      .sort();
  const rep = await throwawayUser("REP");
  const manager = await throwawayUser("MANAGER");
  const customerId = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT c.id FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email = $1 ORDER BY c."externalId" LIMIT 1`, [ACCOUNTS.rep.email])).rows[0]!.id);
  const visits: [string, (page: Page) => Promise<void>][] = [
    [rep, (page) => expect(page.getByRole("heading", { level: 1, name: "Today's queue" })).toBeVisible()],
    [
      manager,
      async (page) => {
        await expect(page).toHaveURL(/\/dashboards\/adoption/);
        await page.goto(`/customers/${customerId}`);
        await expect(page.getByRole("link", { name: "← Customers" })).toBeVisible();
        await page.goto("/dashboards/conversion");
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      },
    ],
  ];
  for (const [email, visit] of visits) {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      await signIn(page, email);
      await page.waitForURL((u) => !u.pathname.startsWith("/signin"));
      await visit(page);
    } finally {
      await ctx.close();
    }
  }
  await expect.poll(() => usage(rep)).toEqual(["QUEUE_VIEW", "SIGN_IN"]);
  await expect.poll(() => usage(manager)).toEqual([`CUSTOMER_VIEW ${customerId}`, "DASHBOARD_VIEW adoption", "DASHBOARD_VIEW conversion", "SIGN_IN"]);
});
