// The database computes, for speed, what the engine defines in TypeScript.
// These tests hold the SQL to the TypeScript definitions on random data, so
// the two cannot drift: event aggregates (lib/engine/features.ts
// aggregateEvents vs lib/data/decisions.ts loadEventAggregates).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregateEvents, buildStatsTable, weightedStatsRows, type EngineEvent, type LearningRecord, type StatsTable } from "@/lib/engine";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const { loadEventAggregates } = await import("@/lib/data/decisions");

const NOW = new Date("2026-11-23T12:00:00.000Z");
const DAY = 86_400_000;
const TYPES = ["PURCHASE", "MEETING", "CALL", "EMAIL_SENT", "EMAIL_CLICK", "WEB_VISIT", "SUPPORT_TICKET"] as const;

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!reachable)("SQL aggregates match the engine's definitions", () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  const eventsBy = new Map<string, EngineEvent[]>();

  beforeAll(async () => {
    const own = await ownDatabase("nudge_parity");
    prisma = own.prisma;
    drop = own.drop;
    const rep = await prisma.user.create({ data: { email: "p@parity.test", name: "P", role: "REP", passwordHash: "x" } });
    const r = rng(20261123);
    for (let i = 0; i < 40; i++) {
      const c = await prisma.customer.create({ data: { externalId: `P-${i}`, name: `P ${i}`, segment: "SMB", ownerId: rep.id } });
      const events: EngineEvent[] = [];
      const n = Math.floor(r() * 25);
      for (let k = 0; k < n; k++) {
        const type = TYPES[Math.floor(r() * TYPES.length)]!;
        // Around every window edge (7, 30, 90 days), a few in the future, whole-day boundaries included.
        const daysAgo = r() < 0.15 ? [7, 30, 90, 0][Math.floor(r() * 4)]! : r() * 120 - 5;
        const occurredAt = new Date(NOW.getTime() - Math.round(daysAgo * DAY));
        const amount = type === "PURCHASE" ? (r() < 0.1 ? null : Math.round(r() * 100_000) / 100) : null;
        const payload = type === "SUPPORT_TICKET" ? [{ status: "closed" }, { status: "CLOSED" }, { status: "open" }, {}, null][Math.floor(r() * 5)] : null;
        events.push({ type, occurredAt, amount, payload });
      }
      if (events.length) {
        await prisma.customerEvent.createMany({
          data: events.map((e) => ({ customerId: c.id, type: e.type, occurredAt: e.occurredAt, amount: e.amount, payload: e.payload === null ? undefined : (e.payload as object) })),
        });
      }
      eventsBy.set(c.id, events);
    }
  });
  afterAll(async () => drop?.());

  it("per customer, on 40 customers with random events around every window edge", async () => {
    const ids = [...eventsBy.keys()];
    const sql = await loadEventAggregates(prisma, ids, NOW);
    let compared = 0;
    for (const id of ids) {
      const ts = aggregateEvents(eventsBy.get(id)!, NOW);
      const fromSql = sql.get(id);
      if (!fromSql) {
        // No row: the customer has no event at or before now; the engine then sees empty aggregates.
        expect(ts).toEqual({ lastContactAt: null, lastPurchaseAt: null, ordersLast90d: 0, spendLast90d: 0, openTickets: 0, webVisitsLast7d: 0, emailClicksLast30d: 0 });
        continue;
      }
      expect({ ...fromSql, spendLast90d: Math.round(fromSql.spendLast90d * 100) }).toEqual({ ...ts, spendLast90d: Math.round(ts.spendLast90d * 100) });
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  });
});

describe.skipIf(!reachable)("SQL predicates match their TypeScript definitions", () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const own = await ownDatabase("nudge_parity2");
    prisma = own.prisma;
    drop = own.drop;
  });
  afterAll(async () => drop?.());

  it("resolved (learning's trials) is the vocabulary's isResolved, for every status, arm and shown state", async () => {
    const { resolvedSql } = await import("@/lib/data/vocabulary-sql");
    const { RECOMMENDATION_STATUSES, isResolved } = await import("@/lib/domain/vocabulary");
    const { Prisma } = await import("@/lib/generated/prisma/client");
    const rows = RECOMMENDATION_STATUSES.flatMap((status) => [true, false].flatMap((isControl) => [null, NOW].map((shownAt) => ({ status, isControl, shownAt }))));
    const values = Prisma.join(rows.map((r, i) => Prisma.sql`(${i}::int, ${r.status}::text, ${r.isControl}::bool, ${r.shownAt}::timestamp)`));
    const got = await prisma.$queryRaw<{ i: number; resolved: boolean }[]>`
      SELECT i, ${resolvedSql("r")} AS resolved FROM (VALUES ${values}) AS r(i, status, "isControl", "shownAt") ORDER BY i`;
    expect(got.map((g) => g.resolved)).toEqual(rows.map((r) => isResolved(r)));
    expect(got.filter((g) => g.resolved).length).toBeGreaterThan(0);
  });

  it("the calibration band is calibrationBand, at and around every edge", async () => {
    const { CALIBRATION_BAND_SQL } = await import("@/lib/data/metrics");
    const { calibrationBand } = await import("@/lib/metrics/calibration");
    const { Prisma } = await import("@/lib/generated/prisma/client");
    const ps = [0, 1e-9, 0.05, ...Array.from({ length: 11 }, (_, k) => [k / 10 - 1e-9, k / 10, k / 10 + 1e-9]).flat(), 0.999999, 1].filter((p) => p >= 0 && p <= 1);
    const values = Prisma.join(ps.map((p, i) => Prisma.sql`(${i}::int, ${p}::float8)`));
    const got = await prisma.$queryRaw<{ band: number }[]>`SELECT ${CALIBRATION_BAND_SQL} AS band FROM (VALUES ${values}) AS t(i, propensity) ORDER BY i`;
    expect(got.map((g) => g.band)).toEqual(ps.map((p) => calibrationBand(p)));
  });
});

