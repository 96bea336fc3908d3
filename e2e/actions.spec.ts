import { expect, test } from "@playwright/test";
import { storageState, withDb } from "./support";

test.use({ storageState: storageState("rep") });

test("a server action replayed without a session writes nothing", async ({ page, playwright, baseURL }) => {
  await page.goto("/queue");
  const first = page.getByRole("listitem").filter({ has: page.getByRole("button", { name: "Accept" }) }).first();
  await expect(first).toBeVisible();

  // Capture the real action request the Accept button sends, and stop it there.
  let captured: { headers: Record<string, string>; body: string } | null = null;
  await page.route("**/queue", async (route) => {
    const req = route.request();
    if (req.method() === "POST" && req.headers()["next-action"]) {
      captured = { headers: req.headers(), body: req.postData() ?? "" };
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await first.getByRole("button", { name: "Accept" }).click();
  await expect.poll(() => captured).not.toBeNull();
  const { headers, body } = captured!;
  const recommendationId = /"recommendationId":"([0-9a-f-]{36})"/.exec(body)?.[1];
  expect(recommendationId).toBeTruthy();

  const before = await withDb(async (db) => ({
    feedback: (await db.query(`SELECT count(*)::int AS n FROM "Feedback" WHERE "recommendationId" = $1`, [recommendationId])).rows[0].n as number,
    status: (await db.query(`SELECT status FROM "Recommendation" WHERE id = $1`, [recommendationId])).rows[0].status as string,
  }));

  // Replay it from a context with no cookies at all.
  const anonymous = await playwright.request.newContext({ baseURL });
  const res = await anonymous.post("/queue", {
    headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: body,
    maxRedirects: 0,
  });
  expect([303, 307, 401, 403]).toContain(res.status());
  await anonymous.dispose();

  const after = await withDb(async (db) => ({
    feedback: (await db.query(`SELECT count(*)::int AS n FROM "Feedback" WHERE "recommendationId" = $1`, [recommendationId])).rows[0].n as number,
    status: (await db.query(`SELECT status FROM "Recommendation" WHERE id = $1`, [recommendationId])).rows[0].status as string,
  }));
  expect(after).toEqual(before);
  expect(after.status).toBe("PENDING");
});
