// Individual propensity: a Bayesian logistic regression per action on the
// customer's segment and a few of their signals, so two customers of one
// segment can get different actions.
//
//   logit P(accept) = b0 + b_segment + Σ_k w_k · f_k(signals)
//
// Priors (the hierarchy): b0 ~ N(logit(admin prior mean), 1/α + 1/β), the
// variance of the logit of the admin's Beta(α, β); each segment's deviation
// b_segment ~ N(0, SEGMENT_SD²), so a segment with little data stays near the
// action's pooled intercept instead of taking another segment's estimate
// wholesale; each signal weight w_k ~ N(0, SIGNAL_SD²).
//
// Fit: maximum a posteriori by Newton's method on evidence grouped by
// (action, feature key), each group weighted by the age of its outcomes
// (forgetting, lib/engine/learning.ts decayWeight), and the Laplace
// approximation N(θ̂, H⁻¹) of the posterior. For a customer with feature
// vector x, the logit is N(xᵀθ̂, xᵀH⁻¹x); P(accept) is summarised as a Beta
// with the same mean and variance, so Thompson sampling, the logged pick
// probability and off-policy replay keep working on Beta posteriors.
import { acceptancePosterior, ALL_SEGMENTS, betaMean, buildStatsTable, segmentEstimate, type BetaParams, type SegmentEstimate, type StatsRow, type StatsTable } from "./learning";
import type { Signals } from "./signals";

export const MODEL_SEGMENTS = ["SMB", "MID_MARKET", "ENTERPRISE"] as const;
export const SEGMENT_SD = 1;
export const SIGNAL_SD = 1;

/** Each signal feature is a bucket 0..3 (thresholds are the lower bounds of buckets 1, 2, 3), centred to [-1, 1]. */
export const PROPENSITY_SIGNALS = [
  { signal: "webVisitsLast7d", thresholds: [1, 3, 6] },
  { signal: "emailClicksLast30d", thresholds: [1, 2, 4] },
  { signal: "lifetimeValue", thresholds: [2_000, 10_000, 50_000] },
  { signal: "daysSinceLastContact", thresholds: [14, 45, 120] },
  { signal: "ordersLast90d", thresholds: [1, 2, 5] },
] as const satisfies readonly { signal: keyof Signals; thresholds: readonly [number, number, number] }[];

export const FEATURE_DIMENSION = 1 + MODEL_SEGMENTS.length + PROPENSITY_SIGNALS.length;

function bucket(value: number | null, thresholds: readonly number[]): number {
  // Unknown (e.g. never contacted) counts as the top bucket: the longest gap.
  if (value === null) return thresholds.length;
  let b = 0;
  for (const t of thresholds) if (value >= t) b++;
  return b;
}

/**
 * The customer's feature key, e.g. "SMB|2031": segment, then one bucket digit
 * per PROPENSITY_SIGNALS entry. Stored with each suggestion, so the evidence
 * can be grouped by it in SQL. A key without digits ("SMB|") means the
 * signals are unknown (older suggestions): every signal feature is 0.
 */
export function featureKey(signals: Signals): string {
  const digits = PROPENSITY_SIGNALS.map((s) => bucket(signals[s.signal] as number | null, s.thresholds)).join("");
  return `${signals.segment}|${digits}`;
}

const vectorCache = new Map<string, Float64Array>();

/** x = [1, one-hot segment, centred signal buckets]. */
export function featureVector(key: string): Float64Array {
  let x = vectorCache.get(key);
  if (x) return x;
  x = new Float64Array(FEATURE_DIMENSION);
  const [segment = "", digits = ""] = key.split("|");
  x[0] = 1;
  const s = (MODEL_SEGMENTS as readonly string[]).indexOf(segment);
  if (s >= 0) x[1 + s] = 1;
  if (digits.length === PROPENSITY_SIGNALS.length) {
    for (let k = 0; k < digits.length; k++) {
      const d = Number(digits[k]);
      if (Number.isInteger(d) && d >= 0 && d <= 3) x[1 + MODEL_SEGMENTS.length + k] = (d - 1.5) / 1.5;
    }
  }
  if (vectorCache.size < 50_000) vectorCache.set(key, x);
  return x;
}

/** Evidence for one action and one feature key; trials and accepted may be age-weighted (fractional). */
export type PropensityEvidence = { featureKey: string; trials: number; accepted: number };