describe.skipIf(!reachable)("the learning statistics (SQL) match weightedStatsRows (TypeScript)", () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  const records: LearningRecord[] = [];
  beforeAll(async () => {
    const own = await ownDatabase("nudge_parity3");
    prisma = own.prisma;
    drop = own.drop;
    const rep = await prisma.user.create({ data: { email: "l@parity.test", name: "L", role: "REP", passwordHash: "x" } });
    const actions = await Promise.all(
      ["a_one", "a_two"].map((key) =>
        prisma.actionType.create({ data: { key, name: key, category: "GROWTH", description: "", messageTemplate: "Hi", rule: { signal: "tenureDays", op: "gte", value: 0 }, businessValue: 100 } }),
      ),
    );
    const r = rng(20261203);
    const SEGS = ["SMB", "MID_MARKET", "ENTERPRISE"] as const;
    const STATUSES = ["PENDING", "ACCEPTED", "DISMISSED", "SNOOZED", "DONE", "EXPIRED"] as const;
    for (let i = 0; i < 30; i++) {
      const segment = SEGS[i % 3]!;
      const c = await prisma.customer.create({ data: { externalId: `L-${i}`, name: `L ${i}`, segment, ownerId: rep.id } });
      const purchases = Array.from({ length: Math.floor(r() * 3) }, () => new Date(NOW.getTime() - Math.round(r() * 100 * DAY)));
      if (purchases.length) await prisma.customerEvent.createMany({ data: purchases.map((occurredAt) => ({ customerId: c.id, type: "PURCHASE" as const, occurredAt, amount: 10 })) });
      for (let k = 0; k < 6; k++) {
        const action = actions[Math.floor(r() * 2)]!;
        const createdAt = new Date(NOW.getTime() - Math.round(r() * 120 * DAY) + (r() < 0.05 ? 5 * DAY : 0));
        const status = STATUSES[Math.floor(r() * STATUSES.length)]!;
        const decidedAt = ["ACCEPTED", "DISMISSED", "DONE"].includes(status) || (status === "EXPIRED" && r() < 0.3) ? new Date(createdAt.getTime() + Math.round(r() * 3 * DAY)) : null;
        const shownAt = r() < 0.7 ? new Date(createdAt.getTime() + 3600_000) : null;
        const isControl = r() < 0.1;
        const featureKey = r() < 0.7 ? `${segment}|${Math.floor(r() * 4)}${Math.floor(r() * 4)}000` : null;
        // One open suggestion per customer and action (a partial unique index): the rest are closed.
        const open = ["PENDING", "ACCEPTED", "SNOOZED"].includes(status);
        const existingOpen = open && (await prisma.recommendation.count({ where: { customerId: c.id, actionTypeId: action.id, status: { in: ["PENDING", "ACCEPTED", "SNOOZED"] } } })) > 0;
        const finalStatus = existingOpen ? "DISMISSED" : status;
        await prisma.recommendation.create({
          data: { customerId: c.id, actionTypeId: action.id, actionTypeVersion: 1, repId: rep.id, score: 1, propensity: 0.2, expectedValue: 1, message: "m", reasons: [], modelVersion: "t", expiresAt: new Date(createdAt.getTime() + 7 * DAY), createdAt, status: finalStatus, decidedAt: finalStatus === "DISMISSED" && !decidedAt ? createdAt : decidedAt, shownAt, isControl, featureKey },
        });
        records.push({ actionKey: action.key, segment, featureKey, createdAt, status: finalStatus, isControl, shownAt, decidedAt: finalStatus === "DISMISSED" && !decidedAt ? createdAt : decidedAt, purchases });
      }
    }
  });
  afterAll(async () => drop?.());

  it.each([[30], [7], [null]] as const)("with half-life %s days, row by row", async (halfLife) => {
    const { loadStats } = await import("@/lib/data/decisions");
    const sql = await loadStats(prisma, NOW, halfLife);
    const ts = buildStatsTable(weightedStatsRows(records, NOW, halfLife));
    const flat = (t: StatsTable) => [...t.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, Math.round(v.shown * 1e9), Math.round(v.accepted * 1e9), Math.round(v.converted * 1e9)]);
    expect(flat(sql)).toEqual(flat(ts));
    const ev = (t: StatsTable) => [...(t.evidence ?? new Map<string, readonly { featureKey: string; trials: number; accepted: number }[]>()).entries()].flatMap(([k, list]) => list.map((e) => `${k}|${e.featureKey}|${Math.round(e.trials * 1e9)}|${Math.round(e.accepted * 1e9)}`)).sort();
    expect(ev(sql)).toEqual(ev(ts));
    expect(ev(sql).length).toBeGreaterThan(10);
    expect([...sql.values()].some((v) => v.converted > 0)).toBe(true);
  });
});
