import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/data/users";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The adoption page's engagement figures against a small fixed fixture in a
// private database, every expected value worked out by hand (comments by each
// record); then the writes behind them: targets (who may set what) and the
// pulse (when it may be answered), through the server actions.
// Period 2026-03-01 to 2026-03-31, "now" 2026-03-31 12:00 UTC; weeks start Monday.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_engagement") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { engagementMetrics, lastDayOf } = await import("@/lib/data/engagement");
const { listTargets } = await import("@/lib/data/engagement-inputs");
const { adoptionSpeed, npsInterval, retentionCohorts } = await import("@/lib/metrics/engagement");
const { figures } = await import("@/lib/metrics/targets");
const { setTargetAction, answerPulseAction, recordTourAction, updatePulseSettingsAction } = await import("@/lib/actions/engagement");
type Scope = import("@/lib/data/metrics").MetricsScope;

const NOW = new Date("2026-03-31T12:00:00Z");
const at = (s: string) => new Date(`${s}Z`);
const ids: Record<string, string> = {};
const users: Record<string, SessionUser> = {};
const scope = (teamId: string | null): Scope => ({ from: at("2026-03-01T00:00:00"), toExclusive: at("2026-04-01T00:00:00"), teamId, actionKey: null, segment: null, grain: "week", now: NOW });

async function ev(user: string, type: "SIGN_IN" | "QUEUE_VIEW" | "CUSTOMER_VIEW" | "REACTION" | "DASHBOARD_VIEW" | "TOUR" | "FEATURE", when: string, meta?: Record<string, string | number>) {
  await db().usageEvent.create({ data: { userId: ids[user]!, type, at: at(when), meta } });
}
async function pulse(user: string, kind: "NPS" | "CSAT", score: number | null, when: string, comment?: string) {
  await db().pulseResponse.create({ data: { userId: ids[user]!, teamId: users[user]!.teamId, kind, score, comment: comment ?? null, at: at(when) } });
}