export type ActionPropensityModel = {
  mean: Float64Array;
  /** Posterior covariance H⁻¹, row-major FEATURE_DIMENSION². */
  covariance: Float64Array;
  /** Weighted trials the fit saw. */
  trials: number;
};

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function priorOf(prior: BetaParams): { mean: Float64Array; precision: Float64Array } {
  const d = FEATURE_DIMENSION;
  const mean = new Float64Array(d);
  const precision = new Float64Array(d);
  const m = Math.min(0.999, Math.max(0.001, prior.alpha / (prior.alpha + prior.beta)));
  mean[0] = logit(m);
  precision[0] = 1 / (1 / prior.alpha + 1 / prior.beta);
  for (let i = 1; i <= MODEL_SEGMENTS.length; i++) precision[i] = 1 / (SEGMENT_SD * SEGMENT_SD);
  for (let i = 1 + MODEL_SEGMENTS.length; i < d; i++) precision[i] = 1 / (SIGNAL_SD * SIGNAL_SD);
  return { mean, precision };
}

/** Cholesky factor L (lower, row-major) of a symmetric positive-definite matrix; throws if it is not. */
function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error("matrix is not positive definite");
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  return l;
}

function choleskySolve(l: Float64Array, b: Float64Array, d: number): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * y[k]!;
    y[i] = s / l[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * x[k]!;
    x[i] = s / l[i * d + i]!;
  }
  return x;
}

const NEWTON_STEPS = 25;

/** MAP fit and Laplace posterior for one action. */
export function fitActionPropensity(evidence: readonly PropensityEvidence[], prior: BetaParams): ActionPropensityModel {
  const d = FEATURE_DIMENSION;
  const p0 = priorOf(prior);
  const rows = evidence.filter((e) => e.trials > 0).map((e) => ({ x: featureVector(e.featureKey), n: e.trials, y: Math.min(e.accepted, e.trials) }));
  const theta = Float64Array.from(p0.mean);
  let hessian = new Float64Array(d * d);
  for (let step = 0; step < NEWTON_STEPS; step++) {
    const grad = new Float64Array(d);
    hessian = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      grad[i] = -p0.precision[i]! * (theta[i]! - p0.mean[i]!);
      hessian[i * d + i] = p0.precision[i]!;
    }
    for (const r of rows) {
      let z = 0;
      for (let i = 0; i < d; i++) z += r.x[i]! * theta[i]!;
      const p = sigmoid(z);
      const resid = r.y - r.n * p;
      const w = r.n * p * (1 - p);
      for (let i = 0; i < d; i++) {
        const xi = r.x[i]!;
        if (xi === 0) continue;
        grad[i] = grad[i]! + resid * xi;
        for (let j = 0; j <= i; j++) hessian[i * d + j] = hessian[i * d + j]! + w * xi * r.x[j]!;
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) hessian[j * d + i] = hessian[i * d + j]!;
    const delta = choleskySolve(cholesky(hessian, d), grad, d);
    let size = 0;
    for (let i = 0; i < d; i++) {
      // Damped: a logit step above 2 is cut, which keeps separable data from diverging.
      const step_i = Math.max(-2, Math.min(2, delta[i]!));
      theta[i] = theta[i]! + step_i;
      size = Math.max(size, Math.abs(step_i));
    }
    if (size < 1e-6) break;
  }
  // Covariance: H⁻¹ column by column.
  const l = cholesky(hessian, d);
  const covariance = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    const col = choleskySolve(l, e, d);
    for (let i = 0; i < d; i++) covariance[i * d + j] = col[i]!;
  }
  return { mean: theta, covariance, trials: rows.reduce((s, r) => s + r.n, 0) };
}

/** Beta pseudo-trials are kept in [MIN, MAX] so a summary is never degenerate nor over-confident beyond the data. */
const MIN_BETA_STRENGTH = 2;
const MAX_BETA_STRENGTH = 100_000;

/**
 * The customer's P(accept) under the model: the posterior-mean probability
 * (the probit approximation of E[σ(z)], z ~ N(m, s²)) and a Beta with that
 * mean and the delta-method variance p²(1-p)²s², for Thompson sampling.
 */
