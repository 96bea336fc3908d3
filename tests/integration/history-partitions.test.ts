import { afterAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// History partitioned by month (migration 20261207000000_history_partitions):
// events land whatever their month, months are created ahead and filled from
// the DEFAULT partition, idempotency keys hold across months, retention swaps
// whole expired months and row-deletes the partly expired one, and the kept
// signals stay equal to a recomputation throughout. Own database: it creates
// and drops partitions, which other files' tables must not see.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_partitions") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { makeCustomer, makeUser } = await import("../support/fixtures");
const { ensureMonthPartitions } = await import("@/lib/data/retention");
const { runRetention, setRetentionDays } = await import("@/lib/services/retention");
const { recordEvents } = await import("@/lib/services/ingest");
const { checkCustomerSignals } = await import("@/lib/data/decisions");

const DAY = 86_400_000;

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/data/db");
  await disconnectDb();
  await own?.drop();
});

/** The partition an event's row is stored in. */
async function partitionOf(id: number): Promise<string | null> {
  const [row] = await db().$queryRaw<{ p: string }[]>`SELECT tableoid::regclass::text AS p FROM "CustomerEvent" WHERE id = ${id}`;
  return row ? row.p.replace(/"/g, "") : null;
}

async function months(table: "CustomerEvent" | "UsageEvent"): Promise<{ name: string; startsAt: Date; oid: number }[]> {
  return db().$queryRaw<{ name: string; startsAt: Date; oid: number }[]>`
    SELECT p.partition_name AS name, p.starts_at AS "startsAt", to_regclass(format('%I', p.partition_name))::oid::int AS oid
    FROM nudge_month_partitions(${table}) p ORDER BY p.starts_at`;
}

const monthName = (table: string, d: Date) => `${table}_p${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;

describe.skipIf(!reachable)("history partitioned by month", () => {
  it("has the months ahead after migrating, and creating them again is a no-op", async () => {
    const now = new Date();
    for (const table of ["CustomerEvent", "UsageEvent"] as const) {
      const names = (await months(table)).map((m) => m.name);
      for (let ahead = 0; ahead <= 3; ahead++) {
        expect(names).toContain(monthName(table, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1))));
      }
    }
    expect(await ensureMonthPartitions(now)).toBe(0);
  });

  it("stores an event of a month without a partition in DEFAULT, and moves it into the month when the month is created", async () => {
    const rep = await makeUser({ role: "REP" });
    const c = await makeCustomer(rep.id);
    const far = new Date("2031-07-15T10:00:00Z");
    const e = await db().customerEvent.create({ data: { customerId: c.id, type: "WEB_VISIT", occurredAt: far }, select: { id: true } });
    const u = await db().usageEvent.create({ data: { userId: rep.id, type: "QUEUE_VIEW", at: far }, select: { id: true } });
    expect(await partitionOf(e.id)).toBe("CustomerEvent_default");

    // The hourly maintenance around that date: July 2031 is created (with June and the three months after) and takes its rows.
    expect(await ensureMonthPartitions(new Date("2031-07-20T00:00:00Z"))).toBe(10);
    expect(await partitionOf(e.id)).toBe("CustomerEvent_p2031_07");
    const [usage] = await db().$queryRaw<{ p: string }[]>`SELECT tableoid::regclass::text AS p FROM "UsageEvent" WHERE id = ${u.id}`;
    expect(usage?.p.replace(/"/g, "")).toBe("UsageEvent_p2031_07");
    expect(await db().customerEvent.count({ where: { customerId: c.id } })).toBe(1);
    const [def] = await db().$queryRaw<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM "CustomerEvent_default"`;
    expect(def?.n).toBe(0);
    // An insert far outside every month still succeeds.
    const ancient = await db().customerEvent.create({ data: { customerId: c.id, type: "WEB_VISIT", occurredAt: new Date("1999-01-01T00:00:00Z") }, select: { id: true } });
    expect(await partitionOf(ancient.id)).toBe("CustomerEvent_default");
    await db().customerEvent.deleteMany({ where: { customerId: c.id } });
  });

  it("keeps an idempotency key unique across months: same event is a duplicate, another month is refused, a move keeps the key", async () => {
    const rep = await makeUser({ role: "REP" });
    const c = await makeCustomer(rep.id, { externalId: "PART-1" });
    const now = new Date();
    const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 6)).toISOString();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 20, 6)).toISOString();
    const event = { customerExternalId: "PART-1", type: "PURCHASE", occurredAt: thisMonth, amount: 40, idempotencyKey: "part-order-1" };

    expect((await recordEvents([event])).results).toEqual([{ index: 0, status: "recorded" }]);
    expect((await recordEvents([event])).results).toEqual([{ index: 0, status: "duplicate" }]);
    const other = await recordEvents([{ ...event, occurredAt: lastMonth }]);
    expect(other.results[0]).toMatchObject({ status: "rejected", code: "IDEMPOTENCY_KEY_REUSED" });
    expect(await db().customerEvent.count({ where: { idempotencyKey: "part-order-1" } })).toBe(1);

    // A writer that bypasses the service is held to the key too: its row is skipped.
    const inserted = await db().$executeRaw`
      INSERT INTO "CustomerEvent" ("customerId", type, "occurredAt", "idempotencyKey") VALUES (${c.id}::uuid, 'CALL', ${new Date(lastMonth)}, 'part-order-1')`;
    expect(inserted).toBe(0);

    // Moved to another month (Postgres deletes and re-inserts the row): the key follows it; a retry of the request as first
    // sent is still a duplicate, another body still refused.
    const stored = await db().customerEvent.findFirstOrThrow({ where: { idempotencyKey: "part-order-1" }, select: { id: true } });
    await db().$executeRaw`UPDATE "CustomerEvent" SET "occurredAt" = ${new Date(lastMonth)} WHERE id = ${stored.id}`;
    expect(await partitionOf(stored.id)).toBe(monthName("CustomerEvent", new Date(lastMonth)));
    expect(await db().customerEventKey.findUniqueOrThrow({ where: { idempotencyKey: "part-order-1" } })).toMatchObject({ eventId: stored.id, occurredAt: new Date(lastMonth) });
    expect((await recordEvents([event])).results).toEqual([{ index: 0, status: "duplicate" }]);
    expect((await recordEvents([{ ...event, occurredAt: lastMonth }])).results[0]).toMatchObject({ status: "rejected", code: "IDEMPOTENCY_KEY_REUSED" });
    expect(await db().customerEvent.count({ where: { idempotencyKey: "part-order-1" } })).toBe(1);

    // A key cleared (erasure, retention) is free again.
    await db().$executeRaw`UPDATE "CustomerEvent" SET "idempotencyKey" = NULL, "requestHash" = NULL WHERE id = ${stored.id}`;
    expect(await db().customerEventKey.count({ where: { idempotencyKey: "part-order-1" } })).toBe(0);
    expect((await recordEvents([event])).results).toEqual([{ index: 0, status: "recorded" }]);
  });

  it("refuses contact feedback naming no event, and clears the reference when its event is deleted", async () => {
    const rep = await makeUser({ role: "REP" });
    const c = await makeCustomer(rep.id);
    await expect(db().$executeRaw`INSERT INTO "ContactFeedback" ("customerId", "eventId", "occurredAt") VALUES (${c.id}::uuid, -42, now())`).rejects.toThrow(/names no CustomerEvent/);
    const e = await db().customerEvent.create({ data: { customerId: c.id, type: "CONTACT_FEEDBACK", occurredAt: new Date() }, select: { id: true } });
    const f = await db().contactFeedback.create({ data: { customerId: c.id, eventId: e.id, occurredAt: new Date() }, select: { id: true } });
    await db().customerEvent.deleteMany({ where: { id: e.id } });
    expect(await db().contactFeedback.findUniqueOrThrow({ where: { id: f.id } })).toMatchObject({ eventId: null });
  });

  it("retention swaps whole expired months (keeping purchases stripped and latest contacts), row-deletes the partly expired month, and signals stay exact", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const rep = await makeUser({ role: "REP" });
    const a = await makeCustomer(rep.id);
    const b = await makeCustomer(rep.id);
    const now = new Date();
    await setRetentionDays(admin.id, 200);
    const cutoff = new Date(now.getTime() - 200 * DAY);
    // A month wholly before the cutoff, and the cutoff's own month.
    const oldMonth = new Date(Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth() - 3, 10, 12));
    const at = (d: Date, days: number) => new Date(d.getTime() + days * DAY);
    // A migrated empty database has months from the last one on; these are the seeds' job, here the test's.
    await db().$executeRaw`SELECT nudge_ensure_month_partitions(${oldMonth}::timestamp, ${now}::timestamp)`;
    const ev = (customerId: string, type: "PURCHASE" | "WEB_VISIT" | "CALL" | "CONTACT_FEEDBACK", occurredAt: Date, extra: object = {}) =>
      db().customerEvent.create({ data: { customerId, type, occurredAt, ...extra }, select: { id: true } });
    const visit = await ev(a.id, "WEB_VISIT", oldMonth, { idempotencyKey: "part-visit-1" });
    const purchase = await ev(a.id, "PURCHASE", at(oldMonth, 1), { amount: 80, payload: { basket: ["y"] }, source: "shop", idempotencyKey: "part-order-9" });
    const olderCall = await ev(a.id, "CALL", at(oldMonth, 2));
    const latestCall = await ev(b.id, "CALL", at(oldMonth, 3), { payload: { note: "kept" } });
    const feedbackEvent = await ev(b.id, "CONTACT_FEEDBACK", at(oldMonth, 4));
    const feedback = await db().contactFeedback.create({ data: { customerId: b.id, eventId: feedbackEvent.id, occurredAt: at(oldMonth, 4) }, select: { id: true } });
    const newerCall = await ev(a.id, "CALL", at(now, -3));
    const partial = await ev(a.id, "WEB_VISIT", new Date(Math.max(Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth(), 1), cutoff.getTime() - 3_600_000)));
    const oldPart = monthName("CustomerEvent", oldMonth);
    const before = (await months("CustomerEvent")).find((m) => m.name === oldPart)!;
    const cutoffMonth = (await months("CustomerEvent")).find((m) => m.name === monthName("CustomerEvent", cutoff))!;

    const r = await runRetention({ now, trigger: "admin", actorId: admin.id });
    expect(r.monthsRewritten).toContain(oldPart);
    expect(r.monthsRewritten).not.toContain(cutoffMonth.name);
    expect(r.deletedByType).toMatchObject({ WEB_VISIT: 2, CALL: 1, CONTACT_FEEDBACK: 1 });
    expect(r.eventsStripped).toBe(1);

    // The expired month is a new table (dropped and replaced), the partly expired one the same table with a row deleted.
    const after = await months("CustomerEvent");
    expect(after.find((m) => m.name === oldPart)!.oid).not.toBe(before.oid);
    expect(after.find((m) => m.name === cutoffMonth.name)!.oid).toBe(cutoffMonth.oid);
    const left = new Set((await db().customerEvent.findMany({ where: { customerId: { in: [a.id, b.id] } }, select: { id: true } })).map((e) => e.id));
    expect([visit, olderCall, feedbackEvent, partial].filter((e) => left.has(e.id))).toEqual([]);
    expect([purchase, latestCall, newerCall].every((e) => left.has(e.id))).toBe(true);
    expect(await db().customerEvent.findFirstOrThrow({ where: { id: purchase.id } })).toMatchObject({ payload: null, source: null, idempotencyKey: null, type: "PURCHASE" });
    expect(await db().customerEvent.findFirstOrThrow({ where: { id: latestCall.id } })).toMatchObject({ payload: { note: "kept" } });
    expect(await partitionOf(purchase.id)).toBe(oldPart);
    expect(await db().customerEventKey.count({ where: { idempotencyKey: { in: ["part-visit-1", "part-order-9"] } } })).toBe(0);
    expect(await db().contactFeedback.findUniqueOrThrow({ where: { id: feedback.id } })).toMatchObject({ eventId: null });
    // The month swapped in is a full partition: its indexes and the insert triggers are there.
    const late = await ev(a.id, "PURCHASE", at(oldMonth, 5), { amount: 500, idempotencyKey: "part-late-1" });
    expect(await db().customerEvent.findFirstOrThrow({ where: { id: late.id } })).toMatchObject({ upSell: true });
    expect(await db().customerEventKey.count({ where: { idempotencyKey: "part-late-1" } })).toBe(1);
    const [idx] = await db().$queryRaw<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM pg_index WHERE indrelid = to_regclass(format('%I', ${oldPart}::text))`;
    expect(idx?.n).toBe(4);

    const signals = await checkCustomerSignals(db(), now);
    expect(signals.differ).toBe(0);
  });

  // Migrations 20261210000000_event_and_usage_paths and 20261210010000_reaction_path_plans: a custom plan of these triggers' statements was planned again on
  // every purchase, across every month's partition (12-25 ms of a 1-customer purchase, 2 ms of a reaction); a generic plan is planned once
  // per connection. CREATE OR REPLACE FUNCTION drops the setting silently, so a later migration redefining one of them
  // must set it again. The usage sessions' refresh must not have it: a generic plan of its read was 30x slower.
  it("plans the purchase triggers once per connection, and the usage sessions per call", async () => {
    const names = ["nudge_purchases_changed", "nudge_holdout_unit_days_events", "nudge_customer_signals_events", "nudge_purchase_facts", "nudge_recommendation_decided", "nudge_usage_sessions", "nudge_refresh_usage_sessions"];
    const rows = await db().$queryRaw<{ proname: string; proconfig: string[] | null }[]>`SELECT proname, proconfig FROM pg_proc WHERE proname = ANY(${names})`;
    const generic = ["plan_cache_mode=force_generic_plan"];
    expect(Object.fromEntries(rows.map((r) => [r.proname, r.proconfig]))).toEqual({
      nudge_purchases_changed: generic,
      nudge_holdout_unit_days_events: generic,
      nudge_customer_signals_events: generic,
      nudge_purchase_facts: generic,
      nudge_recommendation_decided: generic,
      nudge_usage_sessions: null,
      nudge_refresh_usage_sessions: null,
    });
  });
});
