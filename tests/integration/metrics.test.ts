import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The dashboards' figures against a small fixed fixture in a private database,
// every expected value worked out by hand (see the comments by each record).
// Period: 2026-03-01 to 2026-03-31, "now" 2026-03-31 12:00 UTC; weeks start Monday
// (2026-03-02 is a Monday). Attribution window 14 days.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_metrics") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { conversionMetrics, modelMetrics, periodStart, resolveDashboardScope } = await import("@/lib/data/metrics");
const { Prisma } = await import("@/lib/generated/prisma/client");
const { rowScope } = await import("@/lib/auth/permissions");
const { adoptionMetrics } = await import("@/lib/data/usage");
type Scope = import("@/lib/data/metrics").MetricsScope;

const NOW = new Date("2026-03-31T12:00:00Z");
const at = (s: string) => new Date(`${s}Z`);
/** Matches a median of times to reaction, which the adoption page estimates within 1 % (relative) of the exact one. */
const within1pct = (exact: number) => ({
  asymmetricMatch: (got: unknown) => typeof got === "number" && Math.abs(got - exact) <= 0.01 * exact + 1e-9,
  toString: () => `within 1 % of ${exact}`,
});
const ids: Record<string, string> = {};
let scopeA: Scope;

async function rec(name: string, o: { action: string; rep: string; customer: string; created: string; status: "PENDING" | "ACCEPTED" | "DONE" | "DISMISSED" | "EXPIRED"; control?: boolean; shown?: string; decided?: string; propensity?: number; version?: string }) {
  const r = await db().recommendation.create({
    data: {
      customerId: ids[o.customer]!,
      actionTypeId: ids[o.action]!,
      repId: ids[o.rep]!,
      actionTypeVersion: 1,
      score: 1,
      propensity: o.propensity ?? 0.5,
      expectedValue: 1,
      message: name,
      reasons: [],
      status: o.status,
      isControl: o.control ?? false,
      modelVersion: o.version ?? "v1",
      createdAt: at(o.created),
      expiresAt: new Date(at(o.created).getTime() + 7 * 86_400_000),
      shownAt: o.shown ? at(o.shown) : null,
      decidedAt: o.decided ? at(o.decided) : null,
    },
  });
  ids[name] = r.id;
}
async function feedback(recName: string, user: string, kind: "ACCEPT" | "DISMISS" | "SNOOZE" | "DONE", when: string, reason?: "BAD_TIMING") {
  await db().feedback.create({ data: { recommendationId: ids[recName]!, userId: ids[user]!, kind, previousStatus: "PENDING", createdAt: at(when), dismissReason: reason ?? null } });
}
async function purchase(customer: string, when: string, amount: number) {
  await db().customerEvent.create({ data: { customerId: ids[customer]!, type: "PURCHASE", occurredAt: at(when), amount } });
}
async function usage(user: string, type: "SIGN_IN" | "QUEUE_VIEW" | "CUSTOMER_VIEW" | "REACTION" | "DASHBOARD_VIEW", when: string) {
  await db().usageEvent.create({ data: { userId: ids[user]!, type, at: at(when) } });
}

