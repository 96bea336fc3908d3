// Learning: Beta-Binomial estimates of acceptance (shown -> accepted) and of
// conversion after acceptance (accepted -> converted), per action type and
// segment, with Thompson sampling for exploration.
import { hash32, hash8 } from "./hash";
import { DAY_MS, isoDate } from "./time";
import { ATTRIBUTION_WINDOW_DAYS, isActedOn, isResolved, type RecommendationStatus } from "@/lib/domain/vocabulary";

export type BetaParams = { alpha: number; beta: number };
export type Outcome = { successes: number; trials: number };
/** Counts per (actionKey, segment). */
export type ActionStats = { shown: number; accepted: number; converted: number };
/**
 * Counts per (actionKey, segment), or per (actionKey, featureKey) when the
 * rows carry the customer's feature key (lib/engine/propensity.ts). Counts
 * may be fractional: each outcome weighted by its age (decayWeight).
 */
export type StatsRow = ActionStats & { actionKey: string; segment: string; featureKey?: string | null };
/**
 * Keyed by `estimateKey(actionKey, segment)`; pooled rows use ALL_SEGMENTS.
 * Build with `buildStatsTable`. `evidence` (per action key, by feature key)
 * is there when the rows carried feature keys: the individual propensity
 * model is then fitted from it; without it, acceptance is the segment-level
 * Beta-Binomial estimate.
 */
export type StatsTable = ReadonlyMap<string, ActionStats> & {
  readonly evidence?: ReadonlyMap<string, readonly { featureKey: string; trials: number; accepted: number }[]>;
  /**
   * Fitted propensity models per action key, when the table is a stored model
   * version (lib/engine/propensity.ts thawModel): scoring uses them as they
   * are instead of fitting from `evidence`.
   */
  readonly models?: ReadonlyMap<string, { mean: Float64Array; covariance: Float64Array; trials: number }>;
};
/** Uniform in [0, 1). */
export type Rng = () => number;

export const ALL_SEGMENTS = "*";
export const EMPTY_STATS: ActionStats = Object.freeze({ shown: 0, accepted: 0, converted: 0 });
/** Conversion after acceptance is not configured per action; a weak prior with mean 0.2. */
export const DEFAULT_CONVERSION_PRIOR: BetaParams = Object.freeze({ alpha: 1, beta: 4 });
/**
 * How many pseudo-trials of other segments' evidence a segment estimate may
 * borrow. Bounded so a segment's own data dominates once it has a few dozen
 * trials.
 */
export const POOLING_PSEUDO_TRIALS = 20;

export function posterior(prior: BetaParams, outcome: Outcome): BetaParams {
  const successes = Math.max(0, Math.min(outcome.successes, outcome.trials));
  const failures = Math.max(0, outcome.trials - successes);
  return { alpha: prior.alpha + successes, beta: prior.beta + failures };
}

export function betaMean({ alpha, beta }: BetaParams): number {
  return alpha / (alpha + beta);
}

/** (α + s) / (α + β + n) */
export function posteriorMean(prior: BetaParams, outcome: Outcome): number {
  return betaMean(posterior(prior, outcome));
}

