// Dashboard figures computed ahead of time (lib/services/dashboard-views.ts):
// the refresher stores every figure set of the default view for all teams and
// each team; pages serve a stored set only for their exact scope, only when it
// took at least the live budget to compute, only while it is at most two
// intervals old, and never when the viewer asks for live figures. A private
// database with the demo seed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_dashboard_snapshots") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db, disconnectDb } = await import("@/lib/data/db");
const { seedDemo } = await import("@/tooling/seed/demo");
const views = await import("@/lib/services/dashboard-views");
const { adoptionMetrics } = await import("@/lib/data/usage");
const { engagementMetrics } = await import("@/lib/data/engagement");
const { conversionMetrics, modelMetrics } = await import("@/lib/data/metrics");
const { actionKpis, adopterTiers, programKpi } = await import("@/lib/data/kpis");
const { KPI_KEYS } = await import("@/lib/metrics/kpi-definitions");
const { filterRange, parseDashboardFilters } = await import("@/lib/validation/dashboard-filters");
const { computeRequested } = await import("@/lib/services/dashboard-compute");
const { lastCompletePeriod, priorRange } = await import("@/lib/metrics/periods");
type Scope = import("@/lib/data/metrics").MetricsScope;
type BackgroundRequest = import("@/lib/services/dashboard-compute").BackgroundRequest;

const TODAY = new Date("2026-03-02T00:00:00.000Z");
const AT = new Date("2026-03-02T12:00:00.000Z");
const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;
/** The figure sets a refresh stores per scope (all teams, each team): the default view's, and the review's two periods. */
const PER_SCOPE = views.FIGURE_SETS.length + views.REVIEW_PERIODS_AHEAD;
/** Serve any stored set (no live budget). */
const SERVE_ALL = { refreshMs: INTERVAL, liveBudgetMs: 0 };

/** The default view's scope at `now`, as the pages and the refresher build it. */
function defaultScope(teamId: string | null, now: Date): Scope {
  const { filters } = parseDashboardFilters({}, now);
  const { from, toExclusive } = filterRange(filters);
  return { from, toExclusive, teamId, actionKey: null, segment: null, grain: filters.grain, now };
}

let teamId: string;

type ServeOptions = import("@/lib/services/dashboard-views").ServeOptions;
/** The pages' figure functions, for scopes whose figures are there (else the test fails with why not). */
const adoptionFigures = async (s: Scope, o?: ServeOptions) => views.availableOrThrow(await views.adoptionFigures(s, o));
const modelFigures = async (s: Scope, o?: ServeOptions) => views.availableOrThrow(await views.modelFigures(s, o));
const impactFigures = async (s: Scope, k: import("@/lib/metrics/kpi-definitions").KpiKey, o?: ServeOptions) => views.availableOrThrow(await views.impactFigures(s, k, o));

/** When the stored copy of `set` for `scope` was computed (each set is stamped with the moment its computation began). */
async function storedAt(set: import("@/lib/services/dashboard-views").FigureSet, scope: Scope): Promise<Date> {
  const row = await db().dashboardSnapshot.findUnique({ where: { key: views.snapshotKey(set, scope) }, select: { computedAt: true } });
  if (!row) throw new Error(`no stored ${set}`);
  return row.computedAt;
}
/** The periodic review's opening view at `now` (the last complete period at the default grain, and the one before), as its page scopes it. */
function reviewScopes(teamId: string | null, now: Date): [Scope, Scope] {
  const { filters } = parseDashboardFilters({}, now);
  const current = lastCompletePeriod(filters.grain, now);
  const [a, b] = [current, priorRange(filters.grain, current)].map(filterRange);
  const of = (r: { from: Date; toExclusive: Date }): Scope => ({ from: r.from, toExclusive: r.toExclusive, teamId, actionKey: null, segment: null, grain: filters.grain, now });
  return [of(a!), of(b!)];
}

/** A moment within the first refresh (it started at AT and takes well under a minute here). */
const duringRefresh = (d: Date | null) => d !== null && d.getTime() >= AT.getTime() && d.getTime() < AT.getTime() + MINUTE;

