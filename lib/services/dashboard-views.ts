import "server-only";
import { dashboardBackground, dashboardSnapshotSettings, dashboardTimeouts } from "@/lib/config/env";
import {
  claimRefresh,
  claimRequest,
  deleteRequestsBefore,
  deleteSnapshotsBefore,
  finishRequest,
  readRequests,
  readSnapshots,
  renewRefreshClaim,
  storedSets,
  writeSnapshot,
} from "@/lib/data/dashboard-snapshots";
import { listTeams } from "@/lib/data/admin-users";
import { onReadReplica } from "@/lib/data/db";
import type { EngagementData } from "@/lib/data/engagement";
import { withAggregateTimeout, type ConversionData, type MetricsScope, type ModelData } from "@/lib/data/metrics";
import { isQueryTimeout } from "@/lib/data/errors";
import { decodeSnapshot, encodeSnapshot } from "@/lib/data/snapshot-codec";
import type { AdoptionData } from "@/lib/data/usage";
import { KPI_KEYS, type KpiKey } from "@/lib/metrics/kpi-definitions";
import { lastCompletePeriod, priorRange } from "@/lib/metrics/periods";
import { filterRange, parseDashboardFilters } from "@/lib/validation/dashboard-filters";
import { computeRequested, computeSet, kpiSet, snapshotKey, type BackgroundRequest, type FigureSet, type Figures, type KpiFigures, type ReviewFigures } from "./dashboard-compute";
import { queueRunner } from "./dashboard-jobs";

export { snapshotKey, type BackgroundRequest, type FigureSet, type KpiFigures, type ReviewFigures } from "./dashboard-compute";

// The dashboards' figures, live or computed ahead of time. At a million
// customers the all-teams figures take seconds to compute (README, "Dashboards
// computed ahead"), so a refresher (each app and worker process, one at a time
// by a claim in the database) computes the default view's figure sets (the last
// 90 days, all action types and segments, weekly; for all teams and each team)
// every DASHBOARD_SNAPSHOT_MINUTES, and the periodic review's opening view (the
// last complete week and the week before) once a day, and stores them. A page serves a stored set
// instead of computing it when all of these hold:
//   - the set's scope is exactly the page's (same range, team, action, segment, grain);
//   - computing it took at least DASHBOARD_LIVE_BUDGET_MS (100) when it was stored,
//     so a small deployment, whose figures are fast, always sees live figures;
//   - it is at most two intervals old (a stopped refresher falls back to live;
//     a review's, whose period is complete, a day and two intervals);
//   - the viewer did not ask for live figures (?live=1).
// A served page says when its figures were computed. A set computed for a page
// whose statement runs past DASHBOARD_QUERY_TIMEOUT_MS (the database cancels it)
// is computed in the background instead, with the refresher's timeout
// (DASHBOARD_REFRESH_TIMEOUT_MS), and stored under the page's scope
// (DashboardRequest holds the claim, so one process computes it). Meanwhile the
// page shows the set's latest stored copy of any age, and says so, or, with no
// copy, that the figures are being computed; it is served from the stored copy
// once there. A stored copy that took longer than the page's timeout is served
// at any age (computing it for a page would only time out), and recomputed in
// the background once over two intervals old. Background computations run in
// the app process that claimed them, one at a time, or with
// DASHBOARD_BACKGROUND=workers on the workers' job queue
// (lib/services/dashboard-jobs.ts). Who may see which scope is
// decided before this (app/(manager)/dashboards/load-dashboard.ts); the stored
// sets are keyed by scope, so a page only ever reads its own scope's.

export interface SnapshotSettings {
  refreshMs: number;
  liveBudgetMs: number;
}

export interface ServeOptions {
  /** Compute every figure set now (?live=1). */
  live?: boolean;
  /** Tests: instead of the environment's. */
  settings?: SnapshotSettings;
  /** Tests: instead of the environment's. */
  timeouts?: { queryMs: number; refreshMs: number };
  /** Runs background computations (default: this process's, one at a time, detached from the request). Tests collect them. */
  background?: BackgroundRunner;
}

