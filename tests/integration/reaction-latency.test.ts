import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The adoption page's medians of time to first reaction are read from
// histograms with buckets of bounded relative width (ReactionLatency, kept by
// triggers; migration 20261208100000_reaction_latency) and promise to be within
// 1 % (relative) of the exact median (percentile_cont(0.5) over every reacted
// recommendation). Here, on generated data with times spread from 0 to ten days
// (continuous, exact zeros, negative gaps clamped to 0), the estimate is held to
// that bound against the exact median computed one recommendation at a time, for
// views reading whole months, whole days and cut days, one team, one action
// type and a back-dated "now"; and the histograms kept by the triggers through
// inserts, reactions, edits and deletions equal a recount.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_latency") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { adoptionMetrics } = await import("@/lib/data/usage");
const { makeActionType, makeCustomer, makeTeam, makeUser } = await import("../support/fixtures");
type Scope = import("@/lib/data/metrics").MetricsScope;

const DAY = 86_400_000;
const ALPHA = 0.01;
const NOW = new Date("2031-06-10T15:30:00Z");

function rng(seed: number) {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** percentile_cont(0.5). */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const lo = Math.floor((v.length - 1) / 2);
  const hi = Math.ceil((v.length - 1) / 2);
  return (v[lo]! + v[hi]!) / 2;
}

interface Stored {
  repId: string;
  actionTypeId: string;
  isControl: boolean;
  createdAt: Date;
  shownAt: Date | null;
  firstReactionAt: Date | null;
}