describe.skipIf(!reachable)("dashboard figures computed ahead", () => {
  beforeAll(async () => {
    await seedDemo(db(), { seed: 7, today: TODAY, customers: 300 });
    const team = await db().team.findFirst({ orderBy: { name: "asc" }, select: { id: true } });
    if (!team) throw new Error("the demo seed made no team");
    teamId = team.id;
  }, 180_000);
  afterAll(async () => {
    await disconnectDb();
    await own?.drop();
  });

  it("one refresher per interval: of two racing, one refreshes; a second try within the interval does nothing", async () => {
    const [a, b] = await Promise.all([views.refreshDashboardSnapshots({ now: AT, settings: SERVE_ALL }), views.refreshDashboardSnapshots({ now: AT, settings: SERVE_ALL })]);
    expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    const teams = await db().team.count();
    expect((a ?? b)?.sets).toBe((teams + 1) * PER_SCOPE);
    expect(await views.refreshDashboardSnapshots({ now: new Date(AT.getTime() + 5 * MINUTE), settings: SERVE_ALL })).toBeNull();
    const stored = await db().dashboardSnapshot.count({ where: { NOT: { key: "lease:refresh" } } });
    expect(stored).toBe((teams + 1) * PER_SCOPE);
  }, 120_000);

  it("a served set equals the live figures of its scope at the time it was computed, for all teams and for one team", async () => {
    const later = new Date(AT.getTime() + 10 * MINUTE);
    for (const team of [null, teamId]) {
      const asked = defaultScope(team, later);
      const at = async (set: import("@/lib/services/dashboard-views").FigureSet) => defaultScope(team, await storedAt(set, asked));
      const adoption = await adoptionFigures(asked, { settings: SERVE_ALL });
      expect(adoption.asOf).toEqual(await storedAt("usage", asked));
      expect(duringRefresh(adoption.asOf)).toBe(true);
      expect(adoption.usage).toEqual(await adoptionMetrics(await at("usage")));
      expect(adoption.engagement).toEqual(await engagementMetrics(await at("engagement")));
      const model = await modelFigures(asked, { settings: SERVE_ALL });
      expect(duringRefresh(model.asOf)).toBe(true);
      expect(model.model).toEqual(await modelMetrics(await at("model")));
      for (const kpi of KPI_KEYS) {
        const impact = await impactFigures(asked, kpi, { settings: SERVE_ALL });
        expect(duringRefresh(impact.asOf)).toBe(true);
        const k = await at(`kpi:${kpi}`);
        expect(impact.program).toEqual(await programKpi(k, kpi));
        expect(impact.actions).toEqual(await actionKpis(k, kpi));
        expect(impact.tiers).toEqual(await adopterTiers(k, kpi));
        expect(impact.conversion).toEqual(await conversionMetrics(await at("conversion")));
      }
      // Not a comparison of empty figures.
      expect(adoption.usage.reps.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it("the periodic review opens on figures computed ahead, for all teams and for one team, equal to the live ones of their time", async () => {
    const later = new Date(AT.getTime() + 10 * MINUTE);
    for (const team of [null, teamId]) {
      const [current, prior] = reviewScopes(team, later);
      const served = views.availableOrThrow(await views.reviewFigures(current, prior, { settings: SERVE_ALL }));
      expect(duringRefresh(served.asOf)).toBe(true);
      for (const [period, s] of [[served.now, current], [served.before, prior]] as const) {
        const at = { ...s, now: await storedAt("review", s) };
        expect(period.kpis.map((k) => k.key)).toEqual([...KPI_KEYS]);
        for (const { key, program } of period.kpis) expect(program).toEqual(await programKpi(at, key));
        expect(period.conversion).toEqual(await conversionMetrics(at));
        expect(period.adoption).toEqual(await adoptionMetrics(at));
        expect(period.model).toEqual(await modelMetrics(at));
      }
      // Not a comparison of empty figures.
      expect(served.now.adoption.reps.length).toBeGreaterThan(0);
      // A complete period's review is served for a day and two intervals (the refresher keeps it a day), then computed live.
      const stamp = await storedAt("review", current);
      const at = (t: number): [Scope, Scope] => [{ ...current, now: new Date(t) }, { ...prior, now: new Date(t) }];
      const dayOn = views.availableOrThrow(await views.reviewFigures(...at(stamp.getTime() + 86_400_000 + 2 * INTERVAL - MINUTE), { settings: SERVE_ALL }));
      expect(dayOn.asOf?.getTime()).toBeLessThanOrEqual(stamp.getTime());
      expect(dayOn.now).toEqual(served.now);
      const past = views.availableOrThrow(await views.reviewFigures(...at(stamp.getTime() + 86_400_000 + 2 * INTERVAL + MINUTE), { settings: SERVE_ALL }));
      expect(past.asOf).toBeNull();
    }
  }, 120_000);

  it("keeps the figures of its time while the data moves on; ?live=1 computes them now", async () => {
    const asked = defaultScope(null, new Date(AT.getTime() + 10 * MINUTE));
    const before = await impactFigures(asked, "conversion", { settings: SERVE_ALL });
    // A purchase by every treated customer with no purchase in the view, an hour before the view's "now".
    await db().$executeRaw`
      INSERT INTO "CustomerEvent" ("customerId", type, "occurredAt", amount)
      SELECT c.id, 'PURCHASE', ${new Date(AT.getTime() + 9 * MINUTE)}::timestamp(3), 10 FROM "Customer" c
      WHERE NOT EXISTS (SELECT 1 FROM "CustomerEvent" e WHERE e."customerId" = c.id AND e.type = 'PURCHASE' AND e."occurredAt" >= ${asked.from}::timestamp(3))`;
    const served = await impactFigures(asked, "conversion", { settings: SERVE_ALL });
    expect(duringRefresh(served.asOf)).toBe(true);
    expect(served.program).toEqual(before.program);
    const live = await impactFigures(asked, "conversion", { settings: SERVE_ALL, live: true });
    expect(live.asOf).toBeNull();
    expect(live.program).toEqual(await programKpi(asked, "conversion"));
    expect(live.program).not.toEqual(served.program);
  }, 60_000);

  it("computes live when the stored set was fast to compute, is over two intervals old, or the refresher is off", async () => {
    const fresh = defaultScope(teamId, new Date(AT.getTime() + MINUTE));
    const stamped = await storedAt("model", fresh);
    expect((await modelFigures(fresh, { settings: SERVE_ALL })).asOf).toEqual(stamped);
    expect((await modelFigures(fresh, { settings: { refreshMs: INTERVAL, liveBudgetMs: 3_600_000 } })).asOf).toBeNull();
    expect((await modelFigures(fresh, { settings: { refreshMs: 0, liveBudgetMs: 0 } })).asOf).toBeNull();
    const edge = defaultScope(teamId, new Date(stamped.getTime() + 2 * INTERVAL));
    expect((await modelFigures(edge, { settings: SERVE_ALL })).asOf).toEqual(stamped);
    const stale = defaultScope(teamId, new Date(stamped.getTime() + 2 * INTERVAL + 1));
    const r = await modelFigures(stale, { settings: SERVE_ALL });
    expect(r.asOf).toBeNull();
    expect(r.model).toEqual(await modelMetrics(stale));
  }, 60_000);

  it("serves nothing for a scope it did not store: another range, action type, segment, grain or a team with none", async () => {
    const base = defaultScope(teamId, new Date(AT.getTime() + MINUTE));
    const [action] = await db().actionType.findMany({ select: { key: true }, take: 1 });
    const others: Scope[] = [
      { ...base, from: new Date(base.from.getTime() + 86_400_000) },
      { ...base, toExclusive: new Date(base.toExclusive.getTime() - 86_400_000) },
      { ...base, actionKey: action?.key ?? "none" },
      { ...base, segment: "SMB" },
      { ...base, grain: "month" },
      { ...base, teamId: "00000000-0000-4000-8000-000000000000" },
    ];
    for (const scope of others) expect((await adoptionFigures(scope, { settings: SERVE_ALL })).asOf).toBeNull();
    const keys = new Set(others.map((s) => views.snapshotKey("usage", s)));
    expect(keys.size).toBe(others.length);
    expect(keys.has(views.snapshotKey("usage", base))).toBe(false);
  }, 60_000);

  it("leaves a stored set alone when it took under half the live budget, and a review for a day; recomputes it otherwise", async () => {
    const scopes = (await db().team.count()) + 1;
    const next = new Date(AT.getTime() + INTERVAL);
    const lazy = await views.refreshDashboardSnapshots({ now: next, settings: { refreshMs: INTERVAL, liveBudgetMs: 3_600_000 } });
    expect(lazy).toMatchObject({ sets: 0, skipped: scopes * PER_SCOPE });
    const eager = await views.refreshDashboardSnapshots({ now: new Date(next.getTime() + INTERVAL), settings: SERVE_ALL });
    expect(eager).toMatchObject({ sets: scopes * views.FIGURE_SETS.length, skipped: scopes * views.REVIEW_PERIODS_AHEAD });
    expect(eager?.timings.some((t) => t.set === "review")).toBe(false);
  }, 120_000);

  it("a set that fails to compute is reported and skipped; the others are stored", async () => {
    const next = new Date(AT.getTime() + 3 * INTERVAL);
    const teams = await db().team.count();
    const r = await views.refreshDashboardSnapshots({
      now: next,
      force: true,
      settings: SERVE_ALL,
      computeSet: async (set, scope) => {
        if (set === "model") throw new Error("canceling statement due to statement timeout");
        return { set, team: scope.teamId };
      },
    });
    expect(r?.failed).toHaveLength(teams + 1);
    expect(r?.failed.every((f) => f.set === "model" && f.error.includes("statement timeout"))).toBe(true);
    expect(r?.sets).toBe((teams + 1) * (PER_SCOPE - 1));
    const stored = await db().dashboardSnapshot.findMany({ where: { computedAt: { gte: next }, NOT: { view: "lease" } }, select: { view: true } });
    expect(stored.some((row) => row.view === "model")).toBe(false);
    expect(stored).toHaveLength((teams + 1) * (PER_SCOPE - 1));
  }, 60_000);

  it("a set that runs past the page's timeout is shown from its latest copy, whatever its age, and computed again in the background", async () => {
    const { withAggregateTimeout } = await import("@/lib/data/metrics");
    // Far beyond two intervals, and asked live: the copy is not served by the rules, only as the fallback.
    const late = defaultScope(teamId, new Date(AT.getTime() + 20 * INTERVAL));
    const stamped = await storedAt("model", late);
    const stored = await db().dashboardSnapshot.findUniqueOrThrow({ where: { key: views.snapshotKey("model", late) }, select: { payload: true } });
    const jobs: BackgroundRequest[] = [];
    const background = { full: () => false, run: (req: BackgroundRequest) => void jobs.push(req) };
    // 1 ms per statement: the database cancels the model statement (planning it alone takes longer).
    const slow = await withAggregateTimeout(1, () => modelFigures(late, { settings: SERVE_ALL, live: true, background }));
    expect(slow.timedOut).toBe(true);
    expect(slow.asOf).toEqual(stamped);
    const { decodeSnapshot } = await import("@/lib/data/snapshot-codec");
    expect(slow.model).toEqual(decodeSnapshot(stored.payload));
    // A new copy is computed in the background, with the refresher's timeout, stamped with the page's time.
    expect(jobs).toHaveLength(1);
    await computeRequested(jobs[0]!);
    expect(await storedAt("model", late)).toEqual(late.now);
    expect(await db().dashboardRequest.count()).toBe(0);
    const fast = await modelFigures(late, { settings: SERVE_ALL, live: true });
    expect([fast.timedOut, fast.asOf]).toEqual([false, null]);
    // Any other failure is not hidden behind the copy (the table the model statement reads, renamed for a moment).
    await db().$executeRawUnsafe(`ALTER TABLE "Recommendation" RENAME TO "Recommendation_away"`);
    try {
      await expect(modelFigures(late, { settings: SERVE_ALL, live: true, background })).rejects.toThrow(/Recommendation/);
    } finally {
      await db().$executeRawUnsafe(`ALTER TABLE "Recommendation_away" RENAME TO "Recommendation"`);
    }
    expect(jobs).toHaveLength(1);
  }, 60_000);

  it("without a copy, the page says the figures are being computed; one computation runs, in the background, and the page serves its result", async () => {
    const { withAggregateTimeout } = await import("@/lib/data/metrics");
    const { isQueryTimeout } = await import("@/lib/data/errors");
    const late = defaultScope(teamId, new Date(AT.getTime() + 20 * INTERVAL));
    // Another range: no copy.
    const other = { ...late, from: new Date(late.from.getTime() + 86_400_000) };
    const jobs: BackgroundRequest[] = [];
    const background = { full: () => false, run: (req: BackgroundRequest) => void jobs.push(req) };
    const first = await withAggregateTimeout(1, () => views.modelFigures(other, { settings: SERVE_ALL, background }));
    expect(first.unavailable).toEqual({ state: "computing", since: other.now });
    expect(jobs).toHaveLength(1);
    // A reload while it runs neither computes the figures for the page (they would run past the timeout again) nor starts a second computation.
    const reload = await views.modelFigures({ ...other, now: new Date(other.now.getTime() + MINUTE) }, { settings: SERVE_ALL, background });
    expect(reload.unavailable).toEqual({ state: "computing", since: other.now });
    const racing = await Promise.all([0, 1].map(() => withAggregateTimeout(1, () => views.modelFigures(other, { settings: SERVE_ALL, background }))));
    expect(racing.map((r) => r.unavailable?.state)).toEqual(["computing", "computing"]);
    expect(jobs).toHaveLength(1);
    await computeRequested(jobs[0]!);
    expect(await db().dashboardRequest.count()).toBe(0);
    const ready = await modelFigures({ ...other, now: new Date(other.now.getTime() + 2 * MINUTE) }, { settings: SERVE_ALL, background });
    expect(ready.asOf).toEqual(other.now);
    expect(ready.model).toEqual(await modelMetrics(other));
    // A process that holds all the background computations it takes starts none: the page says to try again later.
    const crowded = { ...other, from: new Date(other.from.getTime() + 2 * 86_400_000) };
    const full = { full: () => true, run: (req: BackgroundRequest) => void jobs.push(req) };
    const busy = await withAggregateTimeout(1, () => views.modelFigures(crowded, { settings: SERVE_ALL, background: full }));
    expect(busy.unavailable).toEqual({ state: "busy" });
    expect(await db().dashboardRequest.count()).toBe(0);
    expect(jobs).toHaveLength(1);
    // Without the refresher nothing is stored: the timeout reaches the dashboards' error boundary.
    const off = { ...other, from: new Date(other.from.getTime() + 86_400_000) };
    const err = await withAggregateTimeout(1, () => views.modelFigures(off, { settings: { refreshMs: 0, liveBudgetMs: 0 }, background })).catch((e: unknown) => e);
    expect(isQueryTimeout(err)).toBe(true);
    expect(jobs).toHaveLength(1);
  }, 60_000);

  it("a background computation that fails says so, and is tried again only an interval later; a computation whose process died is taken over", async () => {
    const { withAggregateTimeout } = await import("@/lib/data/metrics");
    const { claimRequest } = await import("@/lib/data/dashboard-snapshots");
    const late = defaultScope(teamId, new Date(AT.getTime() + 20 * INTERVAL));
    const other = { ...late, from: new Date(late.from.getTime() + 3 * 86_400_000) };
    const jobs: BackgroundRequest[] = [];
    const background = { full: () => false, run: (req: BackgroundRequest) => void jobs.push(req) };
    // The background computation gets 1 ms per statement too, so it fails.
    const timeouts = { queryMs: 30_000, refreshMs: 1 };
    await withAggregateTimeout(1, () => views.modelFigures(other, { settings: SERVE_ALL, background, timeouts }));
    expect(jobs).toHaveLength(1);
    await computeRequested(jobs[0]!);
    const failed = await db().dashboardRequest.findUniqueOrThrow({ where: { key: views.snapshotKey("model", other) } });
    expect(failed.failedAt).not.toBeNull();
    const soon = await views.modelFigures({ ...other, now: new Date(other.now.getTime() + MINUTE) }, { settings: SERVE_ALL, background, timeouts });
    expect(soon.unavailable).toMatchObject({ state: "failed", at: failed.failedAt, retryFrom: new Date(failed.failedAt!.getTime() + INTERVAL) });
    expect(soon.unavailable?.state === "failed" && soon.unavailable.reason).toBe("computing them took longer than their limit of 1 ms");
    expect(jobs).toHaveLength(1);
    // An interval later the page computes them again (here, in time).
    const retried = await views.modelFigures({ ...other, now: new Date(failed.failedAt!.getTime() + INTERVAL + MINUTE) }, { settings: SERVE_ALL, background, timeouts });
    expect(retried.unavailable).toBeNull();
    // Claims: of two racing for a key, one wins; a running one is taken over only once it started before the stale bound.
    const key = "model|test-claim";
    const t0 = new Date(AT.getTime() + 40 * INTERVAL);
    const won = await Promise.all([claimRequest(key, t0, AT, AT), claimRequest(key, t0, AT, AT)]);
    expect(won.filter(Boolean)).toHaveLength(1);
    const t1 = new Date(t0.getTime() + MINUTE);
    expect(await claimRequest(key, t1, t0, t0)).toBe(false);
    expect(await claimRequest(key, t1, t1, t1)).toBe(true);
    await db().dashboardRequest.deleteMany({});
  }, 60_000);

  it("a stored copy that took longer than the page's timeout is served at any age without computing, and recomputed in the background once stale", async () => {
    const late = defaultScope(null, new Date(AT.getTime() + 20 * INTERVAL));
    const stamped = await storedAt("kpi:conversion", late);
    const jobs: BackgroundRequest[] = [];
    const background = { full: () => false, run: (req: BackgroundRequest) => void jobs.push(req) };
    // Every copy counts as too slow for the page (computing took at least 0 ms).
    const timeouts = { queryMs: 0, refreshMs: 600_000 };
    const served = views.availableOrThrow(await views.impactFigures(late, "conversion", { settings: SERVE_ALL, background, timeouts }));
    expect(served.asOf?.getTime()).toBeLessThanOrEqual(stamped.getTime());
    expect(served.timedOut).toBe(true);
    // Both sets of the page are over two intervals old: each is recomputed, once.
    expect(jobs).toHaveLength(2);
    await views.impactFigures(late, "conversion", { settings: SERVE_ALL, background, timeouts });
    expect(jobs).toHaveLength(2);
    for (const job of jobs) await computeRequested(job);
    expect(await storedAt("kpi:conversion", late)).toEqual(late.now);
    expect(await db().dashboardRequest.count()).toBe(0);
    // The new copy is fresh: served, still marked as too slow to compute now (the page offers no "Compute them now"), and not recomputed.
    const again = views.availableOrThrow(await views.impactFigures({ ...late, now: new Date(late.now.getTime() + MINUTE) }, "conversion", { settings: SERVE_ALL, background, timeouts }));
    expect([again.asOf, again.timedOut]).toEqual([late.now, true]);
    expect(jobs).toHaveLength(2);
  }, 60_000);

  it("the periodic review's figures: computed for the page, or past its timeout in the background, and then served", async () => {
    const { withAggregateTimeout } = await import("@/lib/data/metrics");
    const scope = defaultScope(teamId, new Date(AT.getTime() + 20 * INTERVAL));
    const prior = { ...scope, from: new Date(scope.from.getTime() - 7 * 86_400_000), toExclusive: scope.from };
    const at = (s: Scope, now: Date) => ({ ...s, now });
    // Not the review's opening periods (the refresher stores those): computed for the page.
    const live = views.availableOrThrow(await views.reviewFigures(scope, prior, { settings: SERVE_ALL }));
    expect(live.asOf).toBeNull();
    for (const [period, s] of [[live.now, scope], [live.before, prior]] as const) {
      expect(period.kpis.map((k) => k.key)).toEqual([...KPI_KEYS]);
      for (const { key, program } of period.kpis) expect(program).toEqual(await programKpi(s, key));
      expect(period.model).toEqual(await modelMetrics(s));
      expect(period.adoption).toEqual(await adoptionMetrics(s));
      expect(period.conversion).toEqual(await conversionMetrics(s));
    }
    const jobs: BackgroundRequest[] = [];
    const background = { full: () => false, run: (req: BackgroundRequest) => void jobs.push(req) };
    const late = await withAggregateTimeout(1, () => views.reviewFigures(scope, prior, { settings: SERVE_ALL, background }));
    expect(late.unavailable).toEqual({ state: "computing", since: scope.now });
    // Both periods are computed in the background; until both are stored the page waits.
    expect(jobs).toHaveLength(2);
    await computeRequested(jobs[0]!);
    const half = await views.reviewFigures(at(scope, new Date(scope.now.getTime() + MINUTE)), at(prior, new Date(scope.now.getTime() + MINUTE)), { settings: SERVE_ALL, background });
    expect(half.unavailable).toEqual({ state: "computing", since: scope.now });
    await computeRequested(jobs[1]!);
    const later = new Date(scope.now.getTime() + 2 * MINUTE);
    const served = views.availableOrThrow(await views.reviewFigures(at(scope, later), at(prior, later), { settings: SERVE_ALL, background }));
    expect(served.asOf).toEqual(scope.now);
    expect(served.now).toEqual(live.now);
    expect(served.before).toEqual(live.before);
  }, 60_000);

  it("this process's runner runs background computations one at a time, holds at most four, and goes on after a failure", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const releases: (() => void)[] = [];
    // Each request's "computation" waits to be released; the first (numbered by its timeoutMs) fails.
    const work = async (req: BackgroundRequest) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      const i = req.timeoutMs;
      done.push(i);
      if (i === 1) throw new Error("a job that fails");
    };
    const runner = views.processRunner(work);
    const job = (i: number): BackgroundRequest => ({ set: "model", scope: defaultScope(null, AT), startedAt: AT, timeoutMs: i });
    expect(runner.full()).toBe(false);
    for (const i of [1, 2, 3, 4]) runner.run(job(i));
    expect(runner.full()).toBe(true);
    const warn = console.warn;
    console.warn = () => {};
    try {
      for (let n = 1; n <= 4; n++) {
        await expect.poll(() => releases.length).toBe(n);
        releases[n - 1]!();
      }
      await expect.poll(() => done.length).toBe(4);
      await expect.poll(() => runner.full()).toBe(false);
    } finally {
      console.warn = warn;
    }
    expect(done).toEqual([1, 2, 3, 4]);
    expect(most).toBe(1);
  });

  it("the refresher runs with its own timeout, not the page's", async () => {
    const { withAggregateTimeout } = await import("@/lib/data/metrics");
    const next = new Date(AT.getTime() + 30 * INTERVAL);
    const teams = await db().team.count();
    const cut = await views.refreshDashboardSnapshots({ now: next, force: true, settings: SERVE_ALL, timeoutMs: 1 });
    expect(cut?.failed.length).toBeGreaterThan(0);
    // Each failure is the statement timeout: SQLSTATE 57014, as isQueryTimeout reads it. With a 1 ms timeout PostgreSQL
    // sometimes words it "due to user request" (the timer fired as the statement ended); the message without a code says which.
    expect(cut?.failed.every((f) => /statement timeout|Code: `57014`/.test(f.error))).toBe(true);
    const whole = await withAggregateTimeout(1, () => views.refreshDashboardSnapshots({ now: new Date(next.getTime() + INTERVAL), force: true, settings: SERVE_ALL }));
    expect(whole).toMatchObject({ sets: (teams + 1) * PER_SCOPE, failed: [] });
  }, 180_000);

  it("the first refresh a day after the last deletes the sets of the old ranges, and background requests left behind", async () => {
    const next = new Date(AT.getTime() + 2 * 86_400_000);
    await db().dashboardRequest.create({ data: { key: "model|left-behind", startedAt: AT, failedAt: AT, error: "computing them failed" } });
    const r = await views.refreshDashboardSnapshots({ now: next, settings: SERVE_ALL });
    expect(r).not.toBeNull();
    const old = await db().dashboardSnapshot.count({ where: { computedAt: { lt: next } } });
    expect(old).toBe(0);
    expect(await db().dashboardRequest.count()).toBe(0);
    // A day on, the reviews are computed again too (for the periods of that day).
    expect(r?.timings.filter((t) => t.set === "review")).toHaveLength(views.REVIEW_PERIODS_AHEAD * ((await db().team.count()) + 1));
    expect(await db().dashboardSnapshot.count()).toBe(PER_SCOPE * ((await db().team.count()) + 1) + 1);
  }, 120_000);
});