/**
 * Figures with the time they were computed at when that was ahead of the request (null: computed for it), and
 * `timedOut`: one of them could not be computed for the request (it ran past DASHBOARD_QUERY_TIMEOUT_MS, or its stored
 * copy took longer than that), so its latest stored copy (of any age) is shown instead; or `unavailable`: there is none.
 */
export type Served<T> = (T & { asOf: Date | null; timedOut: boolean; unavailable: null }) | { unavailable: Unavailable };

/**
 * Why a page has no figures to show: they are being computed in the background (since when), that computation
 * failed (when; a page load after DASHBOARD_SNAPSHOT_MINUTES starts another), or this process already holds as many
 * background computations as it takes (busy: a later page load tries again).
 */
export type Unavailable =
  | { state: "computing"; since: Date; /** The oldest view waiting for a worker, when none has been taken for UNTAKEN_MS (no worker seems to run). */ untakenSince?: Date }
  | { state: "failed"; at: Date; retryFrom: Date; reason: string }
  | { state: "busy" };

/** For scripts and tests: the figures, or an error saying why there are none. */
export function availableOrThrow<T>(served: Served<T>): Exclude<Served<T>, { unavailable: Unavailable }> {
  if (served.unavailable) throw new Error(`dashboard figures unavailable: ${served.unavailable.state}`);
  return served as Exclude<Served<T>, { unavailable: Unavailable }>;
}

/** Runs background computations: `full` when it takes no more (the page then says to try again later). */
export interface BackgroundRunner {
  full(): boolean | Promise<boolean>;
  /** Starts one (detached from the page); a failure to start it is thrown (the page then says the server is busy). */
  run(req: BackgroundRequest): void | Promise<void>;
  /** When the oldest computation still waiting to be taken was queued, if it has waited past UNTAKEN_MS (a runner in this process never waits). */
  untakenSince?(): Promise<Date | null>;
}

/** Background computations a process holds at most, running or waiting (each can take minutes of a database connection). */
const MAX_BACKGROUND = 4;

/**
 * A runner in this process: detached from the request, one at a time, at most MAX_BACKGROUND held; failures of the
 * work itself are logged (a failed computation is recorded by computeRequested). `state` is where it counts (the
 * default one's survives a development reload).
 */
export function processRunner(work: (req: BackgroundRequest) => Promise<unknown> = computeRequested, state: { chain: Promise<void>; held: number } = { chain: Promise.resolve(), held: 0 }): BackgroundRunner {
  return {
    full: () => state.held >= MAX_BACKGROUND,
    run(req) {
      state.held++;
      state.chain = state.chain
        .then(async () => {
          await work(req);
        })
        .catch((err: unknown) => console.warn("dashboard figures: a background computation failed:", err instanceof Error ? err.message : err))
        .finally(() => {
          state.held--;
        });
    },
  };
}

const globalForJobs = globalThis as unknown as { nudgeDashboardJobs?: { chain: Promise<void>; held: number } };

/** Where this process sends background computations: its own runner, or the workers' job queue (DASHBOARD_BACKGROUND=workers). */
function defaultRunner(): BackgroundRunner {
  if (dashboardBackground() === "workers") return queueRunner();
  return processRunner(computeRequested, (globalForJobs.nudgeDashboardJobs ??= { chain: Promise.resolve(), held: 0 }));
}

/**
 * The figure sets of one page for `scope`: each from its stored copy where
 * the rules above allow, the rest computed now (at once), or, past the page's
 * timeout, in the background. `asOf` is the oldest stored copy served, or null
 * when all were computed now; `timedOut`: a set could not be computed for the
 * page and a copy of any age was served; `unavailable`: a set has neither.
 */
