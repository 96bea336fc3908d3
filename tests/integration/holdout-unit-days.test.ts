import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSame } from "../support/expect-same";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// HoldoutUnitDay (migration 20261205200000_holdout_unit_days) against the
// events it summarises: after random purchases recorded and removed, units
// re-armed, customers reassigned and re-segmented, a unit removed and added and
// a draw ended early, the trigger-kept table equals a rebuild from scratch, and
// the program comparison and adopter tiers read from it equal the reference
// path over the raw events (source "events") for views that cut days anywhere:
// draws starting and ending mid-day, ranges not at midnight, a back-dated `now`.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_unit_days") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { programKpi, adopterTiers } = await import("@/lib/data/kpis");
type Scope = import("@/lib/data/metrics").MetricsScope;
type KpiKey = import("@/lib/metrics/kpi-definitions").KpiKey;

const DAY = 86_400_000;
const at = (s: string) => new Date(`${s}Z`);
// Every KPI: the six kept by day read HoldoutUnitDay; the others read the events, narrowed to the team's or segment's
// customers before they are matched to units (scopeCustomers), which holds only while units follow their customers.
const KPIS: KpiKey[] = ["conversion", "orderValue", "purchaseFrequency", "revenuePerCustomer", "crossSell", "upSell", "lifetimeValue", "retention", "churn", "emailClicks", "webVisits"];

// A small deterministic generator (mulberry32), so a failure reproduces.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const snapshot = async () =>
  (await db().$queryRaw<{ s: string | null }[]>`SELECT string_agg(d::text, ',' ORDER BY "periodId", day, "customerId") AS s FROM "HoldoutUnitDay" d`)[0]?.s ?? "";

