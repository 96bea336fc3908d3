import { expect, test, type Page } from "@playwright/test";
import { storageState, withDb } from "./support";

// Customer sentiment on the demo seed: the manager's dashboard (team North)
// with figures that match the database, its table view, comments and the
// "intrusive" flag the seed provokes on renewal check-ins; the admin catalog's
// flag; screenshots at 1440 and 380 px.

const FLAGGED = "Renewal check-in";
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const kpi = (page: Page, label: string) => page.locator("dl div").filter({ has: page.locator("dt", { hasText: label }) }).locator("dd").first();
const card = (page: Page, title: RegExp) => page.locator("section").filter({ has: page.getByRole("heading", { level: 2, name: title }) });

/** Team North's feedback in [from, to], counted straight from the database. */
async function northCounts(from: string, to: string) {
  return withDb(async (db) => {
    const { rows } = await db.query<{ n: number; csat: number; verdicts: number; intrusive: number }>(
      `SELECT COUNT(*)::int AS n, AVG(f.csat)::float8 AS csat, COUNT(f.verdict)::int AS verdicts, COUNT(*) FILTER (WHERE f.verdict = 'INTRUSIVE')::int AS intrusive
       FROM "ContactFeedback" f JOIN "Customer" c ON c.id = f."customerId" JOIN "User" u ON u.id = c."ownerId" JOIN "Team" t ON t.id = u."teamId"
       WHERE t.name = 'North' AND f."occurredAt" >= $1::date AND f."occurredAt" < $2::date + 1 AND f."occurredAt" <= now()`,
      [from, to],
    );
    return rows[0]!;
  });
}

async function shoot(page: Page, name: string) {
  await page.waitForTimeout(300); // charts settle their layout
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

test.describe("customer sentiment, as the demo manager (team North)", () => {
  test.use({ storageState: storageState("manager"), viewport: { width: 1440, height: 900 } });

  test("shows the seed's figures, the flag, a table view and comments", async ({ page }) => {
    const to = isoDay(new Date());
    const from = isoDay(new Date(Date.now() - 89 * 86_400_000));
    const expected = await northCounts(from, to);
    expect(expected.n).toBeGreaterThan(50);

    const res = await page.goto(`/dashboards/sentiment?from=${from}&to=${to}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Customer sentiment" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Customer sentiment" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByText("North ·")).toBeVisible();

    await expect(kpi(page, "Responses")).toHaveText(expected.n.toLocaleString("en-US"));
    // Rounded as the page rounds (components/dashboards/format.ts).
    await expect(kpi(page, "Mean CSAT (1–5)")).toHaveText((Math.round(expected.csat * 10) / 10).toFixed(1));
    await expect(kpi(page, "Intrusive")).toHaveText(`${(Math.round((expected.intrusive / expected.verdicts) * 1000) / 10).toFixed(1)}%`);
    await expect(page.locator("dl div").filter({ has: page.locator("dt", { hasText: "Mean CSAT (1–5)" }) })).toContainText("95% CI");

    const flag = page.getByRole("note", { name: "Flagged action types" });
    await expect(flag).toContainText(`Customers find this intrusive: ${FLAGGED}.`);
    await expect(flag).toContainText(/in the last 28 days vs \d+% \(\d+ of \d+\) in the 28 before/);
    // One small trend chart per action type with feedback, the flagged one marked.
    const trends = page.getByRole("list", { name: /Trend per action type/ });
    await expect(trends.locator("li").filter({ hasText: FLAGGED })).toContainText("flagged");
    await expect(trends.locator("li").filter({ hasText: FLAGGED }).locator(".recharts-surface")).toBeVisible();

    // The per-action table behind the verdict chart, flag included.
    const verdicts = card(page, /^Verdicts by action type/);
    await verdicts.locator("summary").click();
    const row = verdicts.locator("tbody tr").filter({ hasText: FLAGGED });
    await expect(row).toContainText("Customers find this intrusive");
    const others = verdicts.locator("tbody tr").filter({ hasNotText: FLAGGED });
    await expect(others.filter({ hasText: "Customers find this intrusive" })).toHaveCount(0);
    // The table's responses add up to the KPI.
    const counts = await verdicts.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(counts.reduce((s, c) => s + Number(c.replace(/,/g, "")), 0)).toBe(expected.n);

    const comments = card(page, /^Latest comments/);
    await expect(comments.locator("li").first()).toBeVisible();
    expect(await comments.locator("li").count()).toBeLessThanOrEqual(12);
    await shoot(page, "sentiment-1440");

    await page.setViewportSize({ width: 380, height: 800 });
    await expect(flag).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot(page, "sentiment-380");
    // Parts at full size, to look at.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: "test-results/screenshots/sentiment-380-top.png" });
    await verdicts.screenshot({ path: "test-results/screenshots/sentiment-380-verdicts.png" });
    await card(page, /^Trend per action type/).screenshot({ path: "test-results/screenshots/sentiment-380-trend.png" });
  });

  test("says so when there is no feedback in the range", async ({ page }) => {
    await page.goto("/dashboards/sentiment?from=2024-01-01&to=2024-01-31");
    await expect(page.getByText("No customer feedback in this period")).toBeVisible();
    await expect(page.locator("section[data-chart]")).toHaveCount(0);
  });
});

test.describe("the catalog flag, as the admin", () => {
  test.use({ storageState: storageState("admin"), viewport: { width: 1440, height: 900 } });

  test("marks the action customers find intrusive, with figures, and no other", async ({ page }) => {
    await page.goto("/admin/catalog");
    await expect(page.getByRole("heading", { level: 1, name: "Action catalog" })).toBeVisible();
    const table = page.locator("table");
    const row = table.locator("tbody tr").filter({ has: page.getByRole("link", { name: FLAGGED }) });
    await expect(row.getByRole("note")).toContainText("Customers find this intrusive");
    await expect(row.getByRole("note")).toContainText(/Intrusive: \d+% \(\d+ of \d+\) in the last 28 days vs \d+% \(\d+ of \d+\) in the 28 before: \+\d+\.\d pts, 95% CI \+\d+\.\d to \+\d+\.\d\./);
    await expect(table.getByText("Customers find this intrusive")).toHaveCount(1);
    await shoot(page, "catalog-intrusive-1440");

    await page.setViewportSize({ width: 380, height: 800 });
    const cards = page.getByRole("list", { name: "Action types" });
    await expect(cards.getByText("Customers find this intrusive")).toHaveCount(1);
    await expect(cards.locator("li").filter({ hasText: FLAGGED }).getByRole("note")).toBeVisible();
    await shoot(page, "catalog-intrusive-380");
  });
});
