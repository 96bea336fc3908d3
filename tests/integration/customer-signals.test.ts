// Incremental signals (issue 17): CustomerSignal, kept by triggers on
// CustomerEvent, gives the same aggregates as recomputing from the events
// (lib/engine/features.ts aggregateEvents is the definition), after random
// inserts, deletes and updates, from concurrent writers, at moments around
// every window edge; the read path really uses the kept rows (a corrupted row
// shows through, and the check command counts it); a row past its validity is
// recomputed, and stored only when the caller asks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregateEvents, type EngineEvent } from "@/lib/engine";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Rng } from "@/tooling/seed/random";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const { loadEventAggregates, checkCustomerSignals } = await import("@/lib/data/decisions");

const DAY = 86_400_000;
const TYPES = ["PURCHASE", "MEETING", "CALL", "EMAIL_SENT", "EMAIL_CLICK", "WEB_VISIT", "SUPPORT_TICKET"] as const;

describe.skipIf(!reachable)("incremental customer signals", () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  const ids: string[] = [];
  const seeded = new Rng("customer-signals");
  const r = () => seeded.next();
  const base = Date.now();

  const randomEvent = (customerId: string) => {
    const type = TYPES[Math.floor(r() * TYPES.length)]!;
    // Around every window edge (7, 30, 90 days ago), some in the future.
    const daysAgo = r() < 0.2 ? [7, 30, 90, 0, -1][Math.floor(r() * 5)]! + (r() - 0.5) / 24 : r() * 120 - 5;
    return {
      customerId,
      type,
      occurredAt: new Date(base - Math.round(daysAgo * DAY)),
      amount: type === "PURCHASE" ? (r() < 0.1 ? null : Math.round(r() * 100_000) / 100) : null,
      payload: type === "SUPPORT_TICKET" ? [{ status: "closed" }, { status: "open" }, {}][Math.floor(r() * 3)] : undefined,
    };
  };

  async function eventsOf(customerId: string): Promise<EngineEvent[]> {
    const rows = await prisma.customerEvent.findMany({ where: { customerId }, select: { type: true, occurredAt: true, amount: true, payload: true } });
    return rows.map((e) => ({ type: e.type, occurredAt: e.occurredAt, amount: e.amount === null ? null : Number(e.amount), payload: e.payload }));
  }

  /** loadEventAggregates at `now` against the TypeScript definition over the events as stored, for every customer. */
  async function expectMatches(now: Date) {
    const sql = await loadEventAggregates(prisma, ids, now);
    for (const id of ids) {
      const ts = aggregateEvents(await eventsOf(id), now);
      const got = sql.get(id)!;
      expect({ id, ...got, spendLast90d: Math.round(got.spendLast90d * 100) }).toEqual({ id, ...ts, spendLast90d: Math.round(ts.spendLast90d * 100) });
    }
  }

  beforeAll(async () => {
    const own = await ownDatabase("nudge_signals");
    prisma = own.prisma;
    drop = own.drop;
    const rep = await prisma.user.create({ data: { email: "s@signals.test", name: "S", role: "REP", passwordHash: "x" } });
    for (let i = 0; i < 24; i++) {
      ids.push((await prisma.customer.create({ data: { externalId: `S-${i}`, name: `S ${i}`, segment: "SMB", ownerId: rep.id } })).id);
    }
  });
  afterAll(async () => drop?.());

  it("equals the recomputation after random inserts, deletes and updates, at moments around every window edge", async () => {
    for (let round = 0; round < 4; round++) {
      // Inserts: one statement for many customers, and single events.
      await prisma.customerEvent.createMany({ data: Array.from({ length: 60 }, () => randomEvent(ids[Math.floor(r() * ids.length)]!)) });
      for (let k = 0; k < 10; k++) await prisma.customerEvent.create({ data: randomEvent(ids[Math.floor(r() * ids.length)]!) });
      const all = await prisma.customerEvent.findMany({ select: { id: true, type: true }, orderBy: { id: "asc" } });
      // Deletes, one statement.
      const gone = all.filter(() => r() < 0.08).map((e) => e.id);
      await prisma.customerEvent.deleteMany({ where: { id: { in: gone } } });
      const left = all.filter((e) => !gone.includes(e.id));
      // Updates: time moved, amount changed, a ticket closed, an event moved to another customer.
      for (const e of left.filter(() => r() < 0.06)) {
        const what = Math.floor(r() * 4);
        if (what === 0) await prisma.customerEvent.updateMany({ where: { id: e.id }, data: { occurredAt: new Date(base - Math.round((r() * 100 - 3) * DAY)) } });
        else if (what === 1) await prisma.customerEvent.updateMany({ where: { id: e.id }, data: { amount: Math.round(r() * 50_000) / 100 } });
        else if (what === 2) await prisma.customerEvent.updateMany({ where: { id: e.id }, data: { payload: { status: r() < 0.5 ? "closed" : "open" } } });
        else await prisma.customerEvent.updateMany({ where: { id: e.id }, data: { customerId: ids[Math.floor(r() * ids.length)]! } });
      }
      // Many rows in one statement (as retention and erasure do).
      await prisma.customerEvent.updateMany({ where: { type: "SUPPORT_TICKET", id: { in: left.filter(() => r() < 0.3).map((e) => e.id) } }, data: { payload: { status: "closed" } } });

      const moments = [0, 0.5, 6.9, 7, 7.01, 29.99, 30, 31, 89.9, 90, 91, -0.5, -2].map((d) => new Date(base + Math.round(d * DAY)));
      for (const now of moments) await expectMatches(now);
      // Exactly at the moments kept rows stop being exact, and just before.
      const edges = await prisma.$queryRaw<{ at: Date }[]>`SELECT DISTINCT "validUntil" AS at FROM "CustomerSignal" WHERE "validUntil" IS NOT NULL ORDER BY 1 LIMIT 8`;
      expect(edges.length).toBeGreaterThan(0);
      for (const { at } of edges) {
        await expectMatches(at);
        await expectMatches(new Date(at.getTime() - 1));
      }
      const check = await checkCustomerSignals(prisma, new Date());
      expect(check).toMatchObject({ customers: ids.length, differ: 0 });
      expect(check.kept).toBeGreaterThan(0);
    }
  });

  it("stays exact under concurrent writers of the same customers", async () => {
    // As the events API writes: one statement per request, events of several customers in it; and
    // transactions that write one customer's events in two statements.
    const few = ids.slice(0, 3);
    const recent = (customerId: string) => ({ ...randomEvent(customerId), occurredAt: new Date(Date.now() - Math.round(r() * 5 * DAY)) });
    await Promise.all([
      ...Array.from({ length: 12 }, (_, w) => prisma.customerEvent.createMany({ data: [0, 1, 2].map((k) => recent(few[(w + k) % few.length]!)) })),
      ...Array.from({ length: 6 }, (_, w) =>
        prisma.$transaction(async (tx) => {
          await tx.customerEvent.create({ data: recent(few[w % few.length]!) });
          await tx.customerEvent.create({ data: recent(few[w % few.length]!) });
        }),
      ),
    ]);
    const check = await checkCustomerSignals(prisma, new Date());
    expect(check.differ).toBe(0);
    await expectMatches(new Date());
  });

  it("reads the kept row where it is exact, and recomputes (storing only on refresh) where it is not", async () => {
    const id = ids[5]!;
    const now = new Date();
    const [row] = await prisma.$queryRaw<{ asOf: Date; validUntil: Date | null }[]>`SELECT "asOf", "validUntil" FROM "CustomerSignal" WHERE "customerId" = ${id}::uuid`;
    expect(row).toBeDefined();
    // A corrupted kept row shows through the read path, and the check counts it.
    await prisma.$executeRaw`UPDATE "CustomerSignal" SET "ordersLast90d" = 999, "validUntil" = NULL WHERE "customerId" = ${id}::uuid`;
    expect((await loadEventAggregates(prisma, [id], now)).get(id)!.ordersLast90d).toBe(999);
    expect(await checkCustomerSignals(prisma, now)).toMatchObject({ differ: 1, examples: [id] });
    // Past its validity the row is not used: the answer is recomputed.
    await prisma.$executeRaw`UPDATE "CustomerSignal" SET "validUntil" = ${new Date(now.getTime() - 1000)} WHERE "customerId" = ${id}::uuid`;
    const truth = aggregateEvents(await eventsOf(id), now);
    expect((await loadEventAggregates(prisma, [id], now)).get(id)!.ordersLast90d).toBe(truth.ordersLast90d);
    // Without refresh nothing is written; with it the row is stored as of `now`.
    const stored = async () => (await prisma.$queryRaw<{ asOf: Date; orders: number }[]>`SELECT "asOf", "ordersLast90d" AS orders FROM "CustomerSignal" WHERE "customerId" = ${id}::uuid`)[0]!;
    expect((await stored()).orders).toBe(999);
    await loadEventAggregates(prisma, [id], now, { refresh: true });
    expect(await stored()).toEqual({ asOf: now, orders: truth.ordersLast90d });
    // A moment before the row's asOf is computed from the events, not read from the row.
    await prisma.$executeRaw`UPDATE "CustomerSignal" SET "ordersLast90d" = 999, "validUntil" = NULL WHERE "customerId" = ${id}::uuid`;
    const earlier = new Date(now.getTime() - 60_000);
    expect((await loadEventAggregates(prisma, [id], earlier)).get(id)!.ordersLast90d).toBe(aggregateEvents(await eventsOf(id), earlier).ordersLast90d);
    // The rebuild puts every row right.
    await prisma.$queryRaw`SELECT nudge_rebuild_customer_signals()`;
    expect(await checkCustomerSignals(prisma, new Date())).toMatchObject({ customers: ids.length, differ: 0 });
  });
});
