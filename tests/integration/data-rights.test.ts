import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/data/users";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// Customer data rights against a real database: a customer with rows in every
// table that can refer to a customer (read from the database's foreign keys
// here, independently of the code under test, so a new table is covered
// without editing this test: it fails until the fixture gives it a row),
// exported in full, erased with no personal data left anywhere (every table's
// every row scanned), dashboard totals unchanged, the external id gone; and
// consent: a withdrawal withdraws that purpose's open suggestions in the same
// request, and none are made afterwards. Every new action refuses the wrong role.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_rights") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { makeUser } = await import("../support/fixtures");
const { upsertCustomers, recordEvents } = await import("@/lib/services/ingest");
const { reactToRecommendation } = await import("@/lib/services/reactions");
const { createWebhookEndpoint } = await import("@/lib/services/webhooks");
const { recordConsent } = await import("@/lib/services/consent");
const { exportCustomer, eraseCustomer } = await import("@/lib/services/data-rights");
const { recordCustomerAccess } = await import("@/lib/data/data-rights");
const { generateRecommendations } = await import("@/lib/services/generation");
const { createApiKey } = await import("@/lib/data/api-keys");
const recsRoute = await import("@/app/api/v1/customers/[externalId]/recommendations/route");
const actions = await import("@/lib/actions/data-rights");

// Every personal value of the fixture carries this mark, so one scan finds any leftover.
const MARK = "qxmark";
const DAY = 86_400_000;

type Fk = { child: string; col: string; parent: string; parentCol: string };

/** Foreign keys from information_schema (the code under test reads pg_constraint). */
async function foreignKeys(): Promise<Fk[]> {
  return db().$queryRawUnsafe<Fk[]>(`
    SELECT kcu.table_name AS child, kcu.column_name AS col, ccu.table_name AS parent, ccu.column_name AS "parentCol"
    FROM information_schema.table_constraints tc
    JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
    JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
    WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()
      -- A partition (a month of CustomerEvent) carries a copy of its table's keys; its rows are its table's.
      AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = format('%I.%I', kcu.table_schema, kcu.table_name)::regclass AND c.relispartition)`);
}

/** Each table that can refer to a customer, with the SQL selecting the customer's rows ($1), walking foreign keys outward from Customer. */
async function referringTables(): Promise<Map<string, string>> {
  const fks = await foreignKeys();
  const where = new Map<string, string[]>([["Customer", [`"id" = $1::uuid`]]]);
  let frontier = ["Customer"];
  while (frontier.length) {
    const next: string[] = [];
    for (const parent of frontier) {
      const parentWhere = where.get(parent)!.map((w) => `(${w})`).join(" OR ");
      for (const fk of fks.filter((f) => f.parent === parent && f.child !== parent)) {
        const clause = parent === "Customer" ? `"${fk.col}" = $1::uuid` : `"${fk.col}" IN (SELECT "${fk.parentCol}" FROM "${parent}" WHERE ${parentWhere})`;
        if (!where.has(fk.child)) next.push(fk.child);
        where.set(fk.child, [...(where.get(fk.child) ?? []), clause]);
      }
    }
    frontier = next;
  }
  return new Map([...where].map(([t, w]) => [t, w.map((x) => `(${x})`).join(" OR ")]));
}

async function rowsOf(table: string, predicate: string, customerId: string): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<{ j: string }[]>(`SELECT to_jsonb(t)::text AS j FROM "${table}" t WHERE ${predicate}`, customerId);
  return rows.map((r) => r.j).sort();
}

/** Every table of the schema whose text form of any row contains the mark, with the count. */
async function scanForMark(): Promise<Record<string, number>> {
  const tables = await db().$queryRawUnsafe<{ t: string }[]>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  const found: Record<string, number> = {};
  for (const { t } of tables) {
    const [r] = await db().$queryRawUnsafe<{ n: number }[]>(`SELECT COUNT(*)::int AS n FROM "${t}" x WHERE x::text ILIKE $1`, `%${MARK}%`);
    if (r!.n > 0) found[t] = r!.n;
  }
  return found;
}

