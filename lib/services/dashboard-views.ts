import "server-only";
import { dashboardSnapshotSettings, dashboardTimeouts } from "@/lib/config/env";
import {
  claimRefresh,
  claimRequest,
  deleteRequestsBefore,
  deleteSnapshotsBefore,
  failRequest,
  finishRequest,
  readRequests,
  readSnapshots,
  renewRefreshClaim,
  snapshotCosts,
  writeSnapshot,
} from "@/lib/data/dashboard-snapshots";
import { listTeams } from "@/lib/data/admin-users";
import { engagementMetrics, type EngagementData } from "@/lib/data/engagement";
import { actionKpis, adopterTiers, programKpi } from "@/lib/data/kpis";
import { conversionMetrics, modelMetrics, withAggregateTimeout, type ConversionData, type MetricsScope, type ModelData } from "@/lib/data/metrics";
import { isQueryTimeout } from "@/lib/data/errors";
import { decodeSnapshot, encodeSnapshot } from "@/lib/data/snapshot-codec";
import { adoptionMetrics, type AdoptionData } from "@/lib/data/usage";
import { KPI_KEYS, type KpiKey } from "@/lib/metrics/kpi-definitions";
import { filterRange, parseDashboardFilters } from "@/lib/validation/dashboard-filters";

// The dashboards' figures, live or computed ahead of time. At a million
// customers the all-teams figures take seconds to compute (README, "Dashboards
// computed ahead"), so a refresher (each app and worker process, one at a time
// by a claim in the database) computes the default view's figure sets (the last
// 90 days, all action types and segments, weekly; for all teams and each team)
// every DASHBOARD_SNAPSHOT_MINUTES and stores them. A page serves a stored set
// instead of computing it when all of these hold:
//   - the set's scope is exactly the page's (same range, team, action, segment, grain);
//   - computing it took at least DASHBOARD_LIVE_BUDGET_MS (100) when it was stored,
//     so a small deployment, whose figures are fast, always sees live figures;
//   - it is at most two intervals old (a stopped refresher falls back to live);
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
// the background once over two intervals old. Who may see which scope is
// decided before this (app/(manager)/dashboards/load-dashboard.ts); the stored
// sets are keyed by scope, so a page only ever reads its own scope's.

export type FigureSet = "usage" | "engagement" | "conversion" | "model" | `kpi:${KpiKey}` | "review";

/** What the periodic review shows of one period: the funnel, usage, model quality and every KPI's program figure. */
export interface ReviewFigures {
  conversion: ConversionData;
  adoption: AdoptionData;
  model: ModelData;
  kpis: { key: KpiKey; program: Awaited<ReturnType<typeof programKpi>> }[];
}

export interface KpiFigures {
  program: Awaited<ReturnType<typeof programKpi>>;
  actions: Awaited<ReturnType<typeof actionKpis>>;
  tiers: Awaited<ReturnType<typeof adopterTiers>>;
}

interface Figures {
  usage: AdoptionData;
  engagement: EngagementData;
  conversion: ConversionData;
  model: ModelData;
}

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
export type Unavailable = { state: "computing"; since: Date } | { state: "failed"; at: Date; retryFrom: Date; reason: string } | { state: "busy" };

const kpiSet = (k: KpiKey): FigureSet => `kpi:${k}`;

/** For scripts and tests: the figures, or an error saying why there are none. */
export function availableOrThrow<T>(served: Served<T>): Exclude<Served<T>, { unavailable: Unavailable }> {
  if (served.unavailable) throw new Error(`dashboard figures unavailable: ${served.unavailable.state}`);
  return served as Exclude<Served<T>, { unavailable: Unavailable }>;
}

function compute(set: FigureSet, scope: MetricsScope): Promise<unknown> {
  switch (set) {
    case "usage":
      return adoptionMetrics(scope);
    case "engagement":
      return engagementMetrics(scope);
    case "conversion":
      return conversionMetrics(scope);
    case "model":
      return modelMetrics(scope);
    case "review":
      return reviewSet(scope);
    default: {
      const kpi = set.slice(4) as KpiKey;
      return Promise.all([programKpi(scope, kpi), actionKpis(scope, kpi), adopterTiers(scope, kpi)]).then(([program, actions, tiers]): KpiFigures => ({ program, actions, tiers }));
    }
  }
}

async function reviewSet(scope: MetricsScope): Promise<ReviewFigures> {
  // One KPI at a time, beside the other figures: never a dozen aggregates queued for the pool together.
  const kpis = async () => {
    const out: ReviewFigures["kpis"] = [];
    for (const key of KPI_KEYS) out.push({ key, program: await programKpi(scope, key) });
    return out;
  };
  const [conversion, adoption, model, programs] = await Promise.all([conversionMetrics(scope), adoptionMetrics(scope), modelMetrics(scope), kpis()]);
  return { conversion, adoption, model, kpis: programs };
}

const iso = (d: Date) => d.toISOString();

/** The stored set's key: the figure set and every part of the scope that changes the figures except `now`. */
export function snapshotKey(set: FigureSet, s: Pick<MetricsScope, "from" | "toExclusive" | "teamId" | "actionKey" | "segment" | "grain">): string {
  return [set, iso(s.from), iso(s.toExclusive), s.teamId ?? "all", s.actionKey ?? "", s.segment ?? "", s.grain].join("|");
}

/** Runs background computations: `full` when it takes no more (the page then says to try again later). */
export interface BackgroundRunner {
  full(): boolean;
  run(job: () => Promise<void>): void;
}