async function serve<S extends FigureSet>(
  sets: S[],
  scope: MetricsScope,
  opts: ServeOptions,
): Promise<{ values: Map<S, unknown>; asOf: Date | null; timedOut: boolean; unavailable: Unavailable | null }> {
  const settings = opts.settings ?? dashboardSnapshotSettings();
  const timeouts = opts.timeouts ?? dashboardTimeouts();
  const background = opts.background ?? defaultRunner();
  const now = scope.now;
  const values = new Map<S, unknown>();
  let asOf: Date | null = null;
  let timedOut = false;
  const fromCopy = (set: S, row: { payload: string; computedAt: Date }, late: boolean) => {
    values.set(set, decodeSnapshot(row.payload));
    if (!asOf || row.computedAt.getTime() < asOf.getTime()) asOf = row.computedAt;
    if (late) timedOut = true;
  };
  // A claim older than this is a computation whose process died (or that hangs past its timeout).
  const staleBefore = now.getTime() - timeouts.refreshMs - 60_000;
  // Starts computing a set in the background unless another page (or process) is: "computing" either way, or "busy"
  // when this process holds all the computations it takes.
  const request = async (set: S): Promise<"computing" | "busy"> => {
    const key = snapshotKey(set, scope);
    let claimed = false;
    try {
      if (await background.full()) return "busy";
      claimed = await claimRequest(key, now, new Date(staleBefore), new Date(now.getTime() - settings.refreshMs));
      if (claimed) await background.run({ set, scope, startedAt: now, timeoutMs: timeouts.refreshMs });
      return "computing";
    } catch (err) {
      // Not started (the job queue is unreachable or refused it): any claim goes, and a later page load tries again.
      console.warn(`dashboard figures: ${key} could not be started in the background:`, err instanceof Error ? err.message : err);
      if (claimed) await finishRequest(key, now);
      return "busy";
    }
  };
  const keyed = <R extends { key: string }>(rows: R[]) => {
    const keys = new Map(sets.map((set) => [snapshotKey(set, scope), set] as const));
    const bySet = new Map<S, R>();
    for (const row of rows) {
      const set = keys.get(row.key);
      if (set) bySet.set(set, row);
    }
    return bySet;
  };
  // Without the refresher nothing is stored or computed ahead: every set is computed for the page, and a timeout is an error.
  const enabled = settings.refreshMs > 0;
  const keys = sets.map((set) => snapshotKey(set, scope));
  const [storedRows, requestRows] = enabled ? await Promise.all([readSnapshots(keys), readRequests(keys)]) : [[], []];
  // Every stored copy of the page's scope computed by now, the fallback when a set cannot be computed for the page.
  const stored = keyed(storedRows.filter((row) => row.computedAt.getTime() <= now.getTime()));
  const requests = keyed(requestRows);
  // A copy is fresh for two intervals past the time the refresher keeps it (a review's: a day).
  const freshFrom = (set: S) => now.getTime() - 2 * settings.refreshMs - keptFor(set);
  const unavailable = new Map<S, Unavailable>();
  const live: S[] = [];
  for (const set of sets) {
    const copy = stored.get(set);
    const req = requests.get(set);
    const tooSlow = copy !== undefined && copy.computeMs >= timeouts.queryMs;
    const fresh = freshFrom(set);
    if (copy && !opts.live && copy.computeMs >= settings.liveBudgetMs && copy.computedAt.getTime() >= fresh) {
      // A copy too slow to compute for a page counts as late: the page does not offer to compute it now.
      fromCopy(set, copy, tooSlow);
    } else if (copy && tooSlow) {
      // Computing it for the page would run past the timeout: the copy, and once it is stale a new one computed in the background.
      fromCopy(set, copy, true);
      if (copy.computedAt.getTime() < fresh) await request(set);
    } else if (req && !req.failedAt && req.startedAt.getTime() >= staleBefore) {
      if (copy) fromCopy(set, copy, true);
      else unavailable.set(set, { state: "computing", since: req.startedAt });
    } else if (req?.failedAt && req.failedAt.getTime() >= now.getTime() - settings.refreshMs) {
      if (copy) fromCopy(set, copy, true);
      else unavailable.set(set, { state: "failed", at: req.failedAt, retryFrom: new Date(req.failedAt.getTime() + settings.refreshMs), reason: req.error ?? "computing them failed" });
    } else {
      live.push(set);
    }
  }
  const timedOutAnd = new Map<S, "computing" | "busy">();
  const computed = await Promise.all(
    live.map((set) =>
      computeSet(set, scope).catch(async (err: unknown) => {
        if (!enabled || !isQueryTimeout(err)) throw err;
        timedOutAnd.set(set, await request(set));
        return undefined;
      }),
    ),
  );
  live.forEach((set, i) => {
    const copy = stored.get(set);
    const requested = timedOutAnd.get(set);
    if (!requested) values.set(set, computed[i]);
    else if (copy) fromCopy(set, copy, true);
    else unavailable.set(set, requested === "busy" ? { state: "busy" } : { state: "computing", since: now });
  });
  // A failed or refused set first (the page says so), else the computation that started first.
  const missing = [...unavailable.values()];
  const first =
    missing.find((u) => u.state !== "computing") ??
    missing.reduce<Unavailable | null>((a, u) => (u.state === "computing" && (a?.state !== "computing" || u.since < a.since) ? u : a), null);
  // Computing on the workers and none has taken a queued view for a while: the page says so (none may be running).
  if (first?.state === "computing" && background.untakenSince) {
    const untaken = await background.untakenSince().catch(() => null);
    if (untaken) return { values, asOf, timedOut, unavailable: { ...first, untakenSince: untaken } };
  }
  return { values, asOf, timedOut, unavailable: first };
}