/** What the dashboards add up: the rollups and the facts they are built from. */
async function dashboardTotals() {
  const [row] = await db().$queryRawUnsafe<Record<string, string>[]>(`
    SELECT
      (SELECT jsonb_agg(x) FROM (SELECT SUM(generated) g, SUM(shown) s, SUM(accepted) a, SUM(done) d, SUM(converted) c, SUM(revenue) r, SUM("treatedConverted") tc, SUM("controlN") cn FROM "RecommendationDay") x)::text AS "recommendationDays",
      (SELECT jsonb_agg(x) FROM (SELECT "heldOut", SUM(n) n FROM "HoldoutArmCount" GROUP BY 1 ORDER BY 1) x)::text AS "holdoutArms",
      (SELECT jsonb_agg(x) FROM (SELECT SUM("customerViews") v, SUM(reactions) r FROM "UsageDay") x)::text AS "usage",
      (SELECT jsonb_agg(x) FROM (SELECT COUNT(*) n, SUM(amount) s, SUM(("crossSell")::int) cs FROM "CustomerEvent" WHERE type = 'PURCHASE') x)::text AS purchases,
      (SELECT jsonb_agg(x) FROM (SELECT type, COUNT(*) n FROM "CustomerEvent" GROUP BY 1 ORDER BY 1) x)::text AS events,
      (SELECT jsonb_agg(x) FROM (SELECT COUNT(*) n, SUM(csat) c, COUNT(verdict) v FROM "ContactFeedback") x)::text AS feedback,
      (SELECT jsonb_agg(x) FROM (SELECT COUNT(*) n, SUM("attributedRevenue") r, COUNT("convertedAt") c, COUNT("purchasedAt") p FROM "Recommendation") x)::text AS recommendations,
      (SELECT jsonb_agg(x) FROM (SELECT segment, COUNT(*) n, SUM("lifetimeValue") l FROM "Customer" GROUP BY 1 ORDER BY 1) x)::text AS customers`);
  return row;
}

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/data/db");
  await disconnectDb();
  await own?.drop();
});

