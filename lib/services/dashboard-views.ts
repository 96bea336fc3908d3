import "server-only";
import { dashboardSnapshotSettings, dashboardTimeouts } from "@/lib/config/env";
import { claimRefresh, deleteSnapshotsBefore, readSnapshots, renewRefreshClaim, snapshotCosts, writeSnapshot } from "@/lib/data/dashboard-snapshots";
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
// is shown from its latest stored copy of any age instead, and the page says so;
// with no copy the error reaches the dashboards' error boundary. The refresher's
// statements may run DASHBOARD_REFRESH_TIMEOUT_MS. Who may see which scope is
// decided before this (app/(manager)/dashboards/load-dashboard.ts); the stored
// sets are keyed by scope, so a page only ever reads its own scope's.

export type FigureSet = "usage" | "engagement" | "conversion" | "model" | `kpi:${KpiKey}`;

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
}

/**
 * Figures with the time they were computed at when that was ahead of the request (null: computed for it), and
 * `timedOut`: computing one of them for the request ran past DASHBOARD_QUERY_TIMEOUT_MS, so its latest stored copy
 * (of any age) is shown instead.
 */
export type Served<T> = T & { asOf: Date | null; timedOut: boolean };

const kpiSet = (k: KpiKey): FigureSet => `kpi:${k}`;

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
    default: {
      const kpi = set.slice(4) as KpiKey;
      return Promise.all([programKpi(scope, kpi), actionKpis(scope, kpi), adopterTiers(scope, kpi)]).then(([program, actions, tiers]): KpiFigures => ({ program, actions, tiers }));
    }
  }
}

const iso = (d: Date) => d.toISOString();

/** The stored set's key: the figure set and every part of the scope that changes the figures except `now`. */
export function snapshotKey(set: FigureSet, s: Pick<MetricsScope, "from" | "toExclusive" | "teamId" | "actionKey" | "segment" | "grain">): string {
  return [set, iso(s.from), iso(s.toExclusive), s.teamId ?? "all", s.actionKey ?? "", s.segment ?? "", s.grain].join("|");
}

/**
 * The figure sets of one page for `scope`: each from its stored copy where
 * the rules above allow, the rest computed now (at once). `asOf` is the
 * oldest stored copy served, or null when all were computed now; `timedOut`:
 * a set computed now ran past the page's timeout and its latest copy was served.
 */
async function serve<S extends FigureSet>(sets: S[], scope: MetricsScope, opts: ServeOptions): Promise<{ values: Map<S, unknown>; asOf: Date | null; timedOut: boolean }> {
  const settings = opts.settings ?? dashboardSnapshotSettings();
  const values = new Map<S, unknown>();
  let asOf: Date | null = null;
  const older = (at: Date) => {
    if (!asOf || at.getTime() < asOf.getTime()) asOf = at;
  };
  // Every stored copy of the page's scope, the fallback when computing a set now runs past the timeout.
  const stored = new Map<S, Awaited<ReturnType<typeof readSnapshots>>[number]>();
  if (settings.refreshMs > 0) {
    const keys = new Map(sets.map((set) => [snapshotKey(set, scope), set] as const));
    for (const row of await readSnapshots([...keys.keys()])) {
      const set = keys.get(row.key);
      if (set && row.computedAt.getTime() <= scope.now.getTime()) stored.set(set, row);
    }
  }
  if (!opts.live) {
    const oldest = scope.now.getTime() - 2 * settings.refreshMs;
    for (const [set, row] of stored) {
      if (row.computeMs < settings.liveBudgetMs || row.computedAt.getTime() < oldest) continue;
      values.set(set, decodeSnapshot(row.payload));
      older(row.computedAt);
    }
  }
  let timedOut = false;
  const missing = sets.filter((set) => !values.has(set));
  const computed = await Promise.all(
    missing.map((set) =>
      compute(set, scope).catch((err: unknown) => {
        const copy = stored.get(set);
        if (!isQueryTimeout(err) || !copy) throw err;
        timedOut = true;
        older(copy.computedAt);
        return decodeSnapshot(copy.payload);
      }),
    ),
  );
  missing.forEach((set, i) => values.set(set, computed[i]));
  return { values, asOf, timedOut };
}

/** The adoption page's figures: usage and engagement. */
export async function adoptionFigures(scope: MetricsScope, opts: ServeOptions = {}): Promise<Served<{ usage: AdoptionData; engagement: EngagementData }>> {
  const { values, asOf, timedOut } = await serve(["usage", "engagement"], scope, opts);
  return { usage: values.get("usage") as Figures["usage"], engagement: values.get("engagement") as Figures["engagement"], asOf, timedOut };
}

/** The Impact page's figures: one KPI for the program, each action and the adopter tiers, and the recommendation funnel. */
export async function impactFigures(scope: MetricsScope, kpi: KpiKey, opts: ServeOptions = {}): Promise<Served<KpiFigures & { conversion: ConversionData }>> {
  const { values, asOf, timedOut } = await serve([kpiSet(kpi), "conversion"], scope, opts);
  const k = values.get(kpiSet(kpi)) as KpiFigures;
  return { ...k, conversion: values.get("conversion") as Figures["conversion"], asOf, timedOut };
}

/** The model page's figures. */
export async function modelFigures(scope: MetricsScope, opts: ServeOptions = {}): Promise<Served<{ model: ModelData }>> {
  const { values, asOf, timedOut } = await serve(["model"], scope, opts);
  return { model: values.get("model") as Figures["model"], asOf, timedOut };
}

/** Every figure set the refresher stores, per scope. */
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
 * `force` (which also recomputes every set). Sets older than a day are deleted.
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
