import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from "@playwright/test";
import { ACCOUNTS, screenshot, signIn, storageState, throwawayUser, withDb } from "./support";

test.use({ storageState: storageState("admin") });
// Tests in this file run in order in one worker (no fullyParallel), so the
// refusal checks' database checksums are not disturbed by this file's own writes.

const run = Math.random().toString(36).slice(2, 7);
const ACTION_NAME = `E2E lunch ${run}`;
let actionId = "";

async function repQueue(browser: Browser) {
  const ctx = await browser.newContext({ storageState: storageState("rep") });
  const page = await ctx.newPage();
  await page.goto("/queue");
  await expect(page.getByRole("heading", { level: 1, name: "Today's queue" })).toBeVisible();
  await expect(page.locator("body[data-queue-keys=on]")).toHaveCount(1);
  return { page, close: () => ctx.close() };
}

/** Opens a queue line and returns its detail (under it, or in the pane beside the list). */
async function opened(page: Page, line: Locator): Promise<Locator> {
  const id = (await line.getAttribute("data-recommendation-id"))!;
  await line.locator("> button").click();
  return page.locator(`[data-detail-for="${id}"]`).filter({ visible: true });
}

const recsOf = (id: string) =>
  withDb(async (db) =>
    (
      await db.query<{ status: string; version: number; message: string; email: string }>(
        `SELECT r.status::text, r."actionTypeVersion" AS version, r.message, u.email FROM "Recommendation" r JOIN "User" u ON u.id = r."repId" WHERE r."actionTypeId" = $1 AND NOT r."isControl"`,
        [id],
      )
    ).rows,
  );

