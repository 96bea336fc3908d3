import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { apiKey, captureAction, feedbackCount, screenshot, signIn, statusOf, storageState, throwawayUser, withDb } from "./support";

test.use({ storageState: storageState("rep") });
// One rep, one queue: these journeys run in order so they never race each other.
// Generous timeouts: these journeys are long, and CI machines are shared.
test.describe.configure({ mode: "serial", timeout: 90_000 });

const SIDEBAR = { width: 360, height: 800 };
const WIDE = { width: 1440, height: 900 };

const cards = (page: Page) => page.locator("li[data-recommendation-id]");
const card = (page: Page, id: string) => page.locator(`li[data-recommendation-id="${id}"]`);
/** The row's one-line button (selects it and opens it). */
const rowButton = (page: Page, id: string) => card(page, id).locator("> button");
/** The opened suggestion: under its row (narrow) or in the pane beside the list (wide); whichever shows. */
const detail = (page: Page, id: string) => page.locator(`[data-detail-for="${id}"]`).filter({ visible: true });
const selectedRow = (page: Page) => page.locator("li[data-recommendation-id][aria-current=true]");
/** Pending suggestions, as ids in list order. */
const pendingIds = (page: Page) => page.locator("li[data-recommendation-id][data-status=PENDING]").evaluateAll((els) => els.map((e) => e.getAttribute("data-recommendation-id")!));
/** The queue is hydrated and its keyboard shortcuts are live. */
const ready = (page: Page) => expect(page.locator("body[data-queue-keys=on]")).toHaveCount(1);
/** Opens a row and presses one of its reaction buttons. */
async function press(page: Page, id: string, name: string) {
  await rowButton(page, id).click();
  await detail(page, id).getByRole("button", { name, exact: true }).click();
}