/** The adoption page's figures: usage and engagement. */
export async function adoptionFigures(scope: MetricsScope, opts: ServeOptions = {}): Promise<Served<{ usage: AdoptionData; engagement: EngagementData }>> {
  const { values, asOf, timedOut, unavailable } = await serve(["usage", "engagement"], scope, opts);
  if (unavailable) return { unavailable };
  return { usage: values.get("usage") as Figures["usage"], engagement: values.get("engagement") as Figures["engagement"], asOf, timedOut, unavailable };
}

/** The Impact page's figures: one KPI for the program, each action and the adopter tiers, and the recommendation funnel. */
export async function impactFigures(scope: MetricsScope, kpi: KpiKey, opts: ServeOptions = {}): Promise<Served<KpiFigures & { conversion: ConversionData }>> {
  const { values, asOf, timedOut, unavailable } = await serve([kpiSet(kpi), "conversion"], scope, opts);
  if (unavailable) return { unavailable };
  const k = values.get(kpiSet(kpi)) as KpiFigures;
  return { ...k, conversion: values.get("conversion") as Figures["conversion"], asOf, timedOut, unavailable };
}

/** The model page's figures. */
export async function modelFigures(scope: MetricsScope, opts: ServeOptions = {}): Promise<Served<{ model: ModelData }>> {
  const { values, asOf, timedOut, unavailable } = await serve(["model"], scope, opts);
  if (unavailable) return { unavailable };
  return { model: values.get("model") as Figures["model"], asOf, timedOut, unavailable };
}

/**
 * The periodic review's figures for its period (`scope`) and the one before (`prior`): each period is one figure set,
 * and either one's being computed in the background (or that failing) stands for both. `asOf`: the older copy served.
 */
export async function reviewFigures(scope: MetricsScope, prior: MetricsScope, opts: ServeOptions = {}): Promise<Served<{ now: ReviewFigures; before: ReviewFigures }>> {
  const [a, b] = await Promise.all([serve(["review"], scope, opts), serve(["review"], prior, opts)]);
  const unavailable = a.unavailable ?? b.unavailable;
  if (unavailable) return { unavailable };
  const asOf = a.asOf && b.asOf ? (a.asOf < b.asOf ? a.asOf : b.asOf) : (a.asOf ?? b.asOf);
  return { now: a.values.get("review") as ReviewFigures, before: b.values.get("review") as ReviewFigures, asOf, timedOut: a.timedOut || b.timedOut, unavailable };
}

/** The figure sets the refresher stores for the default view, per scope. */
export const FIGURE_SETS: FigureSet[] = ["usage", "engagement", "conversion", "model", ...KPI_KEYS.map(kpiSet)];

/** The periods of the periodic review the refresher stores, per scope: the last complete one and the one before. */
export const REVIEW_PERIODS_AHEAD = 2;