describe.skipIf(!reachable)("medians of time to reaction from the latency histograms", () => {
  const teams: string[] = [];
  const reps: string[][] = [];
  const actions = new Map<string, string>();
  let actionKey = "";

  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  beforeAll(async () => {
    for (let t = 0; t < 2; t++) {
      const team = await makeTeam();
      teams.push(team.id);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await makeUser({ teamId: team.id })).id);
      reps.push(ids);
    }
    for (let i = 0; i < 3; i++) {
      const a = await makeActionType();
      actions.set(a.id, a.key);
      if (i === 1) actionKey = a.key;
    }
    const allReps = reps.flat();
    const customers = [];
    for (let i = 0; i < 30; i++) customers.push({ id: (await makeCustomer(allReps[i % allReps.length]!)).id, ownerId: allReps[i % allReps.length]! });
    const rand = rng(11);
    const actionIds = [...actions.keys()];
    const recs = [];
    // From 2031-01-05 to a day after now: five whole months and cut days at both ends.
    const start = new Date("2031-01-05T00:00:00Z").getTime();
    for (let i = 0; i < 1500; i++) {
      const c = customers[Math.floor(rand() * customers.length)]!;
      const createdAt = new Date(start + Math.floor(rand() * (NOW.getTime() + DAY - start)));
      const shownAt = rand() < 0.6 ? new Date(createdAt.getTime() + Math.floor(rand() * 3_600_000)) : null;
      const from = shownAt ?? createdAt;
      const u = rand();
      // Minutes spread log-uniformly from a second to ten days; some exact zeros and some reactions before "shown" (0).
      const gap = u < 0.05 ? 0 : u < 0.08 ? -60_000 : Math.round(1000 * Math.exp(Math.log(1) + rand() * Math.log(864_000)));
      const reacted = rand() < 0.8;
      recs.push({
        customerId: c.id, actionTypeId: actionIds[Math.floor(rand() * actionIds.length)]!, repId: c.ownerId, actionTypeVersion: 1, score: 1, propensity: 0.5, expectedValue: 1,
        message: "m", reasons: [], status: "EXPIRED" as const, isControl: rand() < 0.15, modelVersion: "m1", createdAt, expiresAt: new Date(createdAt.getTime() + 14 * DAY),
        shownAt, firstReactionAt: reacted ? new Date(from.getTime() + gap) : null,
      });
    }
    // One statement (as a batch writes), then one at a time.
    await db().recommendation.createMany({ data: recs.slice(0, 1200) });
    for (const r of recs.slice(1200)) await db().recommendation.create({ data: r });
    // Reactions arriving later, edits that move a time to another bucket or day, and deletions.
    const stored = await db().recommendation.findMany({ select: { id: true, firstReactionAt: true, createdAt: true }, orderBy: { id: "asc" } });
    const unreacted = stored.filter((r) => r.firstReactionAt === null).slice(0, 40);
    for (const r of unreacted.slice(0, 20)) await db().recommendation.update({ where: { id: r.id }, data: { firstReactionAt: new Date(r.createdAt.getTime() + 5 * 60_000) } });
    await db().recommendation.updateMany({ where: { id: { in: unreacted.slice(20).map((r) => r.id) } }, data: { firstReactionAt: new Date("2031-06-10T18:00:00Z") } });
    const reacted = stored.filter((r) => r.firstReactionAt !== null);
    for (const r of reacted.slice(0, 15)) await db().recommendation.update({ where: { id: r.id }, data: { shownAt: null, firstReactionAt: new Date(r.createdAt.getTime() + 2 * DAY) } });
    await db().recommendation.updateMany({ where: { id: { in: reacted.slice(15, 40).map((r) => r.id) } }, data: { firstReactionAt: null } });
    await db().recommendation.deleteMany({ where: { id: { in: reacted.slice(40, 70).map((r) => r.id) } } });
  });

  /** Every median of the page against the exact one, within ALPHA; returns the number compared. */
  async function check(s: Scope): Promise<number> {
    const [got, rows] = await Promise.all([
      adoptionMetrics(s),
      db().recommendation.findMany({ select: { repId: true, actionTypeId: true, isControl: true, createdAt: true, shownAt: true, firstReactionAt: true } }),
    ]);
    const teamReps = s.teamId === null ? null : new Set(reps[teams.indexOf(s.teamId)]);
    const inView = (rows as Stored[]).filter((r) => {
      const t = r.createdAt.getTime();
      return (
        !r.isControl && r.firstReactionAt !== null && r.firstReactionAt.getTime() <= s.now.getTime() && t >= s.from.getTime() && t < s.toExclusive.getTime() && t <= s.now.getTime() &&
        (teamReps === null || teamReps.has(r.repId)) && (s.actionKey === null || actions.get(r.actionTypeId) === s.actionKey)
      );
    });
    const minutes = (r: Stored) => Math.max(0, (r.firstReactionAt!.getTime() - (r.shownAt ?? r.createdAt).getTime()) / 60_000);
    let compared = 0;
    const near = (estimate: number | null, exact: number | null, what: string) => {
      if (exact === null) return expect(estimate, what).toBeNull();
      expect(estimate, what).not.toBeNull();
      expect(Math.abs(estimate! - exact), `${what}: ${estimate} against exact ${exact}`).toBeLessThanOrEqual(ALPHA * exact + 1e-9);
      compared++;
    };
    near(got.reactions.medianMinutes, median(inView.map(minutes)), "in all");
    for (const a of got.byAction) near(a.medianMinutes, median(inView.filter((r) => actions.get(r.actionTypeId) === a.actionKey).map(minutes)), `action ${a.actionKey}`);
    for (const r of got.reps) near(r.medianMinutes, median(inView.filter((x) => x.repId === r.id).map(minutes)), `rep ${r.name}`);
    // Every action type with a reaction in view has its row.
    expect(new Set(got.byAction.filter((a) => a.medianMinutes !== null).map((a) => a.actionKey))).toEqual(new Set(inView.map((r) => actions.get(r.actionTypeId))));
    return compared;
  }

  const scope = (over: Partial<Scope> = {}): Scope => ({
    from: new Date("2031-01-01T00:00:00Z"), toExclusive: new Date("2031-06-11T00:00:00Z"), teamId: null, actionKey: null, segment: null, grain: "week", now: NOW, ...over,
  });

  it("the histograms kept by the triggers equal a recount", async () => {
    const kept = await db().$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', kind, level, start, "repId", "actionTypeId", bucket, n) AS k FROM "ReactionLatency" WHERE n <> 0 ORDER BY 1`;
    await db().$executeRaw`SELECT nudge_rebuild_reaction_latency_days()`;
    const recount = await db().$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', kind, level, start, "repId", "actionTypeId", bucket, n) AS k FROM "ReactionLatency" WHERE n <> 0 ORDER BY 1`;
    expect(kept.map((r) => r.k)).toEqual(recount.map((r) => r.k));
    expect(kept.length).toBeGreaterThan(100);
    // The recount from the definition, not the triggers' helper functions: a per-rep day histogram's total is its reactions.
    const [day] = await db().$queryRaw<{ hist: number; recs: number }[]>`
      SELECT (SELECT SUM(n) FROM "ReactionLatency" WHERE kind = 1 AND level = 0)::int AS hist,
             (SELECT COUNT(*) FROM "Recommendation" WHERE NOT "isControl" AND "firstReactionAt" IS NOT NULL)::int AS recs`;
    expect(day!.hist).toBe(day!.recs);
  });

  it("every median is within 1 % of the exact one, for views reading months, days and cut days", async () => {
    // Every team, every action: whole months (February to May) and whole days from the rollup, today row by row.
    expect(await check(scope())).toBeGreaterThan(9);
    // A noon start and a mid-day end: cut days at both ends, months in between.
    expect(await check(scope({ from: new Date("2031-01-17T12:00:00Z"), toExclusive: new Date("2031-05-03T08:00:00Z") }))).toBeGreaterThan(9);
    // One team (per action from the team's per-day histograms), one action type.
    expect(await check(scope({ teamId: teams[0]! }))).toBeGreaterThan(4);
    expect(await check(scope({ actionKey }))).toBeGreaterThan(6);
    expect(await check(scope({ teamId: teams[1]!, actionKey, from: new Date("2031-02-10T06:00:00Z") }))).toBeGreaterThan(3);
    // A back-dated now: reactions after it inside whole days and months are subtracted.
    expect(await check(scope({ now: new Date("2031-04-30T09:15:00Z") }))).toBeGreaterThan(9);
    expect(await check(scope({ now: new Date("2031-06-10T17:00:00Z") }))).toBeGreaterThan(9);
    // Inside one month (whole days only), and within one day (row by row only).
    expect(await check(scope({ from: new Date("2031-03-03T00:00:00Z"), toExclusive: new Date("2031-03-29T00:00:00Z") }))).toBeGreaterThan(9);
    expect(await check(scope({ from: new Date("2031-03-03T05:00:00Z"), toExclusive: new Date("2031-03-03T23:00:00Z") }))).toBeGreaterThan(0);
    // A view without reactions: no medians.
    const empty = await adoptionMetrics(scope({ from: new Date("2030-01-01T00:00:00Z"), toExclusive: new Date("2030-02-01T00:00:00Z") }));
    expect(empty.reactions.medianMinutes).toBeNull();
  });

  it("the estimate is not the exact median: the bound is what is promised", async () => {
    // Guards the test above against data that would make any estimate exact (e.g. all times equal).
    const got = await adoptionMetrics(scope());
    const rows = (await db().recommendation.findMany({ select: { repId: true, actionTypeId: true, isControl: true, createdAt: true, shownAt: true, firstReactionAt: true } })) as Stored[];
    const exact = median(
      rows
        .filter((r) => !r.isControl && r.firstReactionAt !== null && r.firstReactionAt <= NOW && r.createdAt < NOW)
        .map((r) => Math.max(0, (r.firstReactionAt!.getTime() - (r.shownAt ?? r.createdAt).getTime()) / 60_000)),
    );
    expect(exact).not.toBeNull();
    expect(got.reactions.medianMinutes).not.toBe(exact);
  });
});