export function predictAcceptance(model: ActionPropensityModel, key: string): { mean: number; posterior: BetaParams } {
  const d = FEATURE_DIMENSION;
  const x = featureVector(key);
  let m = 0;
  let s2 = 0;
  for (let i = 0; i < d; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    m += xi * model.mean[i]!;
    for (let j = 0; j < d; j++) s2 += xi * model.covariance[i * d + j]! * x[j]!;
  }
  const mean = Math.min(0.999, Math.max(0.001, sigmoid(m / Math.sqrt(1 + (Math.PI * s2) / 8))));
  const variance = Math.max(1e-12, (mean * (1 - mean)) ** 2 * s2);
  const strength = Math.min(MAX_BETA_STRENGTH, Math.max(MIN_BETA_STRENGTH, (mean * (1 - mean)) / variance - 1));
  return { mean, posterior: { alpha: mean * strength, beta: (1 - mean) * strength } };
}

const modelCache = new WeakMap<StatsTable, Map<string, ActionPropensityModel | null>>();

/**
 * The action's fitted model for this statistics table (fitted once per table
 * and prior, then reused by every customer of the batch), or null when the
 * table carries no per-customer evidence (the segment-level estimate applies).
 */
export function actionPropensityModel(table: StatsTable, actionKey: string, prior: BetaParams): ActionPropensityModel | null {
  const stored = table.models?.get(actionKey);
  if (stored) return stored;
  if (!table.evidence) return null;
  let byAction = modelCache.get(table);
  if (!byAction) modelCache.set(table, (byAction = new Map()));
  const cacheKey = `${actionKey}|${prior.alpha}|${prior.beta}`;
  let model = byAction.get(cacheKey);
  if (model === undefined) byAction.set(cacheKey, (model = fitActionPropensity(table.evidence.get(actionKey) ?? [], prior)));
  return model;
}

/**
 * The customer's P(accept) for an action: the individual model's when the
 * table carries per-customer evidence, else the segment-level Beta-Binomial
 * estimate (shrunk towards the action's other segments).
 */
export function acceptanceEstimate(
  table: StatsTable,
  actionKey: string,
  prior: BetaParams,
  segment: string,
  key: string,
  /** The segment estimate, when the caller has it already (the engine needs it for conversion too). */
  est: SegmentEstimate = segmentEstimate(table, actionKey, segment, prior),
): { mean: number; posterior: BetaParams; evidenceTrials: number } {
  const model = actionPropensityModel(table, actionKey, prior);
  if (model) return { ...predictAcceptance(model, key), evidenceTrials: est.evidenceTrials };
  const posterior = acceptancePosterior(est.stats, est.acceptancePrior);
  return { mean: betaMean(posterior), posterior, evidenceTrials: est.evidenceTrials };
}

// ---------------------------------------------------------------- stored versions

/**
 * A model version as stored (ModelVersion.parameters): the segment-level
 * statistics (conversion after acceptance, and acceptance for an action the
 * version has no fitted model of) and each action's fitted propensity model
 * with the prior it was fitted under. Scoring with it needs no evidence and no
 * refit: what was evaluated is exactly what scores.
 */
export type FrozenModel = {
  rows: { actionKey: string; segment: string; shown: number; accepted: number; converted: number }[];
  models: Record<string, { prior: BetaParams; mean: number[]; covariance: number[]; trials: number }>;
};

/** Fits every given action's model on the table and freezes it with the table's segment rows. */
export function freezeModel(table: StatsTable, actions: readonly { key: string; prior: BetaParams }[]): FrozenModel {
  const rows: FrozenModel["rows"] = [];
  for (const [key, s] of table) {
    const [actionKey = "", segment = ""] = key.split("\u0000");
    if (segment === ALL_SEGMENTS) continue;
    rows.push({ actionKey, segment, shown: s.shown, accepted: s.accepted, converted: s.converted });
  }
  const models: FrozenModel["models"] = {};
  for (const a of actions) {
    const m = actionPropensityModel(table, a.key, a.prior);
    if (m) models[a.key] = { prior: a.prior, mean: [...m.mean], covariance: [...m.covariance], trials: m.trials };
  }
  return { rows, models };
}

/** The statistics table a stored version scores with (build once per version: the fitted models are reused for every customer). */
export function thawModel(frozen: FrozenModel): StatsTable {
  const table = buildStatsTable(frozen.rows satisfies StatsRow[]);
  const models = new Map<string, ActionPropensityModel>();
  for (const [key, m] of Object.entries(frozen.models)) {
    if (m.mean.length !== FEATURE_DIMENSION || m.covariance.length !== FEATURE_DIMENSION * FEATURE_DIMENSION) continue; // an older feature layout: the segment statistics apply
    models.set(key, { mean: Float64Array.from(m.mean), covariance: Float64Array.from(m.covariance), trials: m.trials });
  }
  return Object.assign(table, { models });
}
