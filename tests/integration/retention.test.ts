import { afterAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The retention job: raw events older than the admin-set period are purged,
// purchases are kept (stripped of their raw parts), each customer's latest
// contact is kept, and the run records what it removed; the scheduled run
// happens once a day however many processes ask.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_retention") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { makeCustomer, makeUser } = await import("../support/fixtures");
const { runRetention, runScheduledRetentionIfDue, setRetentionDays } = await import("@/lib/services/retention");
const { listRetentionRuns } = await import("@/lib/data/retention");

const DAY = 86_400_000;
const NOW = new Date("2026-12-02T12:00:00Z");
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/data/db");
  await disconnectDb();
  await own?.drop();
});

describe.skipIf(!reachable)("retention of raw events", () => {
  it("purges what is older than the period, keeps purchases (stripped) and each customer's latest contact, and reports it", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const rep = await makeUser({ role: "REP" });
    const a = await makeCustomer(rep.id);
    const b = await makeCustomer(rep.id);
    await setRetentionDays(admin.id, 200);
    const ev = (customerId: string, type: "PURCHASE" | "WEB_VISIT" | "EMAIL_CLICK" | "CALL" | "MEETING", days: number, extra: object = {}) =>
      db().customerEvent.create({ data: { customerId, type, occurredAt: ago(days), ...extra }, select: { id: true } });
    const oldVisit = await ev(a.id, "WEB_VISIT", 400, { payload: { url: "/pricing" } });
    const oldClick = await ev(a.id, "EMAIL_CLICK", 250);
    const recentVisit = await ev(a.id, "WEB_VISIT", 10);
    const oldPurchase = await ev(a.id, "PURCHASE", 300, { amount: 120, payload: { basket: ["x"] }, source: "shop", idempotencyKey: "order-9" });
    const olderCall = await ev(a.id, "CALL", 500);
    const latestOldCall = await ev(a.id, "MEETING", 300);
    const bOldCall = await ev(b.id, "CALL", 900);
    const bNewCall = await ev(b.id, "CALL", 5);

    const r = await runRetention({ now: NOW, trigger: "admin", actorId: admin.id });
    expect(r.retentionDays).toBe(200);
    expect(r.cutoff).toEqual(ago(200));
    expect(r.deletedByType).toEqual({ CALL: 2, EMAIL_CLICK: 1, WEB_VISIT: 1 });
    expect(r.eventsDeleted).toBe(4);
    expect(r.eventsStripped).toBe(1);
    const left = new Set((await db().customerEvent.findMany({ select: { id: true } })).map((e) => e.id));
    for (const gone of [oldVisit, oldClick, olderCall, bOldCall]) expect(left.has(gone.id)).toBe(false);
    for (const kept of [recentVisit, oldPurchase, latestOldCall, bNewCall]) expect(left.has(kept.id)).toBe(true);
    expect(await db().customerEvent.findFirstOrThrow({ where: { id: oldPurchase.id } })).toMatchObject({ payload: null, source: null, idempotencyKey: null, type: "PURCHASE" });
    expect(Number((await db().customerEvent.findFirstOrThrow({ where: { id: oldPurchase.id } })).amount)).toBe(120);

    const [run] = await listRetentionRuns(1);
    expect(run).toMatchObject({ trigger: "admin", eventsDeleted: 4, eventsStripped: 1, deletedByType: { CALL: 2, EMAIL_CLICK: 1, WEB_VISIT: 1 }, retentionDays: 200 });
    expect(run!.actorName).not.toBeNull();
    // A second run finds nothing more.
    expect((await runRetention({ now: NOW, trigger: "admin" })).eventsDeleted).toBe(0);
  });

  it("runs on schedule once a day, however many processes ask at once", async () => {
    const answers = await Promise.all([runScheduledRetentionIfDue(NOW), runScheduledRetentionIfDue(NOW), runScheduledRetentionIfDue(NOW)]);
    const ran = answers.filter((a) => a !== null);
    expect(ran.length).toBeLessThanOrEqual(1);
    const scheduled = await db().retentionRun.count({ where: { trigger: "schedule" } });
    expect(scheduled).toBeGreaterThanOrEqual(1);
    expect(await runScheduledRetentionIfDue(new Date(NOW.getTime() + 3_600_000))).toBeNull();
    expect(await runScheduledRetentionIfDue(new Date(NOW.getTime() + 25 * 3_600_000))).not.toBeNull();
    expect(await db().retentionRun.count({ where: { trigger: "schedule" } })).toBe(scheduled + 1);
  });
});
