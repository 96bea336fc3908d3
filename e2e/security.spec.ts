import { expect, test } from "@playwright/test";
import { captureAction, feedbackCount, statusOf, storageState, withDb } from "./support";

test.describe("a rep reaching for someone else's data", () => {
  test.use({ storageState: storageState("rep") });

  test("the reaction action with another rep's recommendation id is refused and writes nothing", async ({ page }) => {
    const foreign = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT r.id FROM "Recommendation" r JOIN "User" u ON u.id = r."repId" WHERE u.email <> 'rep@nudge.test' AND r.status = 'PENDING' AND NOT r."isControl" LIMIT 1`)).rows[0]!.id);
    await page.goto("/queue");
    await expect(page.locator("body[data-queue-keys=on]")).toHaveCount(1);
    const mine = (await page.locator("li[data-recommendation-id][data-status=PENDING]").last().getAttribute("data-recommendation-id"))!;
    await page.locator(`li[data-recommendation-id="${mine}"] > button`).click();
    const before = { foreign: await feedbackCount(foreign), mine: await feedbackCount(mine) };
    const { headers, body } = await captureAction(page, "/queue", () => page.locator(`[data-detail-for="${mine}"]`).filter({ visible: true }).getByRole("button", { name: "Accept" }).click());
    const forged = body.replace(mine, foreign);
    expect(forged).toContain(foreign);
    const res = await page.request.post("/queue", { headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"]!, accept: "text/x-component" }, data: forged });
    const text = await res.text();
    expect(text).toContain("NOT_FOUND");
    expect(await statusOf(foreign)).toBe("PENDING");
    expect(await feedbackCount(foreign)).toBe(before.foreign);
    expect(await feedbackCount(mine)).toBe(before.mine);
  });

  test("another rep's customer is not shown, by URL or through the embed", async ({ page }) => {
    const other = await withDb(async (db) => (await db.query<{ id: string; externalId: string; name: string }>(`SELECT c.id, c."externalId", c.name FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email <> 'rep@nudge.test' AND u.role = 'REP' LIMIT 1`)).rows[0]!);
    for (const path of [`/customers/${other.id}`, `/embed/customers/${other.externalId}`]) {
      const res = await page.goto(path);
      expect(res?.status()).toBe(404);
      await expect(page.getByText(other.name)).toHaveCount(0);
    }
    await page.goto(`/customers?q=${encodeURIComponent(other.name)}`);
    await expect(page.getByText(other.name)).toHaveCount(0);
  });
});

test("an unauthenticated embed shows sign-in, not data", async ({ page }) => {
  const c = await withDb(async (db) => (await db.query<{ externalId: string; name: string }>(`SELECT "externalId", name FROM "Customer" LIMIT 1`)).rows[0]!);
  await page.goto(`/embed/customers/${c.externalId}`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fembed/);
  await expect(page.getByText(c.name)).toHaveCount(0);
});

test("pages refuse to be framed unless they are the embed panel", async ({ request }) => {
  const signin = await request.get("/signin");
  expect(signin.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(signin.headers()["x-frame-options"]).toBe("DENY");
});
