import "server-only";
import { failRequest, finishRequest, notifyDashboardViews, writeSnapshot } from "@/lib/data/dashboard-snapshots";
import { onReadReplica } from "@/lib/data/db";
import { engagementMetrics, type EngagementData } from "@/lib/data/engagement";
import { actionKpis, adopterTiers, programKpi } from "@/lib/data/kpis";
import { conversionMetrics, modelMetrics, withAggregateTimeout, type ConversionData, type MetricsScope, type ModelData } from "@/lib/data/metrics";
import { isQueryTimeout } from "@/lib/data/errors";
import { encodeSnapshot } from "@/lib/data/snapshot-codec";
import { adoptionMetrics, type AdoptionData } from "@/lib/data/usage";
import { KPI_KEYS, type KpiKey } from "@/lib/metrics/kpi-definitions";

// The dashboards' figure sets: what each one computes, the key it is stored
// under, and the computation of one set claimed for a page, which runs in the
// background, in the app process or on a worker (lib/services/dashboard-views.ts
// decides when; lib/services/dashboard-jobs.ts carries it to a worker).

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

export interface Figures {
  usage: AdoptionData;
  engagement: EngagementData;
  conversion: ConversionData;
  model: ModelData;
}

export const kpiSet = (k: KpiKey): FigureSet => `kpi:${k}`;

/** Every figure set there is (the names a job may carry). */
export const ALL_FIGURE_SETS: readonly FigureSet[] = ["usage", "engagement", "conversion", "model", ...KPI_KEYS.map(kpiSet), "review"];

/** The figures of one set for `scope`, computed now. */
export function computeSet(set: FigureSet, scope: MetricsScope): Promise<unknown> {
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

/**
 * A figure set a page claimed for the background (DashboardRequest): computed for `scope` as of `startedAt` (the
 * claim's stamp), each statement cancelled after `timeoutMs`.
 */
export interface BackgroundRequest {
  set: FigureSet;
  scope: MetricsScope;
  startedAt: Date;
  timeoutMs: number;
}

/** "10 minutes", "45 seconds", "1 second", "250 ms". */
function duration(ms: number): string {
  const [n, unit] = ms >= 60_000 ? [ms / 60_000, "minute"] : ms >= 1000 ? [ms / 1000, "second"] : [ms, "ms"];
  const v = Math.round(n * 10) / 10;
  return unit === "ms" ? `${v} ms` : `${v} ${unit}${v === 1 ? "" : "s"}`;
}

/**
 * Computes a claimed figure set and stores it under its scope's key, stamped with the claim's time (as the refresher
 * stamps its sets); the request is deleted, or marked failed with a reason a viewer can read (which of the two it
 * returns). Throws only when the
 * database cannot record either (a job queue retries it then).
 */
export async function computeRequested(req: BackgroundRequest): Promise<"stored" | "failed"> {
  const { set, scope, startedAt, timeoutMs } = req;
  const key = snapshotKey(set, scope);
  const t = performance.now();
  try {
    // Read on the replica when there is one (DATABASE_READ_URL); the copy is written to the primary.
    const value = await onReadReplica(() => withAggregateTimeout(timeoutMs, () => computeSet(set, { ...scope, now: startedAt })));
    await writeSnapshot({ key, view: set, payload: encodeSnapshot(value), computedAt: startedAt, computeMs: Math.round(performance.now() - t) });
    await finishRequest(key, startedAt);
    await notified();
    return "stored";
  } catch (err) {
    console.warn(`dashboard figures: computing ${key} in the background failed:`, err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    const reason = isQueryTimeout(err) ? `computing them took longer than their limit of ${duration(timeoutMs)}` : "computing them failed (the server's log says why)";
    await failRequest(key, startedAt, new Date(startedAt.getTime() + Math.round(performance.now() - t)), reason);
    await notified();
    return "failed";
  }
}

/** Tells waiting pages (they also reload on their own, so a lost notification only delays them). */
const notified = () => notifyDashboardViews().catch((err: unknown) => console.warn("dashboard figures: could not notify the waiting pages:", err instanceof Error ? err.message : err));