/** How long a stored review of a complete period is kept before the refresher computes it again: its figures move only as late outcomes arrive. */
const REVIEW_KEEP_MS = 86_400_000;

/** How long the refresher leaves a stored set alone, however slow (0: recomputed each refresh unless fast enough to compute live). */
const keptFor = (set: FigureSet) => (set === "review" ? REVIEW_KEEP_MS : 0);

/**
 * The periodic review's opening view at `now`, as its page scopes it (app/(manager)/dashboards/review/page.tsx): the
 * last complete period at the default grain, and the period before it.
 */
export function reviewOpeningPeriods(now: Date): { grain: MetricsScope["grain"]; current: { from: Date; toExclusive: Date }; prior: { from: Date; toExclusive: Date } } {
  const { grain } = parseDashboardFilters({}, now).filters;
  const current = lastCompletePeriod(grain, now);
  const [a, b] = [current, priorRange(grain, current)].map(filterRange);
  return { grain, current: { from: a!.from, toExclusive: a!.toExclusive }, prior: { from: b!.from, toExclusive: b!.toExclusive } };
}

/**
 * What a refresh computes at `now`, in order, for all teams, then each team: the default view's figure sets (the last
 * 90 days at the default grain), then the periodic review's opening view.
 */
async function refreshPlan(now: Date): Promise<{ set: FigureSet; scope: MetricsScope }[]> {
  const { filters } = parseDashboardFilters({}, now);
  const view = filterRange(filters);
  const review = reviewOpeningPeriods(now);
  const teams = [null, ...(await listTeams()).map((t) => t.id)];
  const scope = (teamId: string | null, r: { from: Date; toExclusive: Date }): MetricsScope => ({ from: r.from, toExclusive: r.toExclusive, teamId, actionKey: null, segment: null, grain: filters.grain, now });
  return [
    ...teams.flatMap((teamId) => FIGURE_SETS.map((set) => ({ set, scope: scope(teamId, view) }))),
    ...teams.flatMap((teamId) => [review.current, review.prior].map((p) => ({ set: "review" as const, scope: scope(teamId, p) }))),
  ];
}

export interface RefreshResult {
  /** Figure sets computed and stored. */
  sets: number;
  /** Figure sets left as they were: stored today for the same scope, and fast enough to be computed live. */
  skipped: number;
  /** Figure sets whose computation failed (logged; their previous copies stay, and pages compute them live once those expire). */
  failed: { set: FigureSet; teamId: string | null; error: string }[];
  ms: number;
  /** Every figure set computed, in order. */
  timings: SetTiming[];
}

/** The slowest figure set a refresh computed (null: none). */
export function slowestSet(r: RefreshResult): SetTiming | null {
  return r.timings.reduce<SetTiming | null>((a, t) => (!a || t.ms > a.ms ? t : a), null);
}

interface SetTiming {
  set: FigureSet;
  teamId: string | null;
  ms: number;
}

/**
 * Computes and stores the figure sets of the default view and of the periodic
 * review's opening view (refreshPlan), for all teams and each team, one set at
 * a time (a refresh adds one set's queries at a time to the database, never a
 * whole page's). A set whose stored copy for the same scope took under half
 * the live budget is left alone: pages compute it live anyway, and the scope
 * (the range ends today) is new each day, so every set is measured again at
 * least daily. A review's copy is also left alone for a day. Each set is stamped with the moment its
 * computation began. Returns null, doing nothing, when another process
 * refreshed within the last 90 % of the interval or is refreshing now, unless
 * `force` (which also recomputes every set). Sets older than a day are deleted, and so are background requests started over a day ago.
 */