describe.skipIf(!reachable)("customer data rights", () => {
  let rep: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  let customerId = "";
  const externalId = `CRM-${MARK}-1`;

  beforeAll(async () => {
    rep = await makeUser({ role: "REP" });
    admin = await makeUser({ role: "ADMIN" });
    await db().actionType.create({
      data: { key: "care_call", name: "Care call", category: "RELATIONSHIP", purpose: "SERVICE", description: "", messageTemplate: "Call {{firstName}} at {{company}}", rule: { signal: "tenureDays", op: "gte", value: 0 }, businessValue: 500, controlGroupPct: 0, exploration: false },
    });
    await db().actionType.create({
      data: { key: "promo", name: "Promo", category: "OFFER", purpose: "MARKETING", description: "", messageTemplate: "Offer {{firstName}} 10%", rule: { signal: "tenureDays", op: "gte", value: 0 }, businessValue: 100, controlGroupPct: 0, exploration: false, cooldownDays: 0 },
    });
    await createWebhookEndpoint(admin.id, { url: "http://127.0.0.1:9/hook", description: "", events: ["suggestion.created", "suggestion.accepted"] });
  });
  it("fills every table that can refer to a customer", async () => {
    const [created] = await upsertCustomers([
      { externalId, name: `Ada ${MARK}`, segment: "SMB", ownerEmail: rep.email, email: `${MARK}@example.org`, phone: `555-${MARK}`, company: `${MARK} Ltd`, birthday: "1980-02-29", renewalDate: "2027-03-01", lifetimeValue: 1200 },
    ]);
    expect(created?.status).toBe("created");
    customerId = (await db().customer.findUniqueOrThrow({ where: { externalId } })).id;
    const old = new Date(Date.now() - 3 * DAY).toISOString();
    const ev = await recordEvents([
      { customerExternalId: externalId, type: "PURCHASE", occurredAt: old, amount: 250, source: `${MARK}-shop`, idempotencyKey: `${MARK}-order-1`, payload: { text: `${MARK} gift wrap` } },
      { customerExternalId: externalId, type: "WEB_VISIT", occurredAt: old, payload: { url: `/${MARK}` } },
    ]);
    expect(ev.results.map((r) => r.status)).toEqual(["recorded", "recorded"]);
    const open = await db().recommendation.findFirstOrThrow({ where: { customerId, status: "PENDING" } });
    await reactToRecommendation({ id: rep.id }, { recommendationId: open.id, kind: "ACCEPT", note: `${MARK} said call after 5` });
    const fb = await recordEvents([{ customerExternalId: externalId, type: "CONTACT_FEEDBACK", occurredAt: new Date().toISOString(), payload: { csat: 4, verdict: "HELPFUL", comment: `${MARK} was lovely` } }]);
    expect(fb.results[0]?.feedback?.link).toBe("attributed");
    await recordConsent(customerId, [{ purpose: "PROFILING", granted: true, source: `${MARK} signed form` }], { userId: rep.id, source: "test" });
    await recordCustomerAccess(customerId, "VIEW", { userId: rep.id });

    const tables = await referringTables();
    // Every table the foreign keys say can refer to a customer has a row of this one (a new table fails here until the fixture fills it).
    const empty: string[] = [];
    for (const [table, predicate] of tables) if ((await rowsOf(table, predicate, customerId)).length === 0) empty.push(table);
    expect(empty).toEqual([]);
    expect([...tables.keys()]).toEqual(expect.arrayContaining(["Customer", "CustomerEvent", "Recommendation", "Feedback", "ContactFeedback", "HoldoutAssignment", "ConsentRecord", "CustomerAccess"]));
    expect(await scanForMark()).toHaveProperty("WebhookDelivery");
  });

  it("exports every row of every such table", async () => {
    const doc = await exportCustomer(customerId, { userId: admin.id });
    const tables = await referringTables();
    expect(Object.keys(doc.tables).sort()).toEqual([...tables.keys()].sort());
    for (const [table, predicate] of tables) {
      const expected = await rowsOf(table, predicate, customerId);
      // The export was recorded before it was taken, so the access record includes it.
      expect(doc.tables[table]!.map((r) => JSON.stringify(r)).sort().length, table).toBe(expected.length);
      expect(doc.tables[table]!.map((r) => JSON.parse(JSON.stringify(r))).sort(byJson), table).toEqual(expected.map((j) => JSON.parse(j)).sort(byJson));
    }
    expect(JSON.stringify(doc)).toContain(`${MARK} gift wrap`);
    expect(await db().customerAccess.count({ where: { customerId, kind: "EXPORT", userId: admin.id } })).toBe(1);
  });

  it("erases: no personal data left in any table, dashboard totals unchanged, the external id no longer resolves; repeating it is harmless", async () => {
    const before = await dashboardTotals();
    const r = await eraseCustomer(customerId, { userId: admin.id });
    expect(r.alreadyErased).toBe(false);
    expect(await scanForMark()).toEqual({});
    const c = await db().customer.findUniqueOrThrow({ where: { id: customerId } });
    expect(c).toMatchObject({ name: "Erased customer", email: null, phone: null, company: null, birthday: null, renewalDate: null });
    expect(c.erasedAt).not.toBeNull();
    expect(await dashboardTotals()).toEqual(before);
    // Nothing orphaned: every row still points at the (anonymised) customer.
    for (const [table, predicate] of await referringTables()) expect((await rowsOf(table, predicate, customerId)).length, table).toBeGreaterThan(0);

    const key = (await createApiKey("rights test", ["recommendations:read"])).key;
    const res = await recsRoute.GET(new Request(`http://t/api/v1/customers/${externalId}/recommendations`, { headers: { authorization: `Bearer ${key}` } }), {
      params: Promise.resolve({ externalId }),
    });
    expect(res.status).toBe(404);
    // Events for the old external id are refused, not attached to the erased row.
    const late = await recordEvents([{ customerExternalId: externalId, type: "CALL", occurredAt: new Date().toISOString() }]);
    expect(late.results[0]?.status).toBe("rejected");

    const audit = await db().auditLog.findMany({ where: { entity: "Customer", entityId: customerId } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([["erase", admin.id]]);
    const again = await eraseCustomer(customerId, { userId: admin.id });
    expect(again.alreadyErased).toBe(true);
    expect(await dashboardTotals()).toEqual(before);
    expect(await db().auditLog.count({ where: { entity: "Customer", entityId: customerId } })).toBe(1);
    expect(await scanForMark()).toEqual({});
  });
});

describe.skipIf(!reachable)("consent by purpose", () => {
  it("withdrawing marketing withdraws the customer's open marketing suggestions in the same request, and none are made afterwards", async () => {
    const rep = await makeUser({ role: "REP" });
    await upsertCustomers([{ externalId: "CONSENT-1", name: "Bea Consent", segment: "SMB", ownerEmail: rep.email }]);
    const customer = await db().customer.findUniqueOrThrow({ where: { externalId: "CONSENT-1" } });
    // The re-score on creation proposed the best action; make sure a marketing one is open.
    await db().recommendation.updateMany({ where: { customerId: customer.id }, data: { status: "EXPIRED" } });
    const promo = await db().actionType.findUniqueOrThrow({ where: { key: "promo" } });
    await db().recommendation.create({
      data: { customerId: customer.id, actionTypeId: promo.id, actionTypeVersion: 1, repId: rep.id, score: 1, propensity: 0.1, expectedValue: 1, message: "Offer", reasons: [], modelVersion: "t", expiresAt: new Date(Date.now() + 7 * DAY) },
    });
    const openMarketing = () => db().recommendation.count({ where: { customerId: customer.id, status: { in: ["PENDING", "ACCEPTED", "SNOOZED"] }, actionType: { purpose: "MARKETING" } } });
    expect(await openMarketing()).toBe(1);

    const r = await recordConsent(customer.id, [{ purpose: "MARKETING", granted: false, source: "unsubscribe link" }], { userId: rep.id, source: "test" });
    expect(r.consent).toEqual({ SERVICE: true, MARKETING: false, PROFILING: true });
    expect(r.withdrawn).toBeGreaterThanOrEqual(1);
    expect(await openMarketing()).toBe(0);
    // Three records, one per channel, with who recorded it.
    expect(await db().consentRecord.count({ where: { customerId: customer.id, purpose: "MARKETING", granted: false, recordedById: rep.id } })).toBe(3);

    await generateRecommendations({ now: new Date(Date.now() + 8 * DAY) });
    await generateRecommendations({ customerIds: [customer.id] });
    expect(await db().recommendation.count({ where: { customerId: customer.id, actionType: { purpose: "MARKETING" }, createdAt: { gt: new Date(Date.now() - 60_000) }, status: { not: "EXPIRED" } } })).toBe(0);
    expect(await openMarketing()).toBe(0);

    // Given again on one channel: the purpose is back.
    const back = await recordConsent(customer.id, [{ purpose: "MARKETING", channel: "EMAIL", granted: true }], { userId: rep.id, source: "test" });
    expect(back.consent.MARKETING).toBe(true);
  });

  it("the old customer flags sent through the API are recorded as consent", async () => {
    const rep = await makeUser({ role: "REP" });
    await upsertCustomers([{ externalId: "FLAGS-1", name: "Cy Flags", segment: "SMB", ownerEmail: rep.email, marketingOptOut: true }]);
    const c = await db().customer.findUniqueOrThrow({ where: { externalId: "FLAGS-1" } });
    expect(await db().consentRecord.count({ where: { customerId: c.id, purpose: "MARKETING", granted: false } })).toBe(3);
    // Sending the same flag again records nothing new.
    await upsertCustomers([{ externalId: "FLAGS-1", name: "Cy Flags", segment: "SMB", ownerEmail: rep.email, marketingOptOut: true }]);
    expect(await db().consentRecord.count({ where: { customerId: c.id } })).toBe(3);
    await upsertCustomers([{ externalId: "FLAGS-1", name: "Cy Flags", segment: "SMB", ownerEmail: rep.email, doNotContact: true }]);
    expect(await db().consentRecord.count({ where: { customerId: c.id, purpose: "SERVICE", granted: false } })).toBe(3);
  });

  it("the data-rights actions refuse callers without the role or the customer in scope", async () => {
    const rep = await makeUser({ role: "REP" });
    const other = await makeUser({ role: "REP" });
    const manager = await makeUser({ role: "MANAGER" });
    await upsertCustomers([{ externalId: "SCOPE-1", name: "Di Scope", segment: "SMB", ownerEmail: rep.email }]);
    const c = await db().customer.findUniqueOrThrow({ where: { externalId: "SCOPE-1" } });
    const as = (u: { id: string; email: string; name: string; role: SessionUser["role"]; teamId: string | null } | null) => {
      session.user = u ? ({ ...u, active: true, sessionVersion: 0 } as SessionUser) : null;
    };
    const consentInput = { customerId: c.id, purpose: "MARKETING", channel: "ALL", granted: "false", source: "phone call" } as const;
    as(null);
    expect((await actions.recordConsentAction(consentInput)).ok).toBe(false);
    as(other);
    const outOfScope = await actions.recordConsentAction(consentInput);
    expect(outOfScope.ok ? null : outOfScope.error.code).toBe("NOT_FOUND");
    as(rep);
    expect((await actions.recordConsentAction(consentInput)).ok).toBe(true);
    for (const u of [null, rep, manager]) {
      as(u);
      const results = [
        await actions.eraseCustomerAction({ customerId: c.id, confirm: "SCOPE-1" }),
        await actions.setRetentionDaysAction({ eventRetentionDays: "365" }),
        await actions.runRetentionAction({}),
      ];
      for (const res of results) expect(res.ok ? "ok" : res.error.code).toBe(u ? "FORBIDDEN" : "UNAUTHENTICATED");
    }
    expect((await db().customer.findUniqueOrThrow({ where: { id: c.id } })).erasedAt).toBeNull();
    const admin = await makeUser({ role: "ADMIN" });
    as(admin);
    const wrong = await actions.eraseCustomerAction({ customerId: c.id, confirm: "SCOPE-2" });
    expect(wrong.ok ? null : wrong.error.fieldErrors?.confirm).toBeTruthy();
    expect((await actions.eraseCustomerAction({ customerId: c.id, confirm: "SCOPE-1" })).ok).toBe(true);
    expect((await actions.setRetentionDaysAction({ eventRetentionDays: "30" })).ok).toBe(false);
  });
});

function byJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