test("an admin builds an action with the rule builder, previews, saves, generates, edits and deactivates it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // The seed fills every rep's queue to the daily cap, so nothing new fits
  // until a rep works some of it: the demo rep marks three suggestions done.
  // The cap counts every suggestion delivered today, so the three are then dated yesterday: room for three today.
  const rep0 = await repQueue(browser);
  const worked: string[] = [];
  for (let i = 0; i < 3; i++) {
    const first = rep0.page.locator("li[data-recommendation-id]").first();
    const id = await first.getAttribute("data-recommendation-id");
    if (id) worked.push(id);
    await first.locator("> button").click();
    await rep0.page.locator(`[data-detail-for="${id}"]`).filter({ visible: true }).getByRole("button", { name: "Done" }).click();
    await expect(rep0.page.locator(`li[data-recommendation-id="${id}"]`)).toHaveCount(0);
    await expect.poll(() => withDb(async (db) => (await db.query(`SELECT status::text FROM "Recommendation" WHERE id = $1`, [id])).rows[0]?.status)).toBe("DONE");
  }
  await rep0.close();
  await withDb((db) => db.query(`UPDATE "Recommendation" SET "createdAt" = "createdAt" - interval '1 day' WHERE id = ANY($1::uuid[])`, [worked]));

  await page.goto("/admin/catalog/new");
  await expect(page.getByRole("heading", { level: 1, name: "New action" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(ACTION_NAME);
  await expect(page.getByLabel("Key")).toHaveValue(`e2e_lunch_${run}`);
  await page.getByLabel("Message template").fill("Lunch with {{firstName}}");
  await expect(page.getByTestId("template-preview")).toHaveText(/^Lunch with \S+$/);
  await page.getByLabel("Business value ($)").fill("5000");
  await page.getByLabel("Priority lever").fill("5");
  await page.getByLabel("Control group (%)").fill("0");

  // Rule: lifetime value at least 0 AND segment is not "NO_SUCH_SEGMENT".
  const rule = page.getByRole("group", { name: "Eligibility rule" });
  await rule.getByRole("combobox", { name: "Signal" }).first().selectOption({ label: "lifetime value" });
  await rule.getByRole("combobox", { name: "Operator" }).first().selectOption("gte");
  // An empty value is explained next to the field on preview.
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(rule.getByText(/lifetime value" is a number, so the value must be a number/)).toBeVisible();
  await rule.getByRole("textbox", { name: "Value for lifetime value" }).fill("0");
  await rule.getByRole("button", { name: "+ Condition" }).click();
  await rule.getByRole("combobox", { name: "Signal" }).nth(1).selectOption({ label: "segment" });
  // Text signals only offer text operators.
  await expect(rule.getByRole("combobox", { name: "Operator" }).nth(1).locator("option")).toHaveText(["is", "is not", "is one of"]);
  await rule.getByRole("combobox", { name: "Operator" }).nth(1).selectOption("neq");
  await rule.getByRole("textbox", { name: "Value for segment" }).fill("NO_SUCH_SEGMENT");
  await page.getByText("Rule as JSON").click();
  await expect(page.getByLabel("Rule JSON")).toHaveValue(
    JSON.stringify({ all: [{ signal: "lifetimeValue", op: "gte", value: 0 }, { signal: "segment", op: "neq", value: "NO_SUCH_SEGMENT" }] }, null, 2),
  );

  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByTestId("preview");
  await expect(preview).toBeVisible({ timeout: 20_000 });
  await expect(preview.getByRole("list", { name: "Customers who would get it" }).getByRole("listitem").first()).toBeVisible();
  for (const width of [1440, 380]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `admin-catalog-new-${width}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByRole("button", { name: "Create action" }).click();
  await page.waitForURL(/\/admin\/catalog\/[0-9a-f-]{36}$/);
  actionId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1, name: ACTION_NAME })).toBeVisible();

  // Run generation from the catalog; the new type reaches the demo rep's queue.
  await page.goto("/admin/catalog");
  await page.getByRole("button", { name: "Run generation now" }).click();
  await expect(page.getByText(/Generation done/)).toBeVisible({ timeout: 60_000 });
  const created = await recsOf(actionId);
  expect(created.filter((r) => r.email === ACCOUNTS.rep.email).length).toBeGreaterThan(0);
  const rep = await repQueue(browser);
  const mine = rep.page.locator("li[data-recommendation-id]").filter({ hasText: ACTION_NAME });
  await expect(mine.first()).toBeVisible();
  // The message shows once the line is opened (in the pane beside the list at this width).
  await opened(rep.page, mine.first()).then((d) => expect(d).toContainText(/Lunch with \S+/));
  await rep.close();

  // Edit: a new version; open suggestions keep version 1 and their text.
  await page.goto(`/admin/catalog/${actionId}`);
  await page.getByLabel("Message template").fill("Dinner with {{firstName}}");
  await page.getByRole("button", { name: "Save as version 2" }).click();
  await expect(page.getByText("Saved as version 2")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save as version 3" })).toBeVisible();
  const afterEdit = await recsOf(actionId);
  expect(afterEdit.length).toBe(created.length);
  expect(afterEdit.every((r) => r.version === 1 && r.message.startsWith("Lunch with "))).toBe(true);
  const rep2 = await repQueue(browser);
  await opened(rep2.page, rep2.page.locator("li[data-recommendation-id]").filter({ hasText: ACTION_NAME }).first()).then((d) => expect(d).toContainText("Lunch with "));
  await rep2.close();

  // Deactivate: its open suggestions expire and leave the queue.
  await page.getByRole("button", { name: `Deactivate ${ACTION_NAME}` }).click();
  await page.getByRole("button", { name: "Confirm deactivate" }).click();
  await expect(page.getByText(/deactivated; \d+ open suggestions? expired/)).toBeVisible();
  expect((await recsOf(actionId)).filter((r) => ["PENDING", "ACCEPTED", "SNOOZED"].includes(r.status))).toEqual([]);
  const rep3 = await repQueue(browser);
  await expect(rep3.page.locator("li[data-recommendation-id]").filter({ hasText: ACTION_NAME })).toHaveCount(0);
  await rep3.close();

  // Each change is in the audit log, on the action's page and on /admin/audit (filter in the URL).
  await page.goto(`/admin/catalog/${actionId}`);
  const history = page.getByRole("region", { name: "History" });
  for (const action of ["create", "update", "deactivate"]) await expect(history.getByText(action, { exact: true })).toBeVisible();
  await page.goto("/admin/audit");
  await page.getByLabel("Entity").selectOption("ActionType");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/entity=ActionType/);
  const log = page.getByRole("list", { name: "Audit log" });
  await expect(log.getByRole("listitem").filter({ hasText: ACTION_NAME })).toHaveCount(3);
});

test("an admin creates a user who signs in, then deactivates them and their next request is refused", async ({ page, browser }) => {
  const email = `e2e-${run}@nudge.test`;
  await page.goto("/admin/users");
  await page.getByRole("button", { name: "Add user" }).click();
  const form = page.getByRole("form", { name: "Add user" });
  await form.getByLabel("Name").fill(`E2E Rep ${run}`);
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("REP");
  await form.getByLabel("Team").selectOption({ index: 1 });
  await form.getByLabel("First password").fill("e2e-password-123");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`Added ${email}`)).toBeVisible();

  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const them = await ctx.newPage();
  await signIn(them, email, "e2e-password-123");
  await expect(them).toHaveURL(/\/queue$/);

  await page.getByRole("link", { name: `E2E Rep ${run}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `E2E Rep ${run}` })).toBeVisible();
  await page.getByRole("button", { name: "Deactivate user" }).click();
  await expect(page.getByText(/is deactivated/)).toBeVisible();

  await them.reload();
  await expect(them).toHaveURL(/\/signin/);
  expect((await them.request.get("/api/queue")).status()).toBe(401);
  await signIn(them, email, "e2e-password-123");
  await expect(them).toHaveURL(/\/signin/);
  await ctx.close();

  await page.goto("/admin/audit?entity=User");
  await expect(page.getByRole("list", { name: "Audit log" }).getByRole("listitem").filter({ hasText: email }).first()).toBeVisible();
});

async function postEvent(request: APIRequestContext, key: string) {
  return request.post("/api/v1/events", {
    headers: { authorization: `Bearer ${key}` },
    data: { events: [{ customerExternalId: `no-such-${run}`, type: "WEB_VISIT", occurredAt: new Date().toISOString() }] },
  });
}

test("an admin creates an API key (shown once) and revokes it; the events API then refuses it", async ({ page, request }) => {
  await page.goto("/admin/api-keys");
  await page.getByLabel("Name").fill(`E2E shop ${run}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^nk_[0-9a-f]{12}_/);
  expect((await postEvent(request, key)).status()).toBe(200);

  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  const row = page.getByRole("listitem", { name: `API key E2E shop ${run}` });
  await expect(row).toContainText(key.slice(0, 16));
  await expect(row).not.toContainText("last used never");
  await row.getByRole("button", { name: `Revoke E2E shop ${run}` }).click();
  await row.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(row.getByText("revoked", { exact: true })).toBeVisible();
  const refused = await postEvent(request, key);
  expect(refused.status()).toBe(401);
});

test("an admin adds a webhook endpoint (secret shown once); an accept arrives signed, shows in the delivery log and can be replayed", async ({ page, request }) => {
  test.setTimeout(180_000);
  // A receiver on localhost, as a CRM would run it.
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${run}`;
  try {
    await page.goto("/admin/webhooks");
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
    // A bad URL is refused next to the field.
    await page.getByLabel("Endpoint URL").fill("ftp://files.example.org");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Use an http:// or https:// URL")).toBeVisible();
    await expect(page.getByLabel("Endpoint URL")).toHaveAttribute("aria-invalid", "true");

    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Description (optional)").fill(`E2E CRM ${run}`);
    await expect(page.getByRole("checkbox", { name: /Suggestion accepted/ })).toBeChecked();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("new-webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    const endpoint = page.getByRole("listitem", { name: `Endpoint ${url}` });
    await expect(endpoint).toContainText("suggestion.accepted");

    // The rep accepts a suggestion through the API (a CRM button); the receiver gets it, signed.
    await page.goto("/admin/api-keys");
    await page.getByLabel("Name").fill(`E2E webhook ${run}`);
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    const recId = await withDb(
      async (db) =>
        (await db.query<{ id: string }>(`SELECT r.id FROM "Recommendation" r JOIN "User" u ON u.id = r."repId" WHERE u.email = 'rep@nudge.test' AND r.status = 'PENDING' AND NOT r."isControl" AND r."expiresAt" > now() ORDER BY r.score DESC LIMIT 1`)).rows[0]!.id,
    );
    const accepted = await request.post(`/api/v1/recommendations/${recId}/feedback`, { headers: { authorization: `Bearer ${key}` }, data: { kind: "ACCEPT", actorEmail: ACCOUNTS.rep.email } });
    expect(accepted.status()).toBe(200);
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(1);
    const event = JSON.parse(got[0]!.body);
    expect(event).toMatchObject({ type: "suggestion.accepted", data: { recommendation: { id: recId, status: "ACCEPTED", repEmail: ACCOUNTS.rep.email } } });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got[0]!.headers["nudge-signature"]))!;
    expect(v1).toBe(createHmac("sha256", secret).update(`${t}.${got[0]!.body}`).digest("hex"));

    // The delivery log shows it; a replay sends the same event id again.
    await page.goto("/admin/webhooks");
    await expect(page.getByTestId("new-webhook-secret")).toHaveCount(0);
    const delivery = page.getByRole("listitem", { name: `Delivery suggestion.accepted ${event.id}` });
    await expect(delivery).toContainText("delivered");
    await expect(delivery).toContainText("last answer 204");
    await screenshot(page, "admin-webhooks-log-1440");
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    await delivery.getByRole("button", { name: `Replay suggestion.accepted ${event.id} to ${url}` }).click();
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(2);
    expect(got[1]!.headers["nudge-event-id"]).toBe(event.id);

    // Paused, then deleted; each step is in the history.
    await endpoint.getByRole("button", { name: `Pause ${url}` }).click();
    await expect(endpoint.getByText("paused", { exact: true })).toBeVisible();
    await endpoint.getByRole("button", { name: `Delete ${url}` }).click();
    await endpoint.getByRole("button", { name: "Confirm delete" }).click();
    await expect(endpoint).toHaveCount(0);
    const history = page.getByRole("region", { name: "History" });
    for (const action of ["create", "replay", "disable", "delete"]) await expect(history.getByText(action, { exact: true }).first()).toBeVisible();
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

// ---- every admin server action, called by a rep and by a manager ----

type Manifest = { node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }> };

/** Server actions live in lib/actions; these modules are the admin's. */
const ADMIN_ACTION_FILES = ["lib/actions/catalog.ts", "lib/actions/users.ts", "lib/actions/api-keys.ts", "lib/actions/program.ts", "lib/actions/webhooks.ts", "lib/actions/customer-import.ts"];

/** The admin actions of this build, from Next's server-reference manifest (so a new action is covered automatically). */
function adminActions(): { id: string; name: string; page: string }[] {
  const dist = process.env.NEXT_DIST_DIR || ".next";
  const manifest = JSON.parse(readFileSync(path.join(dist, "server", "server-reference-manifest.json"), "utf8")) as Manifest;
  return Object.entries(manifest.node)
    .filter(([, v]) => ADMIN_ACTION_FILES.some((f) => v.filename === f) && v.exportedName)
    .map(([id, v]) => {
      const worker = Object.keys(v.workers).find((w) => !w.includes("[")) ?? Object.keys(v.workers)[0]!;
      const page = worker.replace(/^app/, "").replace(/\/\([^)]+\)/g, "").replace(/\/page$/, "") || "/";
      return { id, name: v.exportedName!, page };
    });
}

/** A checksum of everything an admin action can write. */
const checksum = () =>
  withDb(async (db) => {
    const q = async (sql: string) => (await db.query<{ h: string | null }>(sql)).rows[0]!.h ?? "";
    return {
      actionTypes: await q(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS h FROM "ActionType" t`),
      versions: await q(`SELECT count(*)::text AS h FROM "ActionTypeVersion"`),
      users: await q(`SELECT md5(string_agg(concat_ws('|', id, email, name, role, "teamId", active, "passwordHash"), ',' ORDER BY id)) AS h FROM "User"`),
      teams: await q(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS h FROM "Team" t`),
      apiKeys: await q(`SELECT md5(string_agg(concat_ws('|', id, name, scopes::text, "revokedAt"), ',' ORDER BY id)) AS h FROM "ApiKey"`),
      owners: await q(`SELECT md5(string_agg(concat_ws('|', id, "ownerId"), ',' ORDER BY id)) AS h FROM "Customer"`),
      recommendations: await q(`SELECT count(*)::text AS h FROM "Recommendation"`),
      audit: await q(`SELECT count(*)::text AS h FROM "AuditLog"`),
      settings: await q(`SELECT md5(string_agg(t::text, ',')) AS h FROM "ProgramSettings" t`),
      webhooks: await q(`SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS h FROM "WebhookEndpoint" t`),
      deliveries: await q(`SELECT md5(string_agg(concat_ws('|', id, status, attempts), ',' ORDER BY id)) AS h FROM "WebhookDelivery"`),
    };
  });

/** A valid input for each action, so only the permission check can stop it. */
async function inputs(): Promise<Record<string, unknown>> {
  const ids = await withDb(async (db) => {
    const one = async (sql: string) => (await db.query<{ id: string }>(sql)).rows[0]!.id;
    return {
      action: await one(`SELECT id FROM "ActionType" WHERE active ORDER BY key LIMIT 1`),
      rep: await one(`SELECT id FROM "User" WHERE email = 'rep@nudge.test'`),
      otherRep: await one(`SELECT id FROM "User" WHERE role = 'REP' AND active AND email <> 'rep@nudge.test' ORDER BY email LIMIT 1`),
      team: await one(`SELECT id FROM "Team" ORDER BY name LIMIT 1`),
      key: await one(`SELECT id FROM "ApiKey" WHERE "revokedAt" IS NULL ORDER BY "createdAt" LIMIT 1`).catch(() => "00000000-0000-4000-8000-000000000000"),
      endpoint: await one(`SELECT id FROM "WebhookEndpoint" ORDER BY "createdAt" LIMIT 1`).catch(() => "00000000-0000-4000-8000-000000000000"),
      delivery: await one(`SELECT id FROM "WebhookDelivery" WHERE status <> 'PENDING' ORDER BY "createdAt" LIMIT 1`).catch(() => "00000000-0000-4000-8000-000000000000"),
    };
  });
  const fields = {
    name: "Hijack",
    category: "OFFER",
    description: "",
    messageTemplate: "Hi {{firstName}}",
    businessValue: "1",
    lever: "1",
    cooldownDays: "1",
    expiresAfterDays: "1",
    controlGroupPct: "0",
    exploration: false,
    rule: { signal: "tenureDays", op: "gte", value: 0 },
  };
  return {
    createActionTypeAction: { ...fields, key: `hijack_${run}` },
    updateActionTypeAction: { ...fields, id: ids.action, expectedVersion: 1 },
    setActionTypeActiveAction: { id: ids.action, active: false },
    previewActionTypeAction: fields,
    runGenerationAction: {},
    jobStatusAction: { id: "00000000-0000-4000-8000-000000000000" },
    cancelJobAction: { id: "00000000-0000-4000-8000-000000000000" },
    createUserAction: { email: `hijack-${run}@nudge.test`, name: "Hijack", role: "ADMIN", teamId: "", password: "hijack-password" },
    updateUserAction: { id: ids.rep, name: "Hijacked", role: "ADMIN", teamId: "" },
    setUserActiveAction: { id: ids.rep, active: false },
    resetPasswordAction: { id: ids.rep, password: "hijack-password" },
    createTeamAction: { name: `Hijack ${run}`, managerId: "" },
    updateTeamAction: { id: ids.team, name: `Hijack ${run}`, managerId: "" },
    reassignCustomersAction: { fromRepId: ids.rep, toRepId: ids.otherRep },
    createApiKeyAction: { name: "Hijack", scopes: ["events:write"] },
    revokeApiKeyAction: { id: ids.key },
    updateProgramSettingsAction: { globalHoldoutPct: 50, holdoutRedraw: "MONTH" },
    updateLearningSettingsAction: { learningHalfLifeDays: 1, explorationSharePct: 50 },
    updateDriftThresholdsAction: { driftAcceptanceShiftPct: 50, driftZScore: 10, driftPsi: 2 },
    createWebhookEndpointAction: { url: "https://attacker.example.org/hooks", description: "", events: ["suggestion.created"] },
    setWebhookEndpointEnabledAction: { id: ids.endpoint, enabled: false },
    deleteWebhookEndpointAction: { id: ids.endpoint },
    replayWebhookDeliveryAction: { id: ids.delivery },
    importStatusAction: { id: "00000000-0000-4000-8000-000000000000" },
    cancelImportAction: { id: "00000000-0000-4000-8000-000000000000" },
  };
}

const ADMIN_ACTIONS = [
  "createActionTypeAction",
  "updateActionTypeAction",
  "setActionTypeActiveAction",
  "previewActionTypeAction",
  "runGenerationAction",
  "jobStatusAction",
  "cancelJobAction",
  "createUserAction",
  "updateUserAction",
  "setUserActiveAction",
  "resetPasswordAction",
  "createTeamAction",
  "updateTeamAction",
  "reassignCustomersAction",
  "createApiKeyAction",
  "revokeApiKeyAction",
  "updateProgramSettingsAction",
  "updateLearningSettingsAction",
  "updateDriftThresholdsAction",
  "createWebhookEndpointAction",
  "setWebhookEndpointEnabledAction",
  "deleteWebhookEndpointAction",
  "replayWebhookDeliveryAction",
  "importStatusAction",
  "cancelImportAction",
] as const;

test("the build has exactly the admin actions checked below", async () => {
  expect(adminActions().map((a) => a.name).sort()).toEqual([...ADMIN_ACTIONS].sort());
  expect(Object.keys(await inputs()).sort()).toEqual([...ADMIN_ACTIONS].sort());
});

for (const role of ["rep", "manager"] as const) {
  test.describe(`a ${role} calling admin server actions`, () => {
    test.use({ storageState: storageState(role) });

    test("every admin page answers 403", async ({ page }) => {
      const ids = await withDb(async (db) => ({
        action: (await db.query<{ id: string }>(`SELECT id FROM "ActionType" ORDER BY key LIMIT 1`)).rows[0]!.id,
        user: (await db.query<{ id: string }>(`SELECT id FROM "User" ORDER BY email LIMIT 1`)).rows[0]!.id,
      }));
      for (const url of ["/admin/catalog", "/admin/catalog/new", `/admin/catalog/${ids.action}`, "/admin/users", `/admin/users/${ids.user}`, "/admin/api-keys", "/admin/audit", "/admin/holdout", "/admin/webhooks", "/admin/import"]) {
        const res = await page.goto(url);
        expect(res?.status(), url).toBe(403);
      }
    });

    for (const name of ADMIN_ACTIONS) {
      test(`${name} is refused and writes nothing`, async ({ page }) => {
        const action = adminActions().find((a) => a.name === name);
        expect(action, `${name} is in the build`).toBeDefined();
        const input = (await inputs())[name];
        const before = await checksum();
        const res = await page.request.post(action!.page, {
          headers: { "next-action": action!.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
          data: JSON.stringify([input]),
          maxRedirects: 0,
        });
        const body = await res.text();
        // Either the action answered FORBIDDEN, or the page refused the request outright.
        expect(body.includes('"code":"FORBIDDEN"') || [303, 307, 401, 403].includes(res.status()), `${res.status()} ${body.slice(0, 300)}`).toBe(true);
        expect(body).not.toContain('"ok":true');
        expect(await checksum()).toEqual(before);
      });
    }
  });
}

test("an admin sets the global holdout with guidance on what it can detect; a bad share is refused next to the field", async ({ page }) => {
  await page.goto("/admin/holdout");
  await expect(page.getByRole("heading", { level: 1, name: "Holdout" })).toBeVisible();
  // The demo history ran under quarterly draws; the running one is marked and has customers in both arms.
  const draws = page.getByRole("region", { name: "Draws" });
  const running = draws.getByRole("row").filter({ hasText: "running" });
  await expect(running).toHaveCount(1);
  await expect(running).toContainText(/\d{4}-Q[1-4]/);
  const heldOut = await withDb(async (db) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "HoldoutAssignment" a JOIN "HoldoutPeriod" p ON p.id = a."periodId" WHERE a."heldOut" AND p."startsAt" <= now() AND p."endsAt" > now()`)).rows[0]!.n);
  expect(heldOut).toBeGreaterThan(0);
  await expect(running).toContainText(heldOut.toLocaleString("en-US"));

  const share = page.getByLabel("Share of customers held out (%)");
  const guidance = page.getByTestId("holdout-guidance");
  await expect(guidance).toContainText(/A 5% holdout of [\d,]+ customers .* can detect a change of [\d.]+ points or more/);
  await share.fill("10");
  await expect(guidance).toContainText("A 10% holdout");
  await expect(page.getByRole("table").filter({ hasText: "Smallest detectable change" }).getByRole("row")).toHaveCount(6);

  await share.fill("60");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Use at most 50 %")).toBeVisible();
  await expect(share).toHaveAttribute("aria-invalid", "true");

  await share.fill("10");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved. The new share applies from the next draw.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Global holdout" })).toContainText("Now: 10 % of customers");
  await expect(page.getByRole("region", { name: "History" }).getByText("update", { exact: true }).first()).toBeVisible();
  // Back to the demo's 5 %.
  await share.fill("5");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("region", { name: "Global holdout" })).toContainText("Now: 5 % of customers");
});

test("an admin sees which actions explore and sets the evidence half-life and exploration cap; a bad value is refused next to the field", async ({ page }) => {
  await page.goto("/admin/catalog");
  const learning = page.getByRole("region", { name: "Learning" });
  await expect(learning).toContainText("Now: evidence half-life 30 days, exploration cap 20 % of customers");
  // The shipped catalog explores: every seeded action says so.
  await expect(learning).toContainText(/Exploration is on for (\d+) of \1 active actions/);
  const halfLife = page.getByLabel("Half-life of evidence (days)");
  const cap = page.getByLabel("Exploration cap (% of customers)");

  await cap.fill("80");
  await learning.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Use at most 50 %")).toBeVisible();
  await expect(cap).toHaveAttribute("aria-invalid", "true");
  await expect.poll(() => withDb(async (db) => (await db.query<{ pct: number }>(`SELECT "explorationSharePct" AS pct FROM "ProgramSettings" WHERE id = 1`)).rows[0]!.pct)).toBe(20);

  await halfLife.fill("14");
  await cap.fill("10");
  await learning.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved. The engine uses them from the next batch or re-score.")).toBeVisible();
  await expect(learning).toContainText("Now: evidence half-life 14 days, exploration cap 10 % of customers");
  const audit = await withDb(async (db) => (await db.query<{ after: unknown }>(`SELECT after FROM "AuditLog" WHERE entity = 'ProgramSettings' AND "entityId" = 'learning' ORDER BY at DESC, id DESC LIMIT 1`)).rows[0]?.after);
  expect(audit).toEqual({ learningHalfLifeDays: 14, explorationSharePct: 10 });
  // Back to the shipped settings.
  await halfLife.fill("30");
  await cap.fill("20");
  await learning.getByRole("button", { name: "Save" }).click();
  await expect(learning).toContainText("Now: evidence half-life 30 days, exploration cap 20 % of customers");
});

// ---- screenshots of every admin page ----

test("admin pages at 1440 px and 380 px", async ({ page }) => {
  test.setTimeout(90_000);
  const ids = await withDb(async (db) => ({
    action: (await db.query<{ id: string }>(`SELECT id FROM "ActionType" ORDER BY key LIMIT 1`)).rows[0]!.id,
    user: (await db.query<{ id: string }>(`SELECT id FROM "User" WHERE email = 'rep@nudge.test'`)).rows[0]!.id,
  }));
  const pages: [string, string][] = [
    ["catalog", "/admin/catalog"],
    ["catalog-edit", `/admin/catalog/${ids.action}`],
    ["users", "/admin/users"],
    ["user", `/admin/users/${ids.user}`],
    ["api-keys", "/admin/api-keys"],
    ["audit", "/admin/audit"],
    ["holdout", "/admin/holdout"],
    ["webhooks", "/admin/webhooks"],
    ["import", "/admin/import"],
  ];
  for (const width of [1440, 380]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, url] of pages) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} at ${width}px has no horizontal overflow`).toBeLessThanOrEqual(0);
      await screenshot(page, `admin-${name}-${width}`);
    }
  }
});

test("an admin imports a 10,000-row CSV: progress, bad rows by line and field (listed and downloadable), the good rows in the customer list", async ({ page }) => {
  test.setTimeout(180_000);
  // A rep of their own, so the demo rep's queue is untouched.
  const owner = await throwawayUser("REP");
  const tag = `E2E${run}`;
  const bad = new Map<number, string>(); // line -> field
  // A CRM export's header: "Account Owner Email" names no field, so the admin maps it to Owner email on the page.
  const lines = ["External ID,Name,Segment,Account Owner Email,Lifetime Value,Company"];
  for (let i = 0; i < 10_000; i++) {
    const line = i + 2;
    const row = [`${tag}-${i}`, `Imported ${tag} ${i}`, "SMB", owner, String(i % 300), i % 7 === 0 ? `"Acme, Inc. ${i}"` : ""];
    if (i % 1500 === 9) {
      row[4] = "1e3";
      bad.set(line, "lifetimeValue");
    } else if (i % 2500 === 13) {
      row[3] = "not-a-rep@nudge.test";
      bad.set(line, "ownerEmail");
    }
    lines.push(row.join(","));
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/admin/import");
  await expect(page.getByRole("heading", { level: 1, name: "Import customers" })).toBeVisible();
  await page.getByLabel("CSV file", { exact: true }).setInputFiles({ name: `customers-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(lines.join("\r\n")) });

  // Match columns: the header is read in the browser; fields named like a column are chosen, the renamed one is not.
  const mapping = page.getByRole("group", { name: "Match columns to fields" });
  await expect(mapping).toBeVisible();
  const select = (label: string) => mapping.getByLabel(label, { exact: false });
  await expect(select("External ID")).toHaveValue("External ID");
  await expect(select("Lifetime value")).toHaveValue("Lifetime Value");
  await expect(select("Phone")).toHaveValue("");
  const ownerSelect = select("Owner email");
  await expect(ownerSelect).toHaveValue("");
  await expect(ownerSelect).toHaveAttribute("aria-invalid", "true");
  await expect(mapping).toContainText("Required: every row needs Owner email; choose the column that holds it");
  await expect(mapping).toContainText(`e.g. ${tag}-0`);
  await screenshot(page, "admin-import-mapping-1440");
  await page.setViewportSize({ width: 360, height: 900 });
  const narrow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(narrow, "the mapping at 360 px has no horizontal overflow").toBeLessThanOrEqual(0);
  await screenshot(page, "admin-import-mapping-360");
  // Every select is labelled (and the rest of axe's rules hold) on the mapping step; Tab reaches the selects in order.
  const axe = await new AxeBuilder({ page }).include("fieldset").analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  await page.getByLabel("CSV file", { exact: true }).focus();
  await page.keyboard.press("Tab");
  await expect(select("External ID")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(select("Name")).toBeFocused();
  await page.setViewportSize({ width: 1440, height: 900 });
  // Submitting as it is: refused on the page, nothing uploaded, and the field at fault has the focus.
  await page.getByRole("button", { name: "Import customers" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Match the columns first" })).toContainText("Match the columns first: 1 field needs attention");
  await expect(ownerSelect).toBeFocused();
  // One column for two fields is refused too, naming the field that has it.
  await select("Company").selectOption("Name");
  await expect(mapping).toContainText('Column "Name" is already used for Name; each column can fill one field');
  await select("Company").selectOption("Company");
  await ownerSelect.selectOption("Account Owner Email");
  await expect(ownerSelect).toHaveAttribute("aria-invalid", "false");
  await expect(mapping.getByText(/^Required:/)).toHaveCount(0);
  await page.getByRole("button", { name: "Import customers" }).click();

  // Progress while it runs, then the summary.
  const bar = page.getByRole("progressbar", { name: "Import" });
  await expect(bar).toBeVisible();
  await expect(page.getByTestId("job-progress")).toContainText(/Import: (Starting|Checked|Wrote)/);
  const result = page.getByTestId("import-result");
  await expect(result).toBeVisible({ timeout: 150_000 });
  await expect(bar).toHaveCount(0);
  const figure = (label: string) => result.locator("dl > div").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) }).locator("dd");
  await expect(figure("Created")).toHaveText((10_000 - bad.size).toLocaleString("en-US"));
  await expect(figure("Updated")).toHaveText("0");
  await expect(figure("Skipped \\(errors\\)")).toHaveText(String(bad.size));
  await expect(result.getByRole("status")).toContainText("10,000 rows read");

  // Every bad row, by line and column, in order.
  const rows = result.getByRole("table", { name: "Problems by line" }).locator("tbody tr");
  await expect(rows).toHaveCount(bad.size);
  const listed = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 2).map((td) => td.textContent)));
  expect(listed).toEqual([...bad].sort((a, b) => a[0] - b[0]).map(([line, field]) => [String(line), field]));
  await expect(rows.first()).toContainText("decimal number");

  // The same list, downloadable.
  const [download] = await Promise.all([page.waitForEvent("download"), result.getByRole("button", { name: "Download all problems (CSV)" }).click()]);
  const csv = readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe("line,column,externalId,problem");
  expect(csv.trim().split("\r\n")).toHaveLength(bad.size + 1);
  await screenshot(page, "admin-import-result-1440");
  await page.setViewportSize({ width: 380, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the import result at 380 px has no horizontal overflow").toBeLessThanOrEqual(0);
  await screenshot(page, "admin-import-result-380");

  // The good rows are customers now; the bad ones are not.
  const stored = await withDb(async (db) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Customer" WHERE "externalId" LIKE $1`, [`${tag}-%`])).rows[0]!.n);
  expect(stored).toBe(10_000 - bad.size);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/customers?q=${encodeURIComponent(`Imported ${tag} 4321`)}`);
  await expect(page.getByText(`Imported ${tag} 4321`, { exact: true }).first()).toBeVisible();
  // The import is in the page's history.
  await page.goto("/admin/import");
  await expect(page.getByRole("list", { name: "Audit log" })).toContainText(`customers-${tag}.csv`);
});
