import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { captureAction, feedbackCount, screenshot, statusOf, storageState, withDb } from "./support";

test.use({ storageState: storageState("rep") });
// One rep, one queue: these journeys run in order so they never race each other.
test.describe.configure({ mode: "serial" });

const cards = (page: Page) => page.locator("li[data-recommendation-id]");
const card = (page: Page, id: string) => page.locator(`li[data-recommendation-id="${id}"]`);
/** Pending suggestions (they still have an Accept button), as ids in list order. */
const pendingIds = (page: Page) =>
  page.locator("li[data-recommendation-id]:has(button:text-is('Accept'))").evaluateAll((els) => els.map((e) => e.getAttribute("data-recommendation-id")!));
/** The queue is hydrated and its keyboard shortcuts are live. */
const ready = (page: Page) => expect(page.locator("body[data-queue-keys=on]")).toHaveCount(1);

test("the queue shows ranked suggestions with reasons, best first", async ({ page }) => {
  await page.goto("/queue");
  await expect(page.getByRole("heading", { level: 1, name: "Today's queue" })).toBeVisible();
  const n = await cards(page).count();
  expect(n).toBeGreaterThan(3);
  await expect(page.getByText(`${n} left today`)).toBeVisible();
  const ids = await cards(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-recommendation-id")!));
  const scores = await withDb(async (db) => {
    const r = await db.query<{ id: string; score: number }>(`SELECT id, score FROM "Recommendation" WHERE id = ANY($1::uuid[])`, [ids]);
    return ids.map((id) => r.rows.find((x) => x.id === id)!.score);
  });
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  await expect(cards(page).first().getByRole("list", { name: "Why this suggestion" }).getByRole("listitem").first()).toBeVisible();
});

test("accept, dismiss with a reason, snooze, done and undo each persist", async ({ page }) => {
  await page.goto("/queue");
  await ready(page);
  const [a, d, s, x] = await pendingIds(page);
  if (!a || !d || !s || !x) throw new Error("the demo rep needs four pending suggestions");

  await card(page, a).getByRole("button", { name: "Accept" }).click();
  await expect(card(page, a).getByText("Accepted", { exact: true })).toBeVisible();
  await expect.poll(() => statusOf(a)).toBe("ACCEPTED");

  await card(page, d).getByRole("button", { name: "Dismiss" }).click();
  await card(page, d).getByLabel("Note (optional)").fill("Talked yesterday");
  await card(page, d).getByRole("button", { name: "Customer declined" }).click();
  await expect(card(page, d)).toHaveCount(0);
  await expect.poll(() => statusOf(d)).toBe("DISMISSED");
  const reason = await withDb(async (db) => (await db.query(`SELECT "dismissReason", note FROM "Feedback" WHERE "recommendationId" = $1 AND kind = 'DISMISS'`, [d])).rows[0]);
  expect(reason).toEqual({ dismissReason: "CUSTOMER_DECLINED", note: "Talked yesterday" });

  await card(page, s).getByRole("button", { name: "Snooze" }).click();
  await card(page, s).getByRole("button", { name: "Next week" }).click();
  await expect(card(page, s)).toHaveCount(0);
  await expect.poll(() => statusOf(s)).toBe("SNOOZED");

  await card(page, x).getByRole("button", { name: "Done" }).click();
  await expect(card(page, x)).toHaveCount(0);
  await expect.poll(() => statusOf(x)).toBe("DONE");

  // Undo brings the last one back, in the list and in the database.
  await page.getByRole("status").getByRole("button", { name: "Undo" }).click();
  await expect(card(page, x)).toBeVisible();
  await expect.poll(() => statusOf(x)).toBe("PENDING");

  await page.reload();
  await expect(card(page, a).getByText("Accepted", { exact: true })).toBeVisible();
  await expect(card(page, d)).toHaveCount(0);
  await expect(card(page, s)).toHaveCount(0);
  await expect(card(page, x)).toBeVisible();
});

test("the keyboard works the queue: j/k, a, x, d, s, u and ?", async ({ page }) => {
  await page.goto("/queue");
  await ready(page);
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  const pending = page.locator("li[data-recommendation-id]:has(button:text-is('Accept'))");
  const first = (await pending.first().getAttribute("data-recommendation-id"))!;
  await card(page, first).click({ position: { x: 5, y: 5 } });
  await expect(card(page, first)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("j");
  await expect(card(page, first)).not.toHaveAttribute("aria-current", "true");
  await page.keyboard.press("k");
  await expect(card(page, first)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("a");
  await expect.poll(() => statusOf(first)).toBe("ACCEPTED");
  await page.keyboard.press("x");
  await expect(card(page, first)).toHaveCount(0);
  await expect.poll(() => statusOf(first)).toBe("DONE");
  await page.keyboard.press("u");
  await expect.poll(() => statusOf(first)).toBe("ACCEPTED");
  await expect(card(page, first)).toBeVisible();

  // Select the next pending one with the keyboard, then dismiss and snooze by key.
  await card(page, first).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("j");
  const selected = page.locator("li[data-recommendation-id][aria-current=true]");
  await expect(selected).not.toHaveAttribute("data-recommendation-id", first);
  const next = (await selected.getAttribute("data-recommendation-id"))!;
  await page.keyboard.press("d");
  await expect(card(page, next).getByRole("button", { name: "Not relevant" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => statusOf(next)).toBe("DISMISSED");
  await expect(card(page, next)).toHaveCount(0);
  await expect(selected).toHaveCount(1);
  const snoozeTarget = (await selected.getAttribute("data-recommendation-id"))!;
  await page.keyboard.press("s");
  await expect(card(page, snoozeTarget).getByRole("button", { name: "Tomorrow" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => statusOf(snoozeTarget)).toBe("SNOOZED");
});

test("a double click on Accept records exactly one reaction", async ({ page }) => {
  await page.goto("/queue");
  await ready(page);
  const pending = page.locator("li[data-recommendation-id]:has(button:text-is('Accept'))");
  const id = (await pending.first().getAttribute("data-recommendation-id"))!;
  const before = await feedbackCount(id);
  await card(page, id).getByRole("button", { name: "Accept" }).dblclick();
  await expect.poll(() => statusOf(id)).toBe("ACCEPTED");
  await page.waitForTimeout(500);
  expect(await feedbackCount(id)).toBe(before + 1);
});

test("a server action replayed without a session writes nothing", async ({ page, playwright, baseURL }) => {
  await page.goto("/queue");
  await ready(page);
  const pending = page.locator("li[data-recommendation-id]:has(button:text-is('Accept'))");
  const id = (await pending.first().getAttribute("data-recommendation-id"))!;
  const [feedbackBefore, statusBefore] = [await feedbackCount(id), await statusOf(id)];
  const { headers, body } = await captureAction(page, "/queue", () => card(page, id).getByRole("button", { name: "Accept" }).click());
  expect(body).toContain(id);
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const res = await anonymous.post("/queue", { headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"]!, accept: "text/x-component" }, data: body, maxRedirects: 0 });
  expect(res.status()).not.toBe(200);
  await anonymous.dispose();
  expect(await feedbackCount(id)).toBe(feedbackBefore);
  expect(await statusOf(id)).toBe(statusBefore);
});

test("searching customers and opening one shows its timeline", async ({ page }) => {
  const target = await withDb(async (db) => (await db.query<{ name: string; company: string }>(`SELECT c.name, c.company FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email = 'rep@nudge.test' AND EXISTS (SELECT 1 FROM "CustomerEvent" e WHERE e."customerId" = c.id) ORDER BY c.name LIMIT 1`)).rows[0]!);
  await page.goto("/customers");
  await page.getByRole("searchbox", { name: "Search" }).fill(target.name.split(" ")[1]!);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=/);
  await page.getByRole("link", { name: new RegExp(target.name) }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: target.name })).toBeVisible();
  await expect(page.getByRole("list", { name: "Activity timeline" }).getByRole("listitem").first()).toBeVisible();
  await expect(page.getByText("Signals the engine uses")).toBeVisible();
});

test("screens at 380 px and 1440 px, and no serious accessibility violations", async ({ page }) => {
  test.setTimeout(120_000);
  const customerId = await withDb(async (db) => (await db.query<{ id: string; externalId: string }>(`SELECT c.id, c."externalId" FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" JOIN "Recommendation" r ON r."customerId" = c.id AND r.status = 'PENDING' AND NOT r."isControl" WHERE u.email = 'rep@nudge.test' LIMIT 1`)).rows[0]!);
  const screens: [string, string][] = [
    ["queue", "/queue"],
    ["customers", "/customers"],
    ["customer", `/customers/${customerId.id}`],
    ["embed", `/embed/customers/${customerId.externalId}`],
  ];
  for (const width of [380, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, path] of screens) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} at ${width}px has no horizontal overflow`).toBeLessThanOrEqual(0);
      await screenshot(page, `${name}-${width}`);
    }
  }
  for (const path of ["/queue", `/customers/${customerId.id}`]) {
    await page.goto(path);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  }
});