/** mulberry32 seeded with a 32-bit hash of the seed: deterministic and fast. */
export function seededRng(seed: string | number): Rng {
  let state = hash32(String(seed));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Standard normal via Box-Muller (one of the pair is discarded to stay stateless). */
function normalSample(rng: Rng): number {
  let u = rng();
  while (u <= Number.EPSILON) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shapes below 1 use the U^(1/shape) boost. */
export function gammaSample(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new Error(`Gamma shape must be positive, got ${shape}`);
  if (shape < 1) {
    let u = rng();
    while (u <= Number.EPSILON) u = rng();
    return gammaSample(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A draw from Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
export function betaSample(alpha: number, beta: number, rng: Rng): number {
  const x = gammaSample(alpha, rng);
  const y = gammaSample(beta, rng);
  return x / (x + y);
}

/** Acceptance posterior from counts: successes = accepted, trials = shown. */
export function acceptancePosterior(stats: ActionStats, prior: BetaParams): BetaParams {
  return posterior(prior, { successes: stats.accepted, trials: stats.shown });
}

/** Conversion-after-acceptance posterior: successes = converted, trials = accepted. */
export function conversionPosterior(stats: ActionStats, prior: BetaParams = DEFAULT_CONVERSION_PRIOR): BetaParams {
  return posterior(prior, { successes: stats.converted, trials: stats.accepted });
}

/** P(accept): the posterior mean, or a Thompson sample when exploring. */
export function propensity(
  stats: ActionStats,
  prior: BetaParams,
  opts: { explore: boolean; rng: Rng },
): number {
  const post = acceptancePosterior(stats, prior);
  return opts.explore ? betaSample(post.alpha, post.beta, opts.rng) : betaMean(post);
}

/** P(convert | accepted), posterior mean. */
export function conversionRate(stats: ActionStats, prior: BetaParams = DEFAULT_CONVERSION_PRIOR): number {
  return betaMean(conversionPosterior(stats, prior));
}

export function estimateKey(actionKey: string, segment: string): string {
  return `${actionKey}\u0000${segment}`;
}

export function addStats(a: ActionStats, b: ActionStats): ActionStats {
  return { shown: a.shown + b.shown, accepted: a.accepted + b.accepted, converted: a.converted + b.converted };
}

function subtractStats(a: ActionStats, b: ActionStats): ActionStats {
  return {
    shown: Math.max(0, a.shown - b.shown),
    accepted: Math.max(0, a.accepted - b.accepted),
    converted: Math.max(0, a.converted - b.converted),
  };
}

/** Default half-life of evidence: an outcome this many days old counts half. */
export const DEFAULT_HALF_LIFE_DAYS = 30;
export const MIN_HALF_LIFE_DAYS = 1;
export const MAX_HALF_LIFE_DAYS = 3650;

/**
 * Forgetting: the weight of an outcome `ageDays` old, 0.5^(age / halfLife).
 * An age below 0 (clock skew) counts as 0; halfLifeDays null means no
 * forgetting (weight 1). The SQL in lib/data/decisions.ts computes the same.
 */
export function decayWeight(ageDays: number, halfLifeDays: number | null): number {
  if (halfLifeDays === null) return 1;
  if (!(halfLifeDays > 0)) throw new RangeError(`halfLifeDays must be positive, got ${halfLifeDays}`);
  return Math.pow(0.5, Math.max(0, ageDays) / halfLifeDays);
}

/** Builds the lookup table from per-segment rows, adding the pooled (all segments) row per action. */
export function buildStatsTable(rows: readonly StatsRow[]): Map<string, ActionStats> & StatsTable {
  const table = new Map<string, ActionStats>();
  const evidence = new Map<string, Map<string, { featureKey: string; trials: number; accepted: number }>>();
  const individual = rows.some((r) => typeof r.featureKey === "string");
  for (const r of rows) {
    if (individual) {
      const fk = r.featureKey ?? `${r.segment}|`;
      let byKey = evidence.get(r.actionKey);
      if (!byKey) evidence.set(r.actionKey, (byKey = new Map()));
      const e = byKey.get(fk) ?? { featureKey: fk, trials: 0, accepted: 0 };
      byKey.set(fk, { featureKey: fk, trials: e.trials + r.shown, accepted: e.accepted + r.accepted });
    }
    const stats: ActionStats = { shown: r.shown, accepted: r.accepted, converted: r.converted };
    const key = estimateKey(r.actionKey, r.segment);
    table.set(key, addStats(table.get(key) ?? EMPTY_STATS, stats));
    const pooledKey = estimateKey(r.actionKey, ALL_SEGMENTS);
    table.set(pooledKey, addStats(table.get(pooledKey) ?? EMPTY_STATS, stats));
  }
  if (!individual) return table;
  return Object.assign(table, { evidence: new Map([...evidence].map(([k, m]) => [k, [...m.values()]])) });
}

/** Moves a prior's mean to `mean` while giving it `strength` pseudo-trials. */
function priorWithMean(mean: number, strength: number): BetaParams {
  return { alpha: mean * strength, beta: (1 - mean) * strength };
}

export type SegmentEstimate = {
  /** The segment's own counts. */
  stats: ActionStats;
  /** The admin prior shrunk towards other segments' evidence; update it with `stats`. */
  acceptancePrior: BetaParams;
  conversionPrior: BetaParams;
  /** Trials behind the estimate: the segment's own plus the other segments'. */
  evidenceTrials: number;
};

/**
 * Simple hierarchical shrinkage. The other segments' counts for the same
 * action update the admin prior into a pooled estimate; its mean becomes the
 * segment's prior mean with strength = prior strength + min(other trials,
 * POOLING_PSEUDO_TRIALS). The segment's own counts then update that prior.
 * So a segment with few trials falls back to the action-level estimate, and
 * one with many trials is ruled by its own data. Same for conversion.
 */
export function segmentEstimate(
  table: StatsTable,
  actionKey: string,
  segment: string,
  prior: BetaParams,
  conversionPriorBase: BetaParams = DEFAULT_CONVERSION_PRIOR,
): SegmentEstimate {
  const own = table.get(estimateKey(actionKey, segment)) ?? EMPTY_STATS;
  const pooled = table.get(estimateKey(actionKey, ALL_SEGMENTS)) ?? own;
  const others = subtractStats(pooled, own);

  const acceptanceStrength = prior.alpha + prior.beta + Math.min(others.shown, POOLING_PSEUDO_TRIALS);
  const conversionStrength =
    conversionPriorBase.alpha + conversionPriorBase.beta + Math.min(others.accepted, POOLING_PSEUDO_TRIALS);
  return {
    stats: own,
    acceptancePrior: priorWithMean(betaMean(acceptancePosterior(others, prior)), acceptanceStrength),
    conversionPrior: priorWithMean(
      betaMean(conversionPosterior(others, conversionPriorBase)),
      conversionStrength,
    ),
    evidenceTrials: own.shown + others.shown,
  };
}

/** A stable fingerprint of a stats table, for stamping the model version. */
export function statsFingerprint(table: StatsTable): string {
  const entries = [...table.entries()]
    .map(([k, s]) => `${k}=${s.shown}/${s.accepted}/${s.converted}`)
    .sort();
  return hash8(entries.join("\n"));
}

/** e.g. "bb-2026-11-23-1a2b3c4d": Beta-Binomial model, date of the stats, fingerprint of the counts. */
export function modelVersion(date: Date, statsFingerprintValue: string): string {
  return `bb-${isoDate(date)}-${hash8(statsFingerprintValue)}`;
}

/** One suggestion as the learning statistics see it (lib/data/decisions.ts loadStats reads the same from the database). */
export type LearningRecord = {
  actionKey: string;
  segment: string;
  featureKey: string | null;
  createdAt: Date;
  status: RecommendationStatus;
  isControl: boolean;
  shownAt: Date | null;
  decidedAt: Date | null;
  /** The customer's purchases (any time). */
  purchases: readonly Date[];
};

/**
 * The learning statistics' definition in TypeScript: per (action, segment,
 * feature key; the segment alone when the suggestion has none), the
 * age-weighted counts of resolved suggestions created at or before `now`
 * (trials), of those acted on (accepted or done, or accepted and later
 * expired), and of those acted on and followed by a purchase within the
 * attribution window after the decision (converted).
 */
export function weightedStatsRows(records: readonly LearningRecord[], now: Date, halfLifeDays: number | null): StatsRow[] {
  const rows = new Map<string, StatsRow>();
  for (const r of records) {
    if (r.createdAt > now || !isResolved(r)) continue;
    const w = decayWeight((now.getTime() - r.createdAt.getTime()) / DAY_MS, halfLifeDays);
    const actedOn = isActedOn(r.status) || (r.status === "EXPIRED" && r.decidedAt !== null);
    const from = (r.decidedAt ?? r.createdAt).getTime();
    const converted = actedOn && r.purchases.some((p) => p.getTime() > from && p.getTime() <= from + ATTRIBUTION_WINDOW_DAYS * DAY_MS);
    const featureKey = r.featureKey ?? `${r.segment}|`;
    const key = `${r.actionKey}\u0000${r.segment}\u0000${featureKey}`;
    const row = rows.get(key) ?? { actionKey: r.actionKey, segment: r.segment, featureKey, shown: 0, accepted: 0, converted: 0 };
    row.shown += w;
    if (actedOn) row.accepted += w;
    if (converted) row.converted += w;
    rows.set(key, row);
  }
  return [...rows.values()];
}
