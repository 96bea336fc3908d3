import { expect, test } from "@playwright/test";
import { screenshot, storageState, withDb } from "./support";

// Dashboard figures computed ahead (lib/services/dashboard-views.ts). The e2e
// server's refresher stores every figure set a minute after it starts; it runs
// with a 10 s live budget, so nothing is served from those copies until this
// test marks one set slow: the model page's figures for team West, as the
// demo admin sees them (no other journey opens that view). The page then says
// when its figures were computed, and "Compute them now" computes them.

const keyLike = (teamId: string) => `model|%|${teamId}|||week`;

test.describe("figures computed ahead, as the demo admin", () => {
  test.use({ storageState: storageState("admin"), viewport: { width: 380, height: 800 } });

  test("a page served from its copy says when it was computed; Compute them now computes it for the request", async ({ page }) => {
    test.setTimeout(150_000);
    const west = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = 'West'`)).rows[0]?.id);
    expect(west).toBeTruthy();
    // The first refresh runs a minute after the server starts.
    await expect
      .poll(async () => withDb(async (db) => (await db.query(`SELECT 1 FROM "DashboardSnapshot" WHERE key LIKE $1`, [keyLike(west!)])).rowCount), { timeout: 120_000, intervals: [2_000] })
      .toBe(1);
    const stamped = await withDb(async (db) => {
      const r = await db.query<{ at: Date }>(`UPDATE "DashboardSnapshot" SET "computeMs" = 60000 WHERE key LIKE $1 RETURNING "computedAt" AS at`, [keyLike(west!)]);
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
      await withDb((db) => db.query(`DELETE FROM "DashboardSnapshot" WHERE key LIKE $1`, [keyLike(west!)]));
    }
  });
});