/** Background computations a process holds at most, running or waiting (each can take minutes of a database connection). */
const MAX_BACKGROUND = 4;
const globalForJobs = globalThis as unknown as { nudgeDashboardJobs?: { chain: Promise<void>; held: number } };

/**
 * This process's runner: detached from the request, one at a time, at most MAX_BACKGROUND held; failures of the job
 * itself are logged (a failed computation is recorded by the job).
 */
export const processRunner: BackgroundRunner = {
  full: () => (globalForJobs.nudgeDashboardJobs?.held ?? 0) >= MAX_BACKGROUND,
  run(job) {
    const jobs = (globalForJobs.nudgeDashboardJobs ??= { chain: Promise.resolve(), held: 0 });
    jobs.held++;
    jobs.chain = jobs.chain
      .then(job)
      .catch((err: unknown) => console.warn("dashboard figures: a background computation failed:", err instanceof Error ? err.message : err))
      .finally(() => {
        jobs.held--;
      });
  },
};

/** "10 minutes", "45 seconds", "1 second", "250 ms". */
function duration(ms: number): string {
  const [n, unit] = ms >= 60_000 ? [ms / 60_000, "minute"] : ms >= 1000 ? [ms / 1000, "second"] : [ms, "ms"];
  const v = Math.round(n * 10) / 10;
  return unit === "ms" ? `${v} ms` : `${v} ${unit}${v === 1 ? "" : "s"}`;
}

/**
 * Computes one figure set for `scope` with the refresher's timeout and stores it under the scope's key, for a
 * request claimed at `startedAt` (its stamp, as the refresher's); the request is deleted, or marked failed.
 */
async function computeRequested(set: FigureSet, scope: MetricsScope, startedAt: Date, timeoutMs: number): Promise<void> {
  const key = snapshotKey(set, scope);
  const t = performance.now();
  try {
    const value = await withAggregateTimeout(timeoutMs, () => compute(set, { ...scope, now: startedAt }));
    await writeSnapshot({ key, view: set, payload: encodeSnapshot(value), computedAt: startedAt, computeMs: Math.round(performance.now() - t) });
    await finishRequest(key, startedAt);
  } catch (err) {
    console.warn(`dashboard figures: computing ${key} in the background failed:`, err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    const reason = isQueryTimeout(err) ? `computing them took longer than their limit of ${duration(timeoutMs)}` : "computing them failed (the server's log says why)";
    await failRequest(key, startedAt, new Date(startedAt.getTime() + Math.round(performance.now() - t)), reason);
  }
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
  const background = opts.background ?? processRunner;
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
    if (background.full()) return "busy";
    if (await claimRequest(snapshotKey(set, scope), now, new Date(staleBefore), new Date(now.getTime() - settings.refreshMs))) {
      background.run(() => computeRequested(set, scope, now, timeouts.refreshMs));
    }
    return "computing";
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
  const fresh = now.getTime() - 2 * settings.refreshMs;
  const unavailable = new Map<S, Unavailable>();
  const live: S[] = [];
  for (const set of sets) {
    const copy = stored.get(set);
    const req = requests.get(set);
    const tooSlow = copy !== undefined && copy.computeMs >= timeouts.queryMs;
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
      compute(set, scope).catch(async (err: unknown) => {
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

/** Every figure set the refresher stores, per scope (the review's periods are not the default view: it has none). */
export const FIGURE_SETS: FigureSet[] = ["usage", "engagement", "conversion", "model", ...KPI_KEYS.map(kpiSet)];

/** The default view's scopes at `now`: all teams, then each team. */
async function defaultScopes(now: Date): Promise<MetricsScope[]> {
  const { filters } = parseDashboardFilters({}, now);
  const { from, toExclusive } = filterRange(filters);
  const teams = await listTeams();
  return [null, ...teams.map((t) => t.id)].map((teamId) => ({ from, toExclusive, teamId, actionKey: null, segment: null, grain: filters.grain, now }));
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
 * Computes and stores the figure sets of the default view, for all teams and
 * each team, one set at a time (a refresh adds one set's queries at a time to
 * the database, never a whole page's). A set whose stored copy for the same scope
 * took under half the live budget is left alone: pages compute it live
 * anyway, and the scope (the range ends today) is new each day, so every set
 * is measured again at least daily. Each set is stamped with the moment its
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
    computeSet?: typeof compute;
  } = {},
): Promise<RefreshResult | null> {
  const computeSet = opts.computeSet ?? compute;
  const settings = opts.settings ?? dashboardSnapshotSettings();
  const now = opts.now ?? new Date();
  if (!(await claimRefresh(now, opts.force ? 0 : Math.round(settings.refreshMs * 0.9)))) return null;
  const started = performance.now();
  // The clock of this refresh: `now` at its start, moving with real time (tests pass a `now` in the past).
  const clock = () => new Date(now.getTime() + Math.round(performance.now() - started));
  const costs = opts.force ? new Map<string, number>() : await snapshotCosts();
  let sets = 0;
  let skipped = 0;
  const timings: SetTiming[] = [];
  const failed: RefreshResult["failed"] = [];
  for (const scope of await defaultScopes(now)) {
    for (const set of FIGURE_SETS) {
      const key = snapshotKey(set, scope);
      const cost = costs.get(key);
      if (cost !== undefined && cost < settings.liveBudgetMs / 2) {
        skipped++;
        continue;
      }
      const at = clock();
      const t = performance.now();
      let value: unknown;
      try {
        value = await withAggregateTimeout(opts.timeoutMs ?? dashboardTimeouts().refreshMs, () => computeSet(set, { ...scope, now: at }));
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
