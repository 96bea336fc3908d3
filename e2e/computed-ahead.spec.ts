import { expect, test } from "@playwright/test";
import { screenshot, storageState, withDb } from "./support";

// Dashboard figures computed ahead (lib/services/dashboard-views.ts). The e2e
// server's refresher stores every figure set a minute after it starts; it runs
// with a 10 s live budget, so nothing is served from those copies until this
// test marks one set slow (20 s: over the budget, under the page's 30 s timeout): the model page's figures for team West, as the
// demo admin sees them (no other journey opens that view). The page then says
// when its figures were computed, and "Compute them now" computes them.

const keyLike = (teamId: string) => `model|%|${teamId}|||week`;

/** Team West's id (the demo seed's). */
async function westId(): Promise<string> {
  const id = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = 'West'`)).rows[0]?.id);
  expect(id).toBeTruthy();
  return id!;
}

/** The UTC day `offset` days from today, as YYYY-MM-DD. */
const day = (offset: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset)).toISOString().slice(0, 10);
};

test.describe("figures computed ahead, as the demo admin", () => {
  test.use({ storageState: storageState("admin"), viewport: { width: 380, height: 800 } });

  test("a page served from its copy says when it was computed; Compute them now computes it for the request", async ({ page }) => {
    test.setTimeout(150_000);
    const west = await westId();
    // The first refresh runs a minute after the server starts.
    await expect
      .poll(async () => withDb(async (db) => (await db.query(`SELECT 1 FROM "DashboardSnapshot" WHERE key LIKE $1`, [keyLike(west)])).rowCount), { timeout: 120_000, intervals: [2_000] })
      .toBe(1);
    const stamped = await withDb(async (db) => {
      const r = await db.query<{ at: Date }>(`UPDATE "DashboardSnapshot" SET "computeMs" = 20000 WHERE key LIKE $1 RETURNING "computedAt" AS at`, [keyLike(west)]);
      return r.rows[0]!.at;
    });
    try {
      await page.goto(`/dashboards/model?team=${west}`);
      const note = page.getByRole("status").filter({ hasText: "Figures as of" });
      await expect(note).toBeVisible();
      // The stamp, in UTC as the page writes it (e.g. "Dec 4, 16:05 UTC").
      const hhmm = `${String(stamped.getUTCHours()).padStart(2, "0")}:${String(stamped.getUTCMinutes()).padStart(2, "0")}`;
      await expect(note).toContainText(`${hhmm} UTC`);
      await expect(page.getByRole("heading", { name: "Model quality", level: 1 })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, "computed-ahead-380");

      await note.getByRole("link", { name: "Compute them now" }).click();
      await expect(page).toHaveURL(/[?&]live=1/);
      await expect(page).toHaveURL(new RegExp(`team=${west}`));
      await expect(page.getByRole("status").filter({ hasText: "Figures as of" })).toHaveCount(0);
      await expect(page.getByRole("heading", { name: "Model quality", level: 1 })).toBeVisible();
    } finally {
      await withDb((db) => db.query(`DELETE FROM "DashboardSnapshot" WHERE key LIKE $1`, [keyLike(west)]));
    }
  });
});

// Figures that take too long to compute for a page are computed in the
// background (DashboardRequest holds the computation's claim). Here the claim
// is written by the test, as a page whose live computation timed out would
// write it, for a range no other journey opens; the page then says the figures
// are being computed, and shows them by itself once the claim is gone and the
// waiting pages are notified (the figures are fast to compute on the demo
// data, so the page's reload computes them).
test.describe("figures computed in the background, as the demo admin", () => {
  test.use({ storageState: storageState("admin"), viewport: { width: 380, height: 800 } });

  test("a view being computed says so, and shows its figures when they are ready, without a reload", async ({ page }) => {
    test.setTimeout(90_000);
    const west = await westId();
    const [from, to, toExclusive] = [day(-47), day(-33), day(-32)];
    const key = `model|${from}T00:00:00.000Z|${toExclusive}T00:00:00.000Z|${west}|||week`;
    const since = await withDb(async (db) => (await db.query<{ at: Date }>(`INSERT INTO "DashboardRequest" (key, "startedAt") VALUES ($1, now()::timestamp(3)) RETURNING "startedAt" AS at`, [key])).rows[0]!.at);
    try {
      await page.goto(`/dashboards/model?team=${west}&from=${from}&to=${to}&grain=week`);
      const panel = page.getByRole("status").filter({ hasText: "Computing these figures" });
      await expect(panel).toBeVisible();
      const hhmm = `${String(since.getUTCHours()).padStart(2, "0")}:${String(since.getUTCMinutes()).padStart(2, "0")}`;
      await expect(panel).toContainText(`started`);
      await expect(panel).toContainText(`${hhmm} UTC`);
      // The filters stay usable, and the default view is one click away.
      await expect(page.getByRole("heading", { name: "Model quality", level: 1 })).toBeVisible();
      await expect(panel.getByRole("link", { name: "Open the last 90 days instead" })).toHaveAttribute("href", "/dashboards/model");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, "computing-in-background-380");
      // Ready, as a background computation ends: the claim goes and the waiting pages are notified
      // (lib/data/dashboard-snapshots.ts notifyDashboardViews); the page reloads its data on the event.
      await expect(panel).toHaveAttribute("data-live", "on");
      // Past the page's first reload (after 2 s), which a view stored while the stream connected would need; from
      // then on, with the stream live, the page reloads on its own only every 30 s.
      await page.waitForTimeout(2_500);
      await withDb(async (db) => {
        await db.query(`DELETE FROM "DashboardRequest" WHERE key = $1`, [key]);
        await db.query(`SELECT pg_notify('nudge_dashboard_views', '')`);
      });
      await expect(panel).toHaveCount(0, { timeout: 5_000 });
      await expect(page.getByText("Calibration: predicted propensity", { exact: false }).first()).toBeVisible();
      await expect(page).toHaveURL(new RegExp(`from=${from}`));
    } finally {
      await withDb((db) => db.query(`DELETE FROM "DashboardRequest" WHERE key = $1`, [key]));
    }
  });

  test("a failed background computation says why and when it can be tried again", async ({ page }) => {
    const west = await westId();
    const [from, to, toExclusive] = [day(-52), day(-38), day(-37)];
    const key = `kpi:retention|${from}T00:00:00.000Z|${toExclusive}T00:00:00.000Z|${west}|||week`;
    await withDb((db) =>
      db.query(`INSERT INTO "DashboardRequest" (key, "startedAt", "failedAt", error) VALUES ($1, now()::timestamp(3) - interval '1 minute', now()::timestamp(3), 'computing them took longer than their limit of 10 minutes')`, [key]),
    );
    try {
      await page.goto(`/dashboards/conversion?kpi=retention&team=${west}&from=${from}&to=${to}&grain=week`);
      const panel = page.getByRole("alert").filter({ hasText: "These figures could not be computed" });
      await expect(panel).toBeVisible();
      await expect(panel).toContainText("took longer than their limit of 10 minutes");
      await expect(panel).toContainText("can be tried again from");
      await expect(panel.getByRole("link", { name: "Open the last 90 days instead" })).toHaveAttribute("href", "/dashboards/conversion?kpi=retention");
      // The KPI picker and filters are still there to pick something cheaper.
      await expect(page.getByRole("heading", { name: "Impact", level: 1 })).toBeVisible();
      await screenshot(page, "background-failed-380");
    } finally {
      await withDb((db) => db.query(`DELETE FROM "DashboardRequest" WHERE key = $1`, [key]));
    }
  });
});

test.describe("the periodic review computed in the background, as the demo admin", () => {
  test.use({ storageState: storageState("admin"), viewport: { width: 1440, height: 900 } });

  test("a review whose period is being computed says so, with the way back to the last complete period", async ({ page }) => {
    const west = await westId();
    const [from, to, toExclusive] = [day(-61), day(-55), day(-54)];
    const key = `review|${from}T00:00:00.000Z|${toExclusive}T00:00:00.000Z|${west}|||week`;
    await withDb((db) => db.query(`INSERT INTO "DashboardRequest" (key, "startedAt") VALUES ($1, now()::timestamp(3))`, [key]));
    try {
      await page.goto(`/dashboards/review?team=${west}&from=${from}&to=${to}&grain=week`);
      const panel = page.getByRole("status").filter({ hasText: "Computing these figures" });
      await expect(panel).toBeVisible();
      await expect(panel.getByRole("link", { name: "Open the last complete period instead" })).toHaveAttribute("href", "/dashboards/review");
      await expect(page.getByRole("heading", { name: "Periodic review", level: 1 })).toBeVisible();
      // Nothing to print yet.
      await expect(page.getByRole("button", { name: /print/i })).toHaveCount(0);
      await screenshot(page, "review-computing-1440");
    } finally {
      await withDb((db) => db.query(`DELETE FROM "DashboardRequest" WHERE key = $1`, [key]));
    }
  });
});