describe.skipIf(!reachable)("holdout unit days", () => {
  const reps: string[] = [];
  const teams: string[] = [];
  const customers: string[] = [];
  const draws: string[] = [];

  beforeAll(async () => {
    const r = rng(20261205);
    for (const t of ["North", "South"]) teams.push((await db().team.create({ data: { name: t } })).id);
    for (let i = 0; i < 5; i++) {
      reps.push((await db().user.create({ data: { email: `r${i}@u.test`, name: `r${i}`, role: "REP", teamId: teams[i % 2]!, passwordHash: "x", createdAt: at("2025-06-01T00:00:00") } })).id);
    }
    for (let i = 0; i < 30; i++) {
      customers.push((await db().customer.create({ data: { externalId: `c${i}`, name: `c${i}`, segment: i % 3 ? "SMB" : "ENT", ownerId: reps[i % 5]!, createdAt: at("2025-06-01T00:00:00") } })).id);
    }
    // Draws start and end mid-day; D3 has no assignment at first.
    const periods = [
      ["D1", "2026-01-01T06:00:00", "2026-02-10T15:30:00", 30],
      ["D2", "2026-02-10T15:30:00", "2026-04-01T00:00:00", 20],
      ["D3", "2026-04-01T00:00:00", "2026-05-01T00:00:00", 10],
    ] as const;
    for (const [key, s, e, pct] of periods) draws.push((await db().holdoutPeriod.create({ data: { key, startsAt: at(s), endsAt: at(e), pct, salt: key } })).id);
    // Units of D1 and D2 (a few customers missing from one draw), in one statement per draw.
    for (const d of draws.slice(0, 2)) {
      await db().holdoutAssignment.createMany({ data: customers.filter(() => r() < 0.9).map((c) => ({ periodId: d, customerId: c, heldOut: r() < 0.3 })) });
    }
    // Purchases over the three draws and before them, several per statement, some on the same day, some at midnight, some without amount or line.
    const start = at("2025-12-20T00:00:00").getTime();
    const purchase = () => {
      const midnight = r() < 0.15;
      const t = start + Math.floor(r() * 120) * DAY + (midnight ? 0 : Math.floor(r() * DAY));
      return {
        customerId: customers[Math.floor(r() * customers.length)]!,
        type: "PURCHASE" as const,
        occurredAt: new Date(t),
        amount: r() < 0.15 ? null : Math.round(r() * 50000) / 100,
        productLine: r() < 0.1 ? null : ["X", "Y", "Z", "W"][Math.floor(r() * 4)]!,
      };
    };
    for (let b = 0; b < 6; b++) await db().customerEvent.createMany({ data: Array.from({ length: 40 }, purchase) });
    for (let i = 0; i < 10; i++) await db().customerEvent.create({ data: purchase() });
    // Non-purchases change nothing.
    await db().customerEvent.createMany({ data: customers.slice(0, 10).map((c, i) => ({ customerId: c, type: "WEB_VISIT" as const, occurredAt: new Date(start + i * 5 * DAY) })) });
  });

  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("follows events, assignments and draws as a rebuild would count them", async () => {
    const r = rng(7);
    expect(await snapshot()).not.toBe("");
    const check = async () => {
      const kept = await snapshot();
      await db().$executeRaw`SELECT nudge_rebuild_holdout_unit_days()`;
      expect(await snapshot()).toBe(kept);
    };
    await check();
    // Purchases removed: one by one, and many in one statement.
    const events = await db().customerEvent.findMany({ where: { type: "PURCHASE" }, select: { id: true }, orderBy: { id: "asc" } });
    await db().customerEvent.deleteMany({ where: { id: events[3]!.id } });
    await db().customerEvent.deleteMany({ where: { id: { in: events.filter(() => r() < 0.2).map((e) => e.id) } } });
    await check();
    // An event changed in time and amount (no writer does this today; the table follows anyway).
    await db().$executeRaw`UPDATE "CustomerEvent" SET "occurredAt" = "occurredAt" + interval '3 days', amount = 12.34 WHERE id = ${events[10]!.id}`;
    await check();
    // Units re-armed, customers reassigned and re-segmented (the assignments follow them, and the days follow the assignments).
    await db().holdoutAssignment.updateMany({ where: { periodId: draws[0]!, customerId: { in: customers.slice(0, 6) } }, data: { heldOut: true } });
    await db().customer.update({ where: { id: customers[7]! }, data: { ownerId: reps[4]! } });
    await db().customer.updateMany({ where: { id: { in: customers.slice(10, 14) } }, data: { segment: "MID", ownerId: reps[0]! } });
    await check();
    // A unit removed, a unit added where the customer already has purchases, units of a new draw.
    await db().holdoutAssignment.delete({ where: { periodId_customerId: { periodId: draws[1]!, customerId: customers[2]! } } });
    const missing = await db().customer.findFirst({ where: { id: { in: customers }, holdoutArms: { none: { periodId: draws[1]! } } }, select: { id: true } });
    if (missing) await db().holdoutAssignment.create({ data: { periodId: draws[1]!, customerId: missing.id, heldOut: false } });
    await db().holdoutAssignment.createMany({ data: customers.map((c, i) => ({ periodId: draws[2]!, customerId: c, heldOut: i % 4 === 0 })) });
    await check();
    // A draw ended early, mid-day.
    await db().holdoutPeriod.update({ where: { id: draws[1]! }, data: { endsAt: at("2026-03-20T09:15:00") } });
    await check();
    // Purchases recorded after all that, into every draw.
    await db().customerEvent.createMany({
      data: customers.slice(0, 12).map((c, i) => ({ customerId: c, type: "PURCHASE" as const, occurredAt: new Date(at("2026-01-05T10:00:00").getTime() + i * 9 * DAY), amount: 10 + i })),
    });
    await check();
    // A customer erased with their events and units.
    await db().customer.delete({ where: { id: customers[29]! } });
    await check();
    const rows = await db().holdoutUnitDay.count();
    expect(rows).toBeGreaterThan(50);
  });

  it("gives the program comparison and adopter tiers of the raw events, wherever the view cuts days", async () => {
    const base: Omit<Scope, "from" | "toExclusive" | "now"> = { teamId: null, actionKey: null, segment: null, grain: "week" };
    const views: Scope[] = [
      // Whole days, now after the range.
      { ...base, from: at("2026-01-15T00:00:00"), toExclusive: at("2026-03-15T00:00:00"), now: at("2026-06-01T00:00:00") },
      // Range not at midnight, back-dated now mid-day inside the range.
      { ...base, from: at("2026-01-03T17:45:00"), toExclusive: at("2026-04-20T08:00:00"), now: at("2026-03-11T13:37:00"), grain: "month" },
      // A window inside one day, and a draw boundary mid-day inside the range.
      { ...base, from: at("2026-02-10T09:00:00"), toExclusive: at("2026-02-10T21:00:00"), now: at("2026-06-01T00:00:00") },
      { ...base, from: at("2026-02-01T12:00:00"), toExclusive: at("2026-05-01T00:00:00"), now: at("2026-04-17T23:59:59"), grain: "quarter" },
    ];
    const scopes: Scope[] = views.flatMap((v) => [v, { ...v, teamId: teams[0]! }, { ...v, segment: "SMB" }]);
    let units = 0;
    for (const s of scopes) {
      for (const kpi of KPIS) {
        const facts = await programKpi(s, kpi);
        const events = await programKpi(s, kpi, { source: "events" });
        expectSame(facts, events, `program ${kpi} ${JSON.stringify(s)}`);
        units += facts.total.treated.n + facts.total.control.n;
        expectSame(await adopterTiers(s, kpi), await adopterTiers(s, kpi, { source: "events" }), `tiers ${kpi} ${JSON.stringify(s)}`);
      }
    }
    expect(units).toBeGreaterThan(0);
  });
});