describe.skipIf(!reachable)("dashboard metrics on a fixed fixture", () => {
  beforeAll(async () => {
    const teamA = await db().team.create({ data: { name: "A" } });
    const teamB = await db().team.create({ data: { name: "B" } });
    ids.teamA = teamA.id;
    ids.teamB = teamB.id;
    const user = async (key: string, role: "REP" | "MANAGER" | "ADMIN", teamId: string | null) => {
      const u = await db().user.create({ data: { email: `${key}@m.test`, name: key, role, teamId, passwordHash: "x", createdAt: at("2026-01-01T00:00:00") } });
      ids[key] = u.id;
    };
    await user("A1", "REP", teamA.id);
    await user("A2", "REP", teamA.id);
    await user("B1", "REP", teamB.id);
    await user("mgrA", "MANAGER", teamA.id);
    await user("admin", "ADMIN", null);
    for (const [key, name] of [["alpha", "Alpha"], ["beta", "Beta"]] as const) {
      const a = await db().actionType.create({ data: { key, name, category: "RELATIONSHIP", description: "", messageTemplate: "x", rule: {}, businessValue: 100 } });
      ids[key] = a.id;
    }
    for (const [c, owner] of [["cA1", "A1"], ["cA2", "A2"], ["cA3", "A1"], ["cA4", "A2"], ["cB1", "B1"]] as const) {
      const row = await db().customer.create({ data: { externalId: c, name: c, segment: "SMB", ownerId: ids[owner]! } });
      ids[c] = row.id;
    }

    // Team A, in the period.
    // r1: shown 10:00, accepted 10:30 (30 min), done 12:00; cA1 buys 100 on 03-05 -> converted, credited (not r8).
    await rec("r1", { action: "alpha", rep: "A1", customer: "cA1", created: "2026-03-02T09:00:00", shown: "2026-03-02T10:00:00", status: "DONE", decided: "2026-03-02T12:00:00", propensity: 0.2, version: "v1" });
    await feedback("r1", "A1", "ACCEPT", "2026-03-02T10:30:00");
    await feedback("r1", "A1", "DONE", "2026-03-02T12:00:00");
    // r2: no shownAt, dismissed 11:00 (120 min from createdAt), bad timing; cA4 never buys.
    await rec("r2", { action: "alpha", rep: "A2", customer: "cA4", created: "2026-03-02T09:00:00", status: "DISMISSED", decided: "2026-03-02T11:00:00", propensity: 0.4, version: "v1" });
    await feedback("r2", "A2", "DISMISS", "2026-03-02T11:00:00", "BAD_TIMING");
    // r3: shown 09:30, snoozed 09:40 (10 min), then expired; cA3 buys 03-10 -> treated conversion (intention to treat), not accepted.
    await rec("r3", { action: "beta", rep: "A1", customer: "cA3", created: "2026-03-09T09:00:00", shown: "2026-03-09T09:30:00", status: "EXPIRED", decided: "2026-03-09T09:40:00", propensity: 0.6, version: "v2" });
    await feedback("r3", "A1", "SNOOZE", "2026-03-09T09:40:00");
    // r4: no shownAt, accepted 10:00 (60 min); cA2 buys 50 on 03-12 and 30 on 03-20 -> converted, 80 credited.
    await rec("r4", { action: "beta", rep: "A2", customer: "cA2", created: "2026-03-09T09:00:00", status: "ACCEPTED", decided: "2026-03-09T10:00:00", propensity: 0.8, version: "v2" });
    await feedback("r4", "A2", "ACCEPT", "2026-03-09T10:00:00");
    // r5: control; cA3 buys 03-10, within 14 days of 03-02 -> control conversion.
    await rec("r5", { action: "alpha", rep: "A1", customer: "cA3", created: "2026-03-02T09:00:00", status: "EXPIRED", control: true, version: "v1" });
    // r6: control; cA1's purchase (03-05) is before it -> no conversion.
    await rec("r6", { action: "beta", rep: "A1", customer: "cA1", created: "2026-03-09T09:00:00", status: "EXPIRED", control: true, version: "v2" });
    // r7: pending, window still open at NOW.
    await rec("r7", { action: "alpha", rep: "A2", customer: "cA2", created: "2026-03-25T09:00:00", status: "PENDING", propensity: 0.5, version: "v2" });
    // r8: before the period; its window also covers cA1's 03-05 purchase, but r1 is the more recent accepted one.
    await rec("r8", { action: "alpha", rep: "A1", customer: "cA1", created: "2026-02-20T09:00:00", status: "DONE", decided: "2026-02-20T10:00:00", version: "v0" });
    // Team B: must never show up in team A's figures.
    await rec("r9", { action: "alpha", rep: "B1", customer: "cB1", created: "2026-03-03T09:00:00", shown: "2026-03-03T09:05:00", status: "DONE", decided: "2026-03-03T10:00:00", version: "v1" });
    await feedback("r9", "B1", "DONE", "2026-03-03T10:00:00");
    await purchase("cA1", "2026-03-05T12:00:00", 100);
    await purchase("cA3", "2026-03-10T12:00:00", 70);
    await purchase("cA2", "2026-03-12T12:00:00", 50);
    await purchase("cA2", "2026-03-20T12:00:00", 30);
    await purchase("cB1", "2026-03-04T12:00:00", 999);

    // Usage. A1: first sign-in 02-10; active 03-02, 03-03, 03-09, 03-25. A2: only 03-02 (stopped).
    await usage("A1", "SIGN_IN", "2026-02-10T08:00:00");
    await usage("A1", "SIGN_IN", "2026-03-02T08:00:00");
    await usage("A1", "QUEUE_VIEW", "2026-03-02T08:05:00");
    await usage("A1", "QUEUE_VIEW", "2026-03-02T13:00:00");
    await usage("A1", "SIGN_IN", "2026-03-03T08:00:00");
    await usage("A1", "REACTION", "2026-03-09T09:40:00");
    await usage("A1", "CUSTOMER_VIEW", "2026-03-25T10:00:00");
    await usage("A2", "SIGN_IN", "2026-03-02T08:30:00");
    await usage("A2", "QUEUE_VIEW", "2026-03-02T08:35:00");
    await usage("B1", "SIGN_IN", "2026-03-02T08:00:00");
    await usage("mgrA", "DASHBOARD_VIEW", "2026-03-04T08:00:00");

    scopeA = { from: at("2026-03-01T00:00:00"), toExclusive: at("2026-04-01T00:00:00"), teamId: ids.teamA!, actionKey: null, segment: null, grain: "week", now: NOW };
  });

  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("conversion: funnel, conversion, credited revenue and treated vs control counts", async () => {
    const c = await conversionMetrics(scopeA);
    expect(c.total).toEqual({ generated: 7, shown: 5, accepted: 2, done: 1, converted: 2, revenue: 180, treatedN: 4, treatedConverted: 3, controlN: 2, controlConverted: 1 });
    expect(c.byAction).toEqual([
      { actionKey: "alpha", actionName: "Alpha", generated: 4, shown: 3, accepted: 1, done: 1, converted: 1, revenue: 100, treatedN: 2, treatedConverted: 1, controlN: 1, controlConverted: 1 },
      { actionKey: "beta", actionName: "Beta", generated: 3, shown: 2, accepted: 1, done: 0, converted: 1, revenue: 80, treatedN: 2, treatedConverted: 2, controlN: 1, controlConverted: 0 },
    ]);
    expect(c.byRep).toEqual([
      { repId: ids.A1, repName: "A1", generated: 4, shown: 2, accepted: 1, done: 1, converted: 1, revenue: 100, treatedN: 2, treatedConverted: 2, controlN: 2, controlConverted: 1 },
      { repId: ids.A2, repName: "A2", generated: 3, shown: 3, accepted: 1, done: 0, converted: 1, revenue: 80, treatedN: 2, treatedConverted: 1, controlN: 0, controlConverted: 0 },
    ]);
    expect(c.byWeek).toEqual([
      { week: at("2026-03-02T00:00:00"), generated: 3, shown: 2, accepted: 1, done: 1, converted: 1, revenue: 100, treatedN: 2, treatedConverted: 1, controlN: 1, controlConverted: 1 },
      { week: at("2026-03-09T00:00:00"), generated: 3, shown: 2, accepted: 1, done: 0, converted: 1, revenue: 80, treatedN: 2, treatedConverted: 2, controlN: 1, controlConverted: 0 },
      { week: at("2026-03-23T00:00:00"), generated: 1, shown: 1, accepted: 0, done: 0, converted: 0, revenue: 0, treatedN: 0, treatedConverted: 0, controlN: 0, controlConverted: 0 },
    ]);
  });

  it("conversion: the action filter and all teams", async () => {
    const beta = await conversionMetrics({ ...scopeA, actionKey: "beta" });
    expect(beta.total).toMatchObject({ generated: 3, shown: 2, accepted: 1, converted: 1, revenue: 80 });
    const all = await conversionMetrics({ ...scopeA, teamId: null });
    // + r9 (team B): generated 8, shown 6, accepted 3, done 2, converted 3 (cB1 bought 03-04), revenue 180 + 999.
    expect(all.total).toMatchObject({ generated: 8, shown: 6, accepted: 3, done: 2, converted: 3, revenue: 1179 });
  });

  it("model: calibration bands, precision by week and version, acceptance by week and action", async () => {
    const m = await modelMetrics(scopeA);
    // Resolved: r1 (0.2, accepted), r2 (0.4, dismissed), r3 (0.6, expired after being shown), r4 (0.8, accepted); r7 is pending.
    expect(m.calibration).toEqual([
      // 10-point bands: 0.2 -> 20-30% (band 3), 0.4 -> band 5, 0.6 -> band 7, 0.8 -> band 9.
      { band: 3, n: 1, meanPredicted: 0.2, observed: 1 },
      { band: 5, n: 1, meanPredicted: 0.4, observed: 0 },
      { band: 7, n: 1, meanPredicted: 0.6, observed: 0 },
      { band: 9, n: 1, meanPredicted: 0.8, observed: 1 },
    ]);
    expect(m.precisionByWeek).toEqual([
      { week: at("2026-03-02T00:00:00"), accepted: 1, converted: 1 },
      { week: at("2026-03-09T00:00:00"), accepted: 1, converted: 1 },
      { week: at("2026-03-23T00:00:00"), accepted: 0, converted: 0 },
    ]);
    // Out-of-sample quality per version, by hand: v1 made r1 (0.2, accepted) and r2 (0.4, not); v2 r3 (0.6, not) and r4 (0.8, accepted).
    const close = (x: number) => Math.round(x * 1e9);
    expect(m.precisionByVersion.map((v) => ({ ...v, brierSum: close(v.brierSum), logLossSum: close(v.logLossSum), predictedSum: close(v.predictedSum) }))).toEqual([
      { modelVersion: "v1", firstUsed: at("2026-03-02T00:00:00"), accepted: 1, converted: 1, resolved: 2, brierSum: close(0.8 ** 2 + 0.4 ** 2), logLossSum: close(-Math.log(0.2) - Math.log(0.6)), correct: 1, resolvedAccepted: 1, predictedSum: close(0.2 + 0.4) },
      { modelVersion: "v2", firstUsed: at("2026-03-09T00:00:00"), accepted: 1, converted: 1, resolved: 2, brierSum: close(0.6 ** 2 + 0.2 ** 2), logLossSum: close(-Math.log(0.4) - Math.log(0.8)), correct: 1, resolvedAccepted: 1, predictedSum: close(0.6 + 0.8) },
    ]);
    expect(m.acceptanceByWeek).toEqual([
      { week: at("2026-03-02T00:00:00"), actionKey: "alpha", actionName: "Alpha", resolved: 2, accepted: 1 },
      { week: at("2026-03-09T00:00:00"), actionKey: "beta", actionName: "Beta", resolved: 2, accepted: 1 },
      { week: at("2026-03-23T00:00:00"), actionKey: "alpha", actionName: "Alpha", resolved: 0, accepted: 0 },
    ]);
  });

  it("adoption: reactions, outcomes, dismiss reasons", async () => {
    const a = await adoptionMetrics(scopeA);
    // Minutes to first reaction: r1 30, r2 120, r3 10, r4 60 -> median 45 (estimated within 1 %: lib/data/usage.ts latencyCells).
    expect(a.reactions).toEqual({ shown: 5, reacted: 4, accepted: 2, dismissed: 1, snoozed: 1, medianMinutes: within1pct(45) });
    expect(a.byAction).toEqual([
      { actionKey: "alpha", actionName: "Alpha", shown: 3, reacted: 2, accepted: 1, dismissed: 1, snoozed: 0, medianMinutes: within1pct(75) },
      { actionKey: "beta", actionName: "Beta", shown: 2, reacted: 2, accepted: 1, dismissed: 0, snoozed: 1, medianMinutes: within1pct(35) },
    ]);
    expect(a.dismissReasons).toEqual([{ actionKey: "alpha", actionName: "Alpha", reason: "BAD_TIMING", count: 1 }]);
  });

  it("adoption: active reps per day and week, sessions and queue views", async () => {
    const a = await adoptionMetrics(scopeA);
    expect(a.daily).toHaveLength(31);
    const active = Object.fromEntries(a.daily.filter((d) => d.activeReps > 0).map((d) => [d.bucket.toISOString().slice(0, 10), d.activeReps]));
    // Trailing 7 days ending each day: A1 and A2 from 03-02 to 03-08; A1 alone from 03-09 (03-03 and 03-09) to 03-15, and from 03-25 to 03-31.
    const days = (from: number, to: number, n: number) => Object.fromEntries(Array.from({ length: to - from + 1 }, (_, i) => [`2026-03-${String(from + i).padStart(2, "0")}`, n]));
    expect(active).toEqual({ ...days(2, 8, 2), ...days(9, 15, 1), ...days(25, 31, 1) });
    expect(new Set(a.daily.map((d) => d.teamReps))).toEqual(new Set([2]));
    // A range starting at noon: each daily bucket (03-0X 12:00) covers the days from X-5 to X+1, the window of the
    // midnight bucket X+1 above, so its count is that bucket's (30 buckets, to 03-30 12:00).
    const noon = await adoptionMetrics({ ...scopeA, from: new Date(scopeA.from.getTime() + 12 * 3_600_000) });
    expect(noon.daily).toHaveLength(30);
    const activeNoon = Object.fromEntries(noon.daily.filter((d) => d.activeReps > 0).map((d) => [d.bucket.toISOString().slice(0, 10), d.activeReps]));
    expect(activeNoon).toEqual({ ...days(1, 7, 2), ...days(8, 14, 1), ...days(24, 30, 1) });
    expect(a.weekly.map((w) => [w.bucket.toISOString().slice(0, 10), w.activeReps, w.teamReps, w.sessions, w.queueViews])).toEqual([
      ["2026-02-23", 0, 2, 0, 0],
      ["2026-03-02", 2, 2, 3, 3],
      ["2026-03-09", 1, 2, 0, 0],
      ["2026-03-16", 0, 2, 0, 0],
      ["2026-03-23", 1, 2, 0, 0],
      ["2026-03-30", 0, 2, 0, 0],
    ]);
  });

  it("adoption: the curve since first sign-in and the per-rep table", async () => {
    const a = await adoptionMetrics(scopeA);
    // A1 from 02-10: 50 days to 04-01 -> 7 complete weeks; A2 from 03-02: 30 days -> 4.
    expect(a.curve.map((c) => [c.repName, c.week, c.activeDays])).toEqual([
      ["A1", 0, 1],
      ["A1", 1, 0],
      ["A1", 2, 1],
      ["A1", 3, 2],
      ["A1", 4, 0],
      ["A1", 5, 0],
      ["A1", 6, 1],
      ["A2", 0, 1],
      ["A2", 1, 0],
      ["A2", 2, 0],
      ["A2", 3, 0],
    ]);
    expect(a.reps).toEqual([
      { id: ids.A1, name: "A1", accountActive: true, firstSignIn: at("2026-02-10T08:00:00"), lastActive: at("2026-03-25T10:00:00"), activeDays: 4, sessions: 2, queueViews: 2, shown: 2, reacted: 2, accepted: 1, dismissed: 0, snoozed: 1, medianMinutes: within1pct(20) },
      { id: ids.A2, name: "A2", accountActive: true, firstSignIn: at("2026-03-02T08:30:00"), lastActive: at("2026-03-02T08:35:00"), activeDays: 1, sessions: 1, queueViews: 1, shown: 3, reacted: 2, accepted: 1, dismissed: 1, snoozed: 0, medianMinutes: within1pct(90) },
    ]);
  });

  it("grain: month and quarter buckets (February and March; r8 on 02-20 is the only February recommendation)", async () => {
    const febMar = { ...scopeA, from: at("2026-02-01T00:00:00") };
    const month = await conversionMetrics({ ...febMar, grain: "month" });
    // r8: accepted (done), converted by cA1's 03-05 purchase (within 14 days of 02-20), its revenue credited to r1 (the more recent).
    const feb = { generated: 1, shown: 1, accepted: 1, done: 1, converted: 1, revenue: 0, treatedN: 1, treatedConverted: 1, controlN: 0, controlConverted: 0 };
    // March: the whole March total of the first test.
    const mar = { generated: 7, shown: 5, accepted: 2, done: 1, converted: 2, revenue: 180, treatedN: 4, treatedConverted: 3, controlN: 2, controlConverted: 1 };
    expect(month.byWeek).toEqual([
      { week: at("2026-02-01T00:00:00"), ...feb },
      { week: at("2026-03-01T00:00:00"), ...mar },
    ]);
    const quarter = await conversionMetrics({ ...febMar, grain: "quarter" });
    expect(quarter.byWeek).toEqual([{ week: at("2026-01-01T00:00:00"), generated: 8, shown: 6, accepted: 3, done: 2, converted: 3, revenue: 180, treatedN: 5, treatedConverted: 4, controlN: 2, controlConverted: 1 }]);
    expect(quarter.total).toEqual(month.total);

    const m = await modelMetrics({ ...febMar, grain: "month" });
    expect(m.precisionByWeek).toEqual([
      { week: at("2026-02-01T00:00:00"), accepted: 1, converted: 1 },
      { week: at("2026-03-01T00:00:00"), accepted: 2, converted: 2 },
    ]);
    // Resolved: r8 (done) in February; r1, r2 (alpha) and r3, r4 (beta) in March (r7 pending, r5 and r6 control).
    expect(m.acceptanceByWeek).toEqual([
      { week: at("2026-02-01T00:00:00"), actionKey: "alpha", actionName: "Alpha", resolved: 1, accepted: 1 },
      { week: at("2026-03-01T00:00:00"), actionKey: "alpha", actionName: "Alpha", resolved: 2, accepted: 1 },
      { week: at("2026-03-01T00:00:00"), actionKey: "beta", actionName: "Beta", resolved: 2, accepted: 1 },
    ]);

    // Usage: A1 signed in on 02-10 (one session, no queue view); March as in the weekly test, summed.
    const row = (w: { bucket: Date; activeReps: number; teamReps: number; sessions: number; queueViews: number }) => [w.bucket.toISOString().slice(0, 10), w.activeReps, w.teamReps, w.sessions, w.queueViews];
    const am = await adoptionMetrics({ ...febMar, grain: "month" });
    expect(am.daily).toHaveLength(59);
    expect(am.weekly.map(row)).toEqual([
      ["2026-02-01", 1, 2, 1, 0],
      ["2026-03-01", 2, 2, 3, 3],
    ]);
    const aq = await adoptionMetrics({ ...febMar, grain: "quarter" });
    // One quarter (it starts 01-01, before the range; the reps are counted over February and March only).
    expect(aq.weekly.map(row)).toEqual([["2026-01-01", 2, 2, 4, 3]]);
  });

  it("grain: the pages' period labels (lib/metrics/periods.ts) start where the database's buckets start", async () => {
    const { periodStartOf } = await import("@/lib/metrics/periods");
    // 200 timestamps spread over 2024-2028 (leap years, year ends, Sundays and Mondays included).
    const stamps = Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 7.31 * 86_400_000 + (i % 24) * 3_600_000));
    for (const grain of ["week", "month", "quarter"] as const) {
      const rows = await db().$queryRaw<{ t: Date; start: Date }[]>(
        Prisma.sql`SELECT t, ${periodStart(grain, Prisma.sql`t`)} AS start FROM unnest(${stamps}::timestamp[]) AS t ORDER BY t`,
      );
      expect(rows.map((r) => r.start.toISOString())).toEqual(stamps.map((t) => periodStartOf(grain, t).toISOString()));
    }
  });

  it("grain: a value outside the three is refused, never written into SQL", () => {
    expect(() => periodStart("day'; DROP TABLE x; --" as "week", Prisma.sql`"createdAt"`)).toThrow(/Unknown grain/);
    expect(periodStart("quarter", Prisma.sql`"createdAt"`).sql).toBe(`date_trunc('quarter', "createdAt")`);
  });

  it("scopes: a manager is held to their team and refused another; an admin may pick any team", async () => {
    const manager = { id: ids.mgrA!, email: "mgrA@m.test", name: "mgrA", role: "MANAGER" as const, teamId: ids.teamA! };
    const admin = { id: ids.admin!, email: "admin@m.test", name: "admin", role: "ADMIN" as const, teamId: null };
    const base = { from: "2026-03-01", to: "2026-03-31", team: null, action: null, segment: null, grain: "week" as const };
    const own = await resolveDashboardScope(rowScope(manager), base, NOW);
    expect(own.kind === "ok" && own.scope.teamId).toBe(ids.teamA);
    expect(own.kind === "ok" && own.teams.map((t) => t.name)).toEqual(["A"]);
    expect((await resolveDashboardScope(rowScope(manager), { ...base, team: ids.teamB! }, NOW)).kind).toBe("forbidden");
    const adminB = await resolveDashboardScope(rowScope(admin), { ...base, team: ids.teamB! }, NOW);
    expect(adminB.kind === "ok" && adminB.scope.teamId).toBe(ids.teamB);
    const adminAll = await resolveDashboardScope(rowScope(admin), { ...base, team: "00000000-0000-4000-8000-000000000000", action: "nope" }, NOW);
    expect(adminAll.kind === "ok" && [adminAll.scope.teamId, adminAll.scope.actionKey, adminAll.notes.length]).toEqual([null, null, 2]);
    // Segments: the fixture's customers are all SMB; an unknown one falls back to every segment with a note.
    const smb = await resolveDashboardScope(rowScope(admin), { ...base, segment: "SMB" }, NOW);
    expect(smb.kind === "ok" && [smb.scope.segment, smb.segments, smb.notes]).toEqual(["SMB", ["SMB"], []]);
    const unknown = await resolveDashboardScope(rowScope(admin), { ...base, segment: "Enterprise" }, NOW);
    expect(unknown.kind === "ok" && [unknown.scope.segment, unknown.notes]).toEqual([null, ['Unknown segment "Enterprise"; showing every segment.']]);
  });
});