describe.skipIf(!reachable)("engagement figures on a fixed fixture", () => {
  beforeAll(async () => {
    const teamA = await db().team.create({ data: { name: "A" } });
    const teamB = await db().team.create({ data: { name: "B" } });
    ids.teamA = teamA.id;
    ids.teamB = teamB.id;
    for (const [key, role, teamId] of [
      ["A1", "REP", teamA.id],
      ["A2", "REP", teamA.id],
      ["B1", "REP", teamB.id],
      ["mgrA", "MANAGER", teamA.id],
      ["admin", "ADMIN", null],
    ] as const) {
      const u = await db().user.create({ data: { email: `${key}@e.test`, name: key, role, teamId, passwordHash: "x", createdAt: at("2026-01-01T00:00:00") } });
      ids[key] = u.id;
      users[key] = { id: u.id, email: u.email, name: key, role, teamId };
    }
    // A1. Sessions (idle 30 min, a sign-in starts one): 03-02 09:00-09:20 (20 min; the tour inside it), 10:00-10:05 (5; 40 min gap);
    // 03-03 09:00-09:30 (30: a 30-minute gap is not over the limit), 09:45 alone (0: a sign-in); 03-04, 03-09, 03-10, 03-11, 03-23 alone (0 each).
    await ev("A1", "SIGN_IN", "2026-03-02T09:00:00");
    await ev("A1", "TOUR", "2026-03-02T09:01:00", { event: "started", step: 1, tour: "rep" });
    await ev("A1", "TOUR", "2026-03-02T09:03:00", { event: "finished", step: 5, tour: "rep" });
    await ev("A1", "QUEUE_VIEW", "2026-03-02T09:10:00");
    await ev("A1", "REACTION", "2026-03-02T09:20:00", { kind: "ACCEPT", recommendationId: "x" });
    await ev("A1", "CUSTOMER_VIEW", "2026-03-02T10:00:00");
    await ev("A1", "FEATURE", "2026-03-02T10:05:00", { feature: "search" });
    await ev("A1", "SIGN_IN", "2026-03-03T09:00:00");
    await ev("A1", "QUEUE_VIEW", "2026-03-03T09:30:00");
    await ev("A1", "SIGN_IN", "2026-03-03T09:45:00");
    for (const d of ["04", "09", "10", "11", "23"]) await ev("A1", "QUEUE_VIEW", `2026-03-${d}T12:00:00`);
    // A2. 03-04 14:00-14:03 (3 min; the dashboard view does not count), 03-16 and 03-30 alone (0 each).
    await ev("A2", "SIGN_IN", "2026-03-04T14:00:00");
    await ev("A2", "TOUR", "2026-03-04T14:01:00", { event: "started", step: 1, tour: "rep" });
    await ev("A2", "TOUR", "2026-03-04T14:01:30", { event: "skipped", step: 2, tour: "rep" });
    await ev("A2", "REACTION", "2026-03-04T14:02:00", { kind: "SNOOZE", recommendationId: "y" });
    await ev("A2", "FEATURE", "2026-03-04T14:03:00", { feature: "keyboard" });
    await ev("A2", "DASHBOARD_VIEW", "2026-03-04T15:30:00");
    await ev("A2", "QUEUE_VIEW", "2026-03-16T12:00:00");
    await ev("A2", "QUEUE_VIEW", "2026-03-30T12:00:00");
    // B1 (team B): out of team A's figures.
    await ev("B1", "SIGN_IN", "2026-03-02T09:00:00");
    await ev("B1", "TOUR", "2026-03-02T09:01:00", { event: "started", step: 1, tour: "rep" });
    // Pulse. Team A: NPS 10 (promoter, comment), 6 (detractor), 8 (passive), one dismissal; CSAT 5 and 2. Team B: NPS 0.
    await pulse("A1", "NPS", 10, "2026-03-05T10:00:00", "Saves me time");
    await pulse("A1", "CSAT", 5, "2026-03-06T10:00:00");
    await pulse("A2", "NPS", 6, "2026-03-10T10:00:00");
    await pulse("A2", "CSAT", 2, "2026-03-12T10:00:00");
    await pulse("A2", "NPS", 8, "2026-03-20T10:00:00");
    await pulse("A1", "NPS", null, "2026-03-25T10:00:00");
    await pulse("B1", "NPS", 0, "2026-03-05T10:00:00", "Not for me");
  });

  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("sessions: count, median, length buckets and per rep", async () => {
    const e = await engagementMetrics(scope(ids.teamA!));
    // Team A: 20, 5, 30, 0 x6 (A1) and 3, 0, 0 (A2): 12 sessions, 8 of them 0 min, so the median is 0.
    expect(e.sessions.total).toEqual({ sessions: 12, medianMinutes: 0, buckets: [8, 1, 1, 1, 1, 0] });
    const byRep = Object.fromEntries(e.sessions.byRep.map((r) => [r.repId, r]));
    expect(byRep[ids.A1!]).toEqual({ repId: ids.A1, sessions: 9, medianMinutes: 0, totalMinutes: 55 });
    expect(byRep[ids.A2!]).toEqual({ repId: ids.A2, sessions: 3, medianMinutes: 0, totalMinutes: 3 });
  });

  it("key feature use per rep", async () => {
    const e = await engagementMetrics(scope(ids.teamA!));
    const byRep = Object.fromEntries(e.features.map(({ repId, ...f }) => [repId, f]));
    expect(byRep[ids.A1!]).toEqual({ signIns: 3, accepts: 1, dones: 0, dismisses: 0, snoozes: 0, customerViews: 1, searches: 1, keyboard: 0 });
    expect(byRep[ids.A2!]).toEqual({ signIns: 1, accepts: 0, dones: 0, dismisses: 0, snoozes: 1, customerViews: 0, searches: 0, keyboard: 1 });
    expect(byRep[ids.B1!]).toBeUndefined();
  });

  it("weeks of use per rep, retention by cohort and adoption speed", async () => {
    const s = scope(ids.teamA!);
    const e = await engagementMetrics(s);
    const a1 = e.reps.find((r) => r.repId === ids.A1)!;
    const a2 = e.reps.find((r) => r.repId === ids.A2)!;
    expect(a1).toMatchObject({ firstActive: "2026-03-02", firstSignIn: "2026-03-02", firstReaction: "2026-03-02", lastActive: "2026-03-23", activeLast7: false });
    expect(a1.weeks).toEqual([
      { week: "2026-03-02", activeDays: 3, habitDay: "2026-03-04" },
      { week: "2026-03-09", activeDays: 3, habitDay: "2026-03-11" },
      { week: "2026-03-23", activeDays: 1, habitDay: null },
    ]);
    expect(a2).toMatchObject({ firstActive: "2026-03-04", firstReaction: "2026-03-04", lastActive: "2026-03-30", activeLast7: true });
    // Cohort 03-02 (A1, A2). +1 (03-09): A1; +2 (03-16): A2; +4 (03-30) ends 04-06, after now.
    expect(retentionCohorts(e.reps, NOW)).toEqual([{ cohort: "2026-03-02", reps: 2, retained: [1, 1, null, null, null] }]);
    // Both reacted on their first day (0 days); A1 habitual on 03-11 (9 days after 03-02), A2 never.
    expect(adoptionSpeed(e.reps)).toMatchObject({ signedIn: 2, reacted: 2, medianDaysToReaction: 0, habitual: 1, medianDaysToHabit: 9 });
    // Weekly active share on 03-25..03-31: A2 of A1 and A2.
    const f = figures(
      e.reps.map((r) => ({ id: r.repId, teamId: r.teamId, accountActive: r.accountActive, lastActive: r.lastActive, activeLast7: r.activeLast7, shown: 0, reacted: 0, accepted: 0, tourFinished: e.tour.byRep.get(r.repId) === "finished" })),
      null,
      lastDayOf(s),
    );
    expect(lastDayOf(s)).toBe("2026-03-31");
    expect(f.weeklyActive).toEqual({ active: 1, of: 2 });
    expect(f.tour).toEqual({ finished: 1, of: 2 });
    expect(f.values.weeklyActiveShare).toBe(0.5);
  });

  it("the tour: starts, finishes and skips by step", async () => {
    const e = await engagementMetrics(scope(ids.teamA!));
    expect({ started: e.tour.started, finished: e.tour.finished, skippedAtStep: e.tour.skippedAtStep }).toEqual({ started: 2, finished: 1, skippedAtStep: [{ step: 2, count: 1 }] });
    expect(Object.fromEntries(e.tour.byRep)).toEqual({ [ids.A1!]: "finished", [ids.A2!]: "skipped" });
    const all = await engagementMetrics(scope(null));
    expect(all.tour.started).toBe(3);
    expect(all.tour.finished).toBeLessThanOrEqual(all.tour.started);
  });

  it("the pulse: NPS and CSAT counts, by team and week, comments", async () => {
    const e = await engagementMetrics(scope(ids.teamA!));
    expect(e.pulse.total).toEqual({ promoters: 1, passives: 1, detractors: 1, csatN: 2, csatSatisfied: 1 });
    expect(e.pulse.dismissed).toBe(1);
    expect(npsInterval(e.pulse.total).nps).toBe(0);
    expect(e.pulse.byPeriod.map((p) => [p.bucket.toISOString().slice(0, 10), p.promoters, p.passives, p.detractors, p.csatN])).toEqual([
      ["2026-03-02", 1, 0, 0, 1],
      ["2026-03-09", 0, 0, 1, 1],
      ["2026-03-16", 0, 1, 0, 0],
      ["2026-03-23", 0, 0, 0, 0],
    ]);
    expect(e.pulse.comments.map((c) => [c.score, c.comment, c.teamName])).toEqual([[10, "Saves me time", "A"]]);
    const all = await engagementMetrics(scope(null));
    expect(all.pulse.byTeam.map((t) => [t.teamName, t.promoters, t.passives, t.detractors])).toEqual([
      ["A", 1, 1, 1],
      ["B", 0, 0, 1],
    ]);
    expect(all.pulse.comments).toHaveLength(2);
  });

  it("targets: admins set any team's or program-wide, managers only their own team's; reps none", async () => {
    session.user = users.A1!;
    expect(await setTargetAction({ teamId: ids.teamA!, metric: "nps", threshold: 10 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    session.user = users.mgrA!;
    expect(await setTargetAction({ teamId: ids.teamB!, metric: "nps", threshold: 10 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await setTargetAction({ teamId: null, metric: "nps", threshold: 10 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await setTargetAction({ teamId: ids.teamA!, metric: "weeklyActiveShare", threshold: 180 })).toMatchObject({ ok: false, error: { code: "INVALID" } });
    expect(await setTargetAction({ teamId: ids.teamA!, metric: "weeklyActiveShare", threshold: 80 })).toMatchObject({ ok: true });
    session.user = users.admin!;
    expect(await setTargetAction({ teamId: "00000000-0000-4000-8000-000000000000", metric: "nps", threshold: 10 })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await setTargetAction({ teamId: null, metric: "weeklyActiveShare", threshold: 60 })).toMatchObject({ ok: true });
    expect(await setTargetAction({ teamId: null, metric: "weeklyActiveShare", threshold: 70 })).toMatchObject({ ok: true });
    expect(await setTargetAction({ teamId: ids.teamB!, metric: "nps", threshold: -5 })).toMatchObject({ ok: true });
    const sorted = (rows: { teamId: string | null; metric: string; threshold: number }[]) => [...rows].sort((a, b) => `${a.teamId}${a.metric}`.localeCompare(`${b.teamId}${b.metric}`));
    // Team A sees its own and the program-wide one (updated in place, not duplicated); never team B's.
    expect(sorted(await listTargets(ids.teamA!))).toEqual(sorted([
      { teamId: ids.teamA!, metric: "weeklyActiveShare", threshold: 0.8 },
      { teamId: null, metric: "weeklyActiveShare", threshold: 0.7 },
    ]));
    expect(await listTargets(null)).toHaveLength(3);
    expect(await setTargetAction({ teamId: ids.teamB!, metric: "nps", threshold: null })).toMatchObject({ ok: true });
    expect(await listTargets(null)).toHaveLength(2);
    expect(await db().auditLog.count({ where: { entity: "AdoptionTarget" } })).toBe(5);
  });

  it("the pulse can be answered only when due; the cadence is admin-set", async () => {
    // A brand-new rep (first use today) is in their first week.
    const fresh = await db().user.create({ data: { email: "fresh@e.test", name: "fresh", role: "REP", teamId: ids.teamA!, passwordHash: "x" } });
    await db().usageEvent.create({ data: { userId: fresh.id, type: "SIGN_IN" } });
    session.user = { id: fresh.id, email: fresh.email, name: "fresh", role: "REP", teamId: ids.teamA! };
    expect(await answerPulseAction({ kind: "NPS", score: 9 })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    // A rep who started 30 days ago and answered 10 days ago is not due (every 6 weeks by default).
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const recent = await db().user.create({ data: { email: "recent@e.test", name: "recent", role: "REP", teamId: ids.teamA!, passwordHash: "x" } });
    await db().usageEvent.create({ data: { userId: recent.id, type: "SIGN_IN", at: daysAgo(30) } });
    await db().pulseResponse.create({ data: { userId: recent.id, teamId: ids.teamA!, kind: "NPS", score: 7, at: daysAgo(10) } });
    session.user = { id: recent.id, email: recent.email, name: "recent", role: "REP", teamId: ids.teamA! };
    expect(await answerPulseAction({ kind: "NPS", score: 9 })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await answerPulseAction({ kind: "NPS", score: 11 })).toMatchObject({ ok: false, error: { code: "INVALID" } });
    // B1 (first use 03-02, last NPS 03-05, over 6 weeks before today) is due: answers once, then not again.
    session.user = users.B1!;
    expect(await answerPulseAction({ kind: "NPS", score: 9, comment: "  Better now  " })).toMatchObject({ ok: true });
    expect(await answerPulseAction({ kind: "NPS", score: 9 })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    const saved = await db().pulseResponse.findFirst({ where: { userId: ids.B1!, score: 9 } });
    expect(saved).toMatchObject({ kind: "NPS", comment: "Better now", teamId: ids.teamB });
    // Managers do not answer the pulse; only admins set its cadence.
    session.user = users.mgrA!;
    expect(await answerPulseAction({ kind: "CSAT", score: 4 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await updatePulseSettingsAction({ pulseEveryWeeks: 2 })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    session.user = users.admin!;
    expect(await updatePulseSettingsAction({ pulseEveryWeeks: 0 })).toMatchObject({ ok: false, error: { code: "INVALID" } });
    // Every two weeks: the rep who answered 10 days ago is still not due; every week: due again.
    const recentUser = { id: recent.id, email: recent.email, name: "recent", role: "REP" as const, teamId: ids.teamA! };
    expect(await updatePulseSettingsAction({ pulseEveryWeeks: 2 })).toMatchObject({ ok: true, data: { pulseEveryWeeks: 2 } });
    session.user = recentUser;
    expect(await answerPulseAction({ kind: "NPS", score: 9 })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    session.user = users.admin!;
    expect(await updatePulseSettingsAction({ pulseEveryWeeks: 1 })).toMatchObject({ ok: true, data: { pulseEveryWeeks: 1 } });
    session.user = recentUser;
    expect(await answerPulseAction({ kind: "NPS", score: 9 })).toMatchObject({ ok: true });
  });

  it("tour events are recorded for any signed-in role, validated", async () => {
    session.user = users.mgrA!;
    expect(await recordTourAction({ tour: "manager", event: "started", step: 1 })).toMatchObject({ ok: true });
    expect(await recordTourAction({ tour: "manager", event: "paused" as "started", step: 1 })).toMatchObject({ ok: false, error: { code: "INVALID" } });
    session.user = null;
    expect(await recordTourAction({ tour: "rep", event: "started", step: 1 })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect(await db().usageEvent.count({ where: { userId: ids.mgrA!, type: "TOUR" } })).toBe(1);
  });
});