export async function refreshDashboardSnapshots(
  opts: {
    now?: Date;
    force?: boolean;
    settings?: SnapshotSettings;
    /** Each statement's timeout (default DASHBOARD_REFRESH_TIMEOUT_MS). */
    timeoutMs?: number;
    /** Tests: instead of the data functions. */
    computeSet?: typeof computeSet;
  } = {},
): Promise<RefreshResult | null> {
  const computeFigures = opts.computeSet ?? computeSet;
  const settings = opts.settings ?? dashboardSnapshotSettings();
  const now = opts.now ?? new Date();
  if (!(await claimRefresh(now, opts.force ? 0 : Math.round(settings.refreshMs * 0.9)))) return null;
  const started = performance.now();
  // The clock of this refresh: `now` at its start, moving with real time (tests pass a `now` in the past).
  const clock = () => new Date(now.getTime() + Math.round(performance.now() - started));
  const stored = opts.force ? new Map<string, { computeMs: number; computedAt: Date }>() : await storedSets();
  let sets = 0;
  let skipped = 0;
  const timings: SetTiming[] = [];
  const failed: RefreshResult["failed"] = [];
  for (const { set, scope } of await refreshPlan(now)) {
    const key = snapshotKey(set, scope);
    const copy = stored.get(key);
    if (copy && (copy.computeMs < settings.liveBudgetMs / 2 || (keptFor(set) > 0 && copy.computedAt.getTime() > now.getTime() - keptFor(set)))) {
      skipped++;
      continue;
    }
    const at = clock();
    const t = performance.now();
    let value: unknown;
    try {
      value = await onReadReplica(() => withAggregateTimeout(opts.timeoutMs ?? dashboardTimeouts().refreshMs, () => computeFigures(set, { ...scope, now: at })));
    } catch (err) {
      // One set that fails (a statement over the refresh's timeout at this size) does not stop the others.
      const error = err instanceof Error ? (err.message.trim().split("\n").slice(-1)[0] ?? err.message) : String(err);
      failed.push({ set, teamId: scope.teamId, error });
      console.warn(`dashboard figures: ${set} for ${scope.teamId ?? "all teams"} failed: ${error}`);
      continue;
    }
    const ms = Math.round(performance.now() - t);
    await writeSnapshot({ key, view: set, payload: encodeSnapshot(value), computedAt: at, computeMs: ms });
    await renewRefreshClaim(clock());
    sets++;
    timings.push({ set, teamId: scope.teamId, ms });
  }
  await deleteSnapshotsBefore(new Date(now.getTime() - 86_400_000));
  await deleteRequestsBefore(new Date(now.getTime() - 86_400_000));
  return { sets, skipped, failed, ms: Math.round(performance.now() - started), timings };
}

const globalForRefresher = globalThis as unknown as { nudgeDashboardRefresher?: ReturnType<typeof setInterval> };

/**
 * Refreshes the stored figures every DASHBOARD_SNAPSHOT_MINUTES in this process
 * (the first time a minute after start, away from start-up's work). Processes
 * take turns through the claim; a failing refresh is logged and tried at the
 * next interval.
 */
export function startDashboardRefresher(log: (line: string) => void = () => {}): boolean {
  const { refreshMs } = dashboardSnapshotSettings();
  if (refreshMs === 0 || globalForRefresher.nudgeDashboardRefresher) return false;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await refreshDashboardSnapshots();
      if (!r) return;
      const slowest = slowestSet(r);
      log(`dashboard figures computed ahead: ${r.sets} sets in ${(r.ms / 1000).toFixed(1)} s, ${r.skipped} fast enough to leave live, ${r.failed.length} failed${slowest ? ` (slowest ${slowest.set}, ${slowest.ms} ms)` : ""}`);
      // A set is served until it is two intervals old; a refresh longer than half an interval leaves gaps.
      if (r.ms > refreshMs / 2) console.warn(`dashboard figures: the refresh took ${(r.ms / 60_000).toFixed(1)} min, over half of DASHBOARD_SNAPSHOT_MINUTES; raise it to at least ${Math.ceil((2 * r.ms) / 60_000)} so pages keep serving figures computed ahead`);
    } catch (err) {
      console.warn("dashboard figures refresh failed:", err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    } finally {
      busy = false;
    }
  };
  const first = setTimeout(() => void tick(), Math.min(60_000, refreshMs));
  first.unref?.();
  globalForRefresher.nudgeDashboardRefresher = setInterval(() => void tick(), refreshMs);
  globalForRefresher.nudgeDashboardRefresher.unref?.();
  return true;
}