test("the queue shows ranked suggestions with reasons, best first", async ({ page }) => {
  await page.goto("/queue");
  await expect(page.getByRole("heading", { level: 1, name: "Today's queue" })).toBeVisible();
  const n = await cards(page).count();
  expect(n).toBeGreaterThan(3);
  await expect(page.getByText(new RegExp(`^${n} left`))).toBeVisible();
  const ids = await cards(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-recommendation-id")!));
  const scores = await withDb(async (db) => {
    const r = await db.query<{ id: string; score: number }>(`SELECT id, score FROM "Recommendation" WHERE id = ANY($1::uuid[])`, [ids]);
    return ids.map((id) => r.rows.find((x) => x.id === id)!.score);
  });
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  const first = (await cards(page).first().getAttribute("data-recommendation-id"))!;
  await expect(detail(page, first).getByRole("list", { name: "Why this suggestion" }).getByRole("listitem").first()).toBeVisible();
});

test("at 360 px: accept, dismiss with a reason, snooze, done and undo by click each persist, and focus lands on a row", async ({ page }) => {
  await page.setViewportSize(SIDEBAR);
  await page.goto("/queue");
  await ready(page);
  const [a, d, s, x] = await pendingIds(page);
  if (!a || !d || !s || !x) throw new Error("the demo rep needs four pending suggestions");

  await press(page, a, "Accept");
  await expect(card(page, a)).toHaveAttribute("data-status", "ACCEPTED");
  await expect.poll(() => statusOf(a)).toBe("ACCEPTED");

  await press(page, d, "Dismiss");
  await detail(page, d).getByLabel("Note (optional)").fill("Talked yesterday");
  await detail(page, d).getByRole("button", { name: "Customer declined" }).click();
  await expect(card(page, d)).toHaveCount(0);
  await expect.poll(() => statusOf(d)).toBe("DISMISSED");
  const reason = await withDb(async (db) => (await db.query(`SELECT "dismissReason", note FROM "Feedback" WHERE "recommendationId" = $1 AND kind = 'DISMISS'`, [d])).rows[0]);
  expect(reason).toEqual({ dismissReason: "CUSTOMER_DECLINED", note: "Talked yesterday" });
  // The row that took its place has focus, not the page body.
  await expect(selectedRow(page).locator("> button")).toBeFocused();

  await press(page, s, "Snooze");
  await detail(page, s).getByRole("button", { name: "Next week" }).click();
  await expect(card(page, s)).toHaveCount(0);
  await expect.poll(() => statusOf(s)).toBe("SNOOZED");

  await press(page, x, "Done");
  await expect(card(page, x)).toHaveCount(0);
  await expect.poll(() => statusOf(x)).toBe("DONE");

  // Undo brings the last one back, in the list and in the database, and focuses it.
  await page.getByRole("status").getByRole("button", { name: "Undo" }).click();
  await expect(card(page, x)).toBeVisible();
  await expect.poll(() => statusOf(x)).toBe("PENDING");
  await expect(rowButton(page, x)).toBeFocused();

  await page.reload();
  await expect(card(page, a)).toHaveAttribute("data-status", "ACCEPTED");
  await expect(card(page, d)).toHaveCount(0);
  await expect(card(page, s)).toHaveCount(0);
  await expect(card(page, x)).toBeVisible();
});

test("at 360 x 800 at least 7 suggestions are in view, under a one-row header, with nothing sideways", async ({ page }) => {
  await page.setViewportSize(SIDEBAR);
  await page.goto("/queue");
  await ready(page);
  const header = await page.locator("header").boundingBox();
  expect(header!.height).toBeLessThanOrEqual(48);
  const inView = await cards(page).evaluateAll((els) => els.filter((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }).length);
  expect(inView).toBeGreaterThanOrEqual(7);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // The skip link is the first stop and lands on the content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});

test("at 1440 px the queue and the selected customer sit side by side", async ({ page }) => {
  await page.setViewportSize(WIDE);
  await page.goto("/queue");
  await ready(page);
  const list = (await page.getByRole("list", { name: "Suggested actions, best first" }).boundingBox())!;
  const pane = page.locator("section[aria-labelledby=pane-title]");
  const box = (await pane.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(list.x + list.width);
  expect(Math.abs(box.y - list.y)).toBeLessThan(5);
  const second = (await cards(page).nth(1).getAttribute("data-recommendation-id"))!;
  const name = await withDb(async (db) => (await db.query<{ name: string }>(`SELECT c.name FROM "Recommendation" r JOIN "Customer" c ON c.id = r."customerId" WHERE r.id = $1`, [second])).rows[0]!.name);
  await rowButton(page, second).click();
  await expect(pane.getByRole("heading", { level: 2 })).toHaveText(name);
  await expect(pane.getByRole("link", { name: "Customer page" })).toBeVisible();
});

for (const [label, size] of [["360 x 800", SIDEBAR], ["1440 px", WIDE]] as const) {
test(`the keyboard works the queue at ${label}: j/k, a, x, d, s, u, ? and Escape`, async ({ page }) => {
  await page.setViewportSize(size);
  await page.goto("/queue");
  await ready(page);
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  const first = (await pendingIds(page))[0]!;
  await rowButton(page, first).click();
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
  await expect(rowButton(page, first)).toBeFocused();
  await page.keyboard.press("j");
  const selected = selectedRow(page);
  await expect(selected).not.toHaveAttribute("data-recommendation-id", first);
  const next = (await selected.getAttribute("data-recommendation-id"))!;
  // A panel closed with Escape gives focus back to the row.
  await page.keyboard.press("s");
  await expect(detail(page, next).getByRole("button", { name: "Tomorrow" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(rowButton(page, next)).toBeFocused();
  await page.keyboard.press("d");
  await expect(detail(page, next).getByRole("button", { name: "Not relevant" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => statusOf(next)).toBe("DISMISSED");
  await expect(card(page, next)).toHaveCount(0);
  await expect(selected).toHaveCount(1);
  const snoozeTarget = (await selected.getAttribute("data-recommendation-id"))!;
  await page.keyboard.press("s");
  await expect(detail(page, snoozeTarget).getByRole("button", { name: "Tomorrow" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => statusOf(snoozeTarget)).toBe("SNOOZED");
});
}

// The command palette, by keyboard only, in the 360 px sidebar.
const palette = (page: Page) => page.getByRole("dialog", { name: "Search and commands" });
const paletteInput = (page: Page) => palette(page).getByRole("combobox");
async function openPalette(page: Page) {
  await page.keyboard.press("Control+k");
  await expect(paletteInput(page)).toBeFocused();
}

test("the command palette at 360 x 800, by keyboard: Escape returns focus, Tab stays inside, jump to a suggestion, react to it, open a page and a customer", async ({ page }) => {
  await page.setViewportSize(SIDEBAR);
  await page.goto("/queue");
  await ready(page);
  const ids = await pendingIds(page);
  const [first, target] = ids;
  if (!first || !target) throw new Error("the demo rep needs two pending suggestions");
  await rowButton(page, first).click();
  await expect(rowButton(page, first)).toBeFocused();

  // Opens with Ctrl+K, is a combobox driving a listbox, and closes with Escape, focus back on the row.
  await openPalette(page);
  await expect(paletteInput(page)).toHaveAttribute("aria-expanded", "true");
  await expect(palette(page).getByRole("listbox")).toBeVisible();
  const box = (await palette(page).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(SIDEBAR.width);
  const axe = await new AxeBuilder({ page }).include("dialog").analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await screenshot(page, "palette-360");
  // A focus trap: Tab goes to the close button and back, never to the page behind.
  await page.keyboard.press("Tab");
  await expect(palette(page).getByRole("button", { name: /close/ })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(paletteInput(page)).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(palette(page)).toBeHidden();
  await expect(rowButton(page, first)).toBeFocused();

  // Jump to a suggestion by its customer and action.
  const t = await withDb(async (db) => (await db.query<{ name: string; action: string }>(`SELECT c.name, a.name AS action FROM "Recommendation" r JOIN "Customer" c ON c.id = r."customerId" JOIN "ActionType" a ON a.id = r."actionTypeId" WHERE r.id = $1`, [target])).rows[0]!);
  await openPalette(page);
  await page.keyboard.type(`${t.name}: ${t.action}`);
  const option = palette(page).getByRole("option", { name: `${t.name}: ${t.action}` });
  await expect(option).toHaveAttribute("aria-selected", "true");
  await expect(paletteInput(page)).toHaveAttribute("aria-activedescendant", (await option.getAttribute("id"))!);
  await page.keyboard.press("Enter");
  await expect(palette(page)).toBeHidden();
  await expect(card(page, target)).toHaveAttribute("aria-current", "true");
  await expect(rowButton(page, target)).toBeFocused();

  // React to the selected one: accept, then snooze through its panel.
  await openPalette(page);
  await page.keyboard.type("accept");
  await expect(palette(page).getByRole("group", { name: `Selected: ${t.name} · ${t.action}` }).getByRole("option", { name: "Accept", exact: true })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect.poll(() => statusOf(target)).toBe("ACCEPTED");
  await openPalette(page);
  await page.keyboard.type("snooze");
  await page.keyboard.press("Enter");
  await expect(detail(page, target).getByRole("button", { name: "Tomorrow" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => statusOf(target)).toBe("SNOOZED");
  // Undo from the palette puts it back.
  await openPalette(page);
  await page.keyboard.type("undo");
  await page.keyboard.press("Enter");
  await expect.poll(() => statusOf(target)).toBe("ACCEPTED");

  // Switch pages.
  await openPalette(page);
  await page.keyboard.type("customers");
  await expect(palette(page).getByRole("group", { name: "Pages" }).getByRole("option", { name: "Customers" })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/customers$/);

  // Go to a customer through the customer search (one without an open suggestion, so only the search finds them); arrows move the active option.
  const other = await withDb(async (db) => (await db.query<{ id: string; name: string }>(`SELECT c.id, c.name FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email = 'rep@nudge.test' AND NOT EXISTS (SELECT 1 FROM "Recommendation" r WHERE r."customerId" = c.id AND r.status IN ('PENDING','ACCEPTED')) ORDER BY c.name LIMIT 1`)).rows[0]!);
  await openPalette(page);
  await page.keyboard.type(other.name);
  const hit = palette(page).getByRole("group", { name: "Customers" }).getByRole("option", { name: new RegExp(`^${other.name}`) }).first();
  await expect(hit).toBeVisible();
  const options = palette(page).getByRole("option");
  const at = await options.evaluateAll((els, id) => els.findIndex((e) => e.id === id), (await hit.getAttribute("id"))!);
  for (let i = 0; i < at; i++) await page.keyboard.press("ArrowDown");
  await expect(hit).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: other.name })).toBeVisible();
});

test("a double click on Accept records exactly one reaction", async ({ page }) => {
  await page.goto("/queue");
  await ready(page);
  const id = (await pendingIds(page))[0]!;
  const before = await feedbackCount(id);
  await rowButton(page, id).click();
  await detail(page, id).getByRole("button", { name: "Accept" }).dblclick();
  await expect.poll(() => statusOf(id)).toBe("ACCEPTED");
  await page.waitForTimeout(500);
  expect(await feedbackCount(id)).toBe(before + 1);
});

test("a server action replayed without a session writes nothing", async ({ page, playwright, baseURL }) => {
  await page.goto("/queue");
  await ready(page);
  const id = (await pendingIds(page))[0]!;
  const [feedbackBefore, statusBefore] = [await feedbackCount(id), await statusOf(id)];
  await rowButton(page, id).click();
  const { headers, body } = await captureAction(page, "/queue", () => detail(page, id).getByRole("button", { name: "Accept" }).click());
  expect(body).toContain(id);
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const res = await anonymous.post("/queue", { headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"]!, accept: "text/x-component" }, data: body, maxRedirects: 0 });
  expect(res.status()).not.toBe(200);
  await anonymous.dispose();
  expect(await feedbackCount(id)).toBe(feedbackBefore);
  expect(await statusOf(id)).toBe(statusBefore);
});

test("a suggestion created through the events API appears in the open queue at once: highlighted, a pill, a count in the title", async ({ page, request }) => {
  // A rep of their own with room in today's cap: the demo rep's queue was filled to the cap this morning, and the
  // cap counts every suggestion delivered today, so nothing new may reach that rep until tomorrow.
  const rep = await throwawayUser("REP");
  await page.context().clearCookies();
  await signIn(page, rep);
  await expect(page).toHaveURL(/\/queue$/, { timeout: 20_000 });
  await page.setViewportSize(SIDEBAR);
  await page.goto("/queue");
  await expect(page.locator("body[data-queue-live=on]")).toHaveCount(1);
  const run = randomUUID().slice(0, 8);
  const key = await apiKey(`push ${run}`);
  const auth = { authorization: `Bearer ${key}` };
  const ids = [0, 1, 2, 3].map((i) => `PUSH-${run}-${i}`);
  // Some suggestions first, then a reload, so the queue is not empty: the first row of an empty queue is selected
  // (and so seen) at once. Three customers, so the global holdout or a control group cannot leave it empty.
  const warm = [0, 1, 2].map((i) => `PUSH-${run}-warm-${i}`);
  const created = await request.post("/api/v1/customers", {
    headers: auth,
    data: { customers: [...ids, ...warm].map((externalId, i) => ({ externalId, name: `Push ${run} ${i}`, segment: "SMB", company: `Pushco ${i}`, ownerEmail: rep })) },
  });
  expect(created.status()).toBe(200);
  const now = new Date().toISOString();
  const opened = await request.post("/api/v1/events", { headers: auth, data: { events: warm.map((customerExternalId) => ({ customerExternalId, type: "SUPPORT_TICKET", occurredAt: now, payload: { status: "open", subject: "Login" } })) } });
  expect(opened.status()).toBe(200);
  await expect(page.locator("li[data-recommendation-id]").first()).toBeVisible({ timeout: 5000 });
  await page.reload();
  await expect(page.locator("body[data-queue-live=on]")).toHaveCount(1);
  await expect(page.locator("li[data-recommendation-id]").first()).toBeVisible();
  const posted = await request.post("/api/v1/events", { headers: auth, data: { events: ids.map((customerExternalId) => ({ customerExternalId, type: "SUPPORT_TICKET", occurredAt: now, payload: { status: "open", subject: "Login" } })) } });
  expect(posted.status()).toBe(200);
  const shown = await withDb(async (db) =>
    (await db.query<{ id: string }>(`SELECT r.id FROM "Recommendation" r JOIN "Customer" c ON c.id = r."customerId" WHERE c."externalId" = ANY($1) AND NOT r."isControl" AND r.status = 'PENDING'`, [ids])).rows.map((r) => r.id),
  );
  expect(shown.length, "the engine showed at least one of the four follow-ups").toBeGreaterThan(0);
  for (const id of shown) await expect(card(page, id)).toBeVisible({ timeout: 2000 });
  await expect(card(page, shown[0]!)).toHaveAttribute("data-fresh", "true");
  await expect(page.getByRole("button", { name: `${shown.length} new` })).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(`^\\(${shown.length} new\\) `));
  // Looking at it (the pill selects the first new one) clears its highlight.
  await page.getByRole("button", { name: `${shown.length} new` }).click();
  await expect(selectedRow(page)).not.toHaveAttribute("data-fresh", "true");
});

test("offline: a reaction is held and shown pending, sent on reconnect; one the server refuses rolls back with a message; undo survives a reload", async ({ page, context }) => {
  await page.setViewportSize(SIDEBAR);
  await page.goto("/queue");
  await ready(page);
  const [a, b] = await pendingIds(page);
  if (!a || !b) throw new Error("the demo rep needs two pending suggestions");
  await context.setOffline(true);
  await expect(page.getByText("You're offline")).toBeVisible();
  await press(page, a, "Accept");
  await expect(card(page, a)).toHaveAttribute("data-status", "ACCEPTED");
  await expect(rowButton(page, a)).toHaveAccessibleName(/pending/);
  await press(page, b, "Accept");
  // Meanwhile someone else closes b.
  await withDb((db) => db.query(`UPDATE "Recommendation" SET status = 'DONE', "decidedAt" = now() WHERE id = $1`, [b]));
  expect(await statusOf(a)).toBe("PENDING");
  await context.setOffline(false);
  await expect.poll(() => statusOf(a)).toBe("ACCEPTED");
  await expect(rowButton(page, a)).not.toHaveAccessibleName(/pending/);
  await expect(page.getByRole("status").getByText(/^Not saved \(Accepted: /)).toBeVisible();
  await expect(card(page, b)).toHaveCount(0);

  // Undo after a reload: the server keeps the rep's last reaction.
  await page.reload();
  await ready(page);
  await page.keyboard.press("u");
  await expect.poll(() => statusOf(a)).toBe("PENDING");
  await expect(rowButton(page, a)).toBeFocused();
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

test("screens at 360 px and 1440 px, light and dark, and no accessibility violations in either", async ({ page }) => {
  test.setTimeout(180_000);
  const customerId = await withDb(async (db) => (await db.query<{ id: string; externalId: string; name: string }>(`SELECT c.id, c."externalId", c.name FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" JOIN "Recommendation" r ON r."customerId" = c.id AND r.status = 'PENDING' AND NOT r."isControl" WHERE u.email = 'rep@nudge.test' LIMIT 1`)).rows[0]!);
  const screens: [string, string][] = [
    ["queue", "/queue"],
    ["customers", "/customers"],
    ["customer", `/customers/${customerId.id}`],
    ["embed", `/embed/customers/${customerId.externalId}`],
  ];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [360, 1440]) {
      await page.setViewportSize({ width, height: 800 });
      for (const [name, path] of screens) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${name} at ${width}px has no horizontal overflow`).toBeLessThanOrEqual(0);
        await screenshot(page, `${name}-${width}-${colorScheme}`);
      }
    }
    for (const path of ["/queue", `/customers/${customerId.id}`, `/embed/customers/${customerId.externalId}`]) {
      await page.goto(path);
      const results = await new AxeBuilder({ page }).analyze();
      // Nothing at all, whatever its impact.
      expect(results.violations.map((v) => `${colorScheme} ${path} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`)).toEqual([]);
    }
  }
  // The customer's page is titled with their name.
  await page.goto(`/customers/${customerId.id}`);
  await expect(page).toHaveTitle(`${customerId.name} · Customer · Nudge`);
});
