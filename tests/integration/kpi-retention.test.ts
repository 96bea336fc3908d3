import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSame } from "../support/expect-same";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// Retention and churn by bucket (lib/data/kpis.ts, retentionBuckets: islands of
// purchases and a running sum over the buckets) against the reference path
// (source "events": every purchase joined to every bucket whose lookback or
// window holds it), on random purchase histories sparse enough that a customer's
// purchases are often more than the 180-day lookback apart, on a whole-day grid
// so that purchases fall exactly on bucket starts, on draw edges and exactly 180
// days before a bucket starts. Weekly, monthly and quarterly buckets; all teams,
// one team, one segment; draws and ranges cut mid-day; a back-dated `now`.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_kpi_retention") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { programKpi } = await import("@/lib/data/kpis");
// Deterministic (mulberry32), so a failure reproduces.
const { seededRng: rng } = await import("@/lib/engine/learning");
type Scope = import("@/lib/data/metrics").MetricsScope;

const DAY = 86_400_000;
const at = (s: string) => new Date(`${s}Z`);

describe.skipIf(!reachable)("retention and churn by bucket", () => {
  const teams: string[] = [];

  beforeAll(async () => {
    const r = rng(20261204);
    for (const t of ["North", "South"]) teams.push((await db().team.create({ data: { name: t } })).id);
    const reps: string[] = [];
    for (let i = 0; i < 4; i++) {
      reps.push((await db().user.create({ data: { email: `r${i}@ret.test`, name: `r${i}`, role: "REP", teamId: teams[i % 2]!, passwordHash: "x", createdAt: at("2024-01-01T00:00:00") } })).id);
    }
    const customers: string[] = [];
    for (let i = 0; i < 60; i++) {
      customers.push((await db().customer.create({ data: { externalId: `c${i}`, name: `c${i}`, segment: i % 3 ? "SMB" : "ENT", ownerId: reps[i % 4]!, createdAt: at("2024-01-01T00:00:00") } })).id);
    }
    const periods = [
      ["D1", "2025-10-01T00:00:00", "2026-01-14T12:00:00", 30],
      ["D2", "2026-01-14T12:00:00", "2026-04-01T00:00:00", 20],
      ["D3", "2026-04-01T00:00:00", "2026-07-01T00:00:00", 10],
    ] as const;
    // Edge customers, in every draw: a purchase at a bucket's start (a Monday, a month's first day, a quarter's and
    // draw's start, a draw's mid-day start) and the one before it exactly 180 days earlier, the lookback's first instant.
    const edges = ["2026-02-02T00:00:00", "2026-03-01T00:00:00", "2026-04-01T00:00:00", "2026-01-14T12:00:00"];
    const edgeCustomers: string[] = [];
    for (const [i, e] of edges.entries()) {
      const c = (await db().customer.create({ data: { externalId: `e${i}`, name: `e${i}`, segment: "ENT", ownerId: reps[0]!, createdAt: at("2024-01-01T00:00:00") } })).id;
      edgeCustomers.push(c);
      await db().customerEvent.createMany({
        data: [new Date(at(e).getTime() - 180 * DAY), at(e)].map((t) => ({ customerId: c, type: "PURCHASE" as const, occurredAt: t, amount: 10 })),
      });
    }
    for (const [key, s, e, pct] of periods) {
      const d = await db().holdoutPeriod.create({ data: { key, startsAt: at(s), endsAt: at(e), pct, salt: key } });
      await db().holdoutAssignment.createMany({ data: customers.filter(() => r() < 0.9).map((c) => ({ periodId: d.id, customerId: c, heldOut: r() < 0.35 })) });
      await db().holdoutAssignment.createMany({ data: edgeCustomers.map((c, i) => ({ periodId: d.id, customerId: c, heldOut: i % 2 === 1 })) });
    }
    // Per customer: purchases from 2025-01 to 2026-06, a few to a dozen, with gaps often longer than 180 days;
    // most at midnight (on the day grid the buckets and lookbacks start on), some exactly 180 days apart.
    const start = at("2025-01-01T00:00:00").getTime();
    const data = customers.flatMap((c) => {
      const n = Math.floor(r() * 12);
      const times: number[] = [];
      for (let k = 0; k < n; k++) {
        const prev = times[times.length - 1];
        const t = prev !== undefined && r() < 0.2 ? prev + 180 * DAY : start + Math.floor(r() * 545) * DAY + (r() < 0.7 ? 0 : Math.floor(r() * DAY));
        times.push(t);
      }
      return times.map((t) => ({ customerId: c, type: "PURCHASE" as const, occurredAt: new Date(t), amount: 10 }));
    });
    await db().customerEvent.createMany({ data });
    expect(data.length).toBeGreaterThan(200);
  });

  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("equals the reference path for every view", async () => {
    const base: Omit<Scope, "from" | "toExclusive" | "now" | "grain"> = { teamId: null, actionKey: null, segment: null };
    const views: Scope[] = [
      { ...base, grain: "week", from: at("2025-10-01T00:00:00"), toExclusive: at("2026-07-01T00:00:00"), now: at("2026-08-01T00:00:00") },
      { ...base, grain: "week", from: at("2026-01-03T17:45:00"), toExclusive: at("2026-04-20T08:00:00"), now: at("2026-03-11T13:37:00") },
      { ...base, grain: "month", from: at("2025-11-15T00:00:00"), toExclusive: at("2026-06-15T00:00:00"), now: at("2026-08-01T00:00:00") },
      { ...base, grain: "quarter", from: at("2025-10-01T00:00:00"), toExclusive: at("2026-07-01T00:00:00"), now: at("2026-05-17T06:00:00") },
    ];
    const scopes = views.flatMap((v) => [v, { ...v, teamId: teams[0]! }, { ...v, segment: "ENT" }]);
    let counted = 0;
    let buckets = 0;
    for (const s of scopes) {
      for (const kpi of ["retention", "churn"] as const) {
        const fast = await programKpi(s, kpi);
        const reference = await programKpi(s, kpi, { source: "events" });
        expectSame(fast, reference, `${kpi} ${JSON.stringify(s)}`);
        counted += fast.byPeriod.reduce((a, b) => a + b.treated.n + b.control.n, 0);
        buckets += fast.byPeriod.length;
      }
    }
    // The views count units in many buckets, and some units are not counted in every bucket (islands end).
    expect(counted).toBeGreaterThan(500);
    expect(buckets).toBeGreaterThan(50);
  });
});
