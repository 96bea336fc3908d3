import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { ACCOUNTS, screenshot, storageState, withDb } from "./support";

// Customer data rights as an admin: the access record shows who opened,
// exported and erased which customer, filterable; consent recorded on the
// customer page; the retention period and a manual purge with what it
// removed; a customer erased from the admin UI. Others are refused.
test.use({ storageState: storageState("admin") });

const tag = randomUUID().slice(0, 6);

/** A customer of the demo rep made for this test (erasing a demo customer would change other tests' figures). */
async function freshCustomer(name: string): Promise<{ id: string; externalId: string }> {
  const externalId = `E2E-PRIV-${tag}-${name.split(" ")[0]}`;
  const id = await withDb(async (db) => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO "Customer" ("externalId", name, email, segment, "ownerId", "updatedAt")
       SELECT $1, $2, $3, 'SMB', id, now() FROM "User" WHERE email = $4 RETURNING id`,
      [externalId, name, `${externalId.toLowerCase()}@example.org`, ACCOUNTS.rep.email],
    );
    return rows[0]!.id;
  });
  return { id, externalId };
}

test("the access record shows who opened, exported and erased a customer, and filters", async ({ page }) => {
  test.setTimeout(90_000);
  const viewed = await freshCustomer(`Vera Viewed${tag}`);
  await page.goto(`/customers/${viewed.id}`);
  await expect(page.getByRole("heading", { level: 1, name: `Vera Viewed${tag}` })).toBeVisible();

  // Consent on the customer page: withdraw marketing on every channel, with its source.
  const form = page.getByRole("form", { name: "Record a consent change" });
  await form.getByLabel("Purpose").selectOption("MARKETING");
  await form.getByLabel("Consent").selectOption("false");
  await form.getByLabel("Source").fill("phone call");
  await form.getByRole("button", { name: "Record" }).click();
  await expect(page.getByTestId("consent-MARKETING")).toContainText("Withdrawn");
  await expect(page.getByRole("table", { name: "Consent history" })).toContainText("phone call");
  await expect(page.getByText("No marketing offers")).toBeVisible();

  // Export from Admin → Privacy: a JSON download of everything held on the customer.
  await page.goto(`/admin/privacy?customer=${viewed.externalId}`);
  const card = page.getByTestId("rights-customer");
  await expect(card).toContainText(viewed.externalId);
  const download = page.waitForEvent("download");
  await card.getByRole("link", { name: "Export JSON" }).click();
  const file = await download;
  const doc = JSON.parse(await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"))) as { tables: Record<string, { name?: string }[]> };
  expect(doc.tables.Customer?.[0]?.name).toBe(`Vera Viewed${tag}`);
  expect(doc.tables.ConsentRecord).toHaveLength(3);

  // Erase another customer from the admin UI: the confirmation must match.
  const erased = await freshCustomer(`Erin Erased${tag}`);
  await page.goto(`/admin/privacy?customer=${erased.externalId}`);
  const erase = page.getByRole("form", { name: "Erase this customer" });
  await erase.getByLabel(`Type ${erased.externalId} to confirm`).fill("wrong");
  await erase.getByRole("button", { name: "Erase personal data" }).click();
  await expect(erase.getByText(`Type ${erased.externalId} exactly`)).toBeVisible();
  await erase.getByLabel(`Type ${erased.externalId} to confirm`).fill(erased.externalId);
  await erase.getByRole("button", { name: "Erase personal data" }).click();
  await expect(page.getByText("Erased. The external id no longer resolves.")).toBeVisible();
  expect(await withDb(async (db) => (await db.query(`SELECT name, email, "erasedAt" IS NOT NULL AS erased FROM "Customer" WHERE id = $1`, [erased.id])).rows[0])).toEqual({ name: "Erased customer", email: null, erased: true });

  // The access record: filter by customer, then by what was done.
  await page.goto(`/admin/access?customer=Vera+Viewed${tag}`);
  const entries = page.getByTestId("access-entry");
  await expect(entries.filter({ hasText: "opened" }).first()).toContainText(`Vera Viewed${tag}`);
  await expect(entries.filter({ hasText: "exported" })).toHaveCount(1);
  await page.getByLabel("What").selectOption("EXPORT");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=EXPORT/);
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText(/Admin.* exported Vera Viewed/);
  await page.goto(`/admin/access?kind=ERASE`);
  await expect(entries.first()).toContainText("erased an erased customer");
  await expect(page.getByText(`Erin Erased${tag}`)).toHaveCount(0);
});

test("retention: the admin sets the period and purges now; the run says what it removed", async ({ page }) => {
  await page.goto("/admin/privacy");
  const form = page.getByRole("form", { name: "Retention period" });
  await form.getByLabel("Keep raw events for (days)").fill("30");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("At least 120 days")).toBeVisible();
  // Longer than the demo's history, so the purge removes nothing other tests read.
  await form.getByLabel("Keep raw events for (days)").fill("3650");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved: raw events are kept 3650 days.")).toBeVisible();
  await page.getByRole("button", { name: "Purge now" }).click();
  await expect(page.getByText(/^Purged 0 events and stripped 0 purchases older than/)).toBeVisible();
  await expect(page.getByRole("table", { name: "Retention runs" }).locator("tbody tr").first()).toContainText("Admin");
  await form.getByLabel("Keep raw events for (days)").fill("730");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved: raw events are kept 730 days.")).toBeVisible();
});

test("privacy pages at 1440 px and 380 px", async ({ page }) => {
  const c = await freshCustomer(`Shot Customer${tag}`);
  const pages: [string, string][] = [
    ["privacy", `/admin/privacy?customer=${c.externalId}`],
    ["access", "/admin/access"],
    ["customer-consent", `/customers/${c.id}`],
  ];
  for (const width of [1440, 380]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, url] of pages) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} at ${width}px has no horizontal overflow`).toBeLessThanOrEqual(0);
      await screenshot(page, `privacy-${name}-${width}`);
    }
  }
});

test.describe("refusals", () => {
  test.use({ storageState: storageState("rep") });
  test("a rep cannot open the privacy pages or export", async ({ page, request }) => {
    for (const url of ["/admin/privacy", "/admin/access"]) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(403);
    }
    const id = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY "externalId" LIMIT 1`)).rows[0]!.id);
    expect((await page.request.get(`/api/admin/customers/${id}/export`)).status()).toBe(403);
    expect((await request.get(`/api/admin/customers/${id}/export`, { headers: { cookie: "" } })).status()).toBeGreaterThanOrEqual(401);
  });
});
