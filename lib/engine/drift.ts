// Model lifecycle, the pure part: is the world drifting away from the model
// (acceptance shift, population stability of the signals), and does a
// retrained challenger predict recent outcomes better than the champion
// (shadow evaluation on a window neither was trained on)?

/** Admin-settable thresholds; defaults below. */
export type DriftThresholds = {
  /** Fires when observed acceptance differs from predicted by at least this much (absolute, 0-1)... */
  acceptanceShift: number;
  /** ...and the difference is at least this many standard errors (so a handful of trials cannot fire it). */
  zScore: number;
  /** Population stability index of the signals' buckets at or above which the population has shifted. */
  psi: number;
};

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = Object.freeze({ acceptanceShift: 0.1, zScore: 4, psi: 0.2 });

/** Evidence discounted when an action drifts: outcomes from before the drift count this much (times their age weight). */
export const DRIFT_DISCOUNT = 0.1;

/** An (action, segment) whose evidence from before `before` is discounted by DRIFT_DISCOUNT (kept by every later version). */
export type DriftDiscount = { actionKey: string; segment: string; before: Date };

/** One action's recent window: suggestions shown, acted on, and the sum of the propensities the model predicted for them. */
export type AcceptanceWindow = { actionKey: string; shown: number; accepted: number; predictedSum: number };

export type AcceptanceDrift = { actionKey: string; shown: number; observed: number; predicted: number; shift: number; z: number; fired: boolean };

/**
 * Acceptance shift per action: observed rate k/n against the mean predicted
 * p̄, z = (k − n·p̄) / √(n·p̄(1−p̄)). Fires when both |k/n − p̄| and |z| reach
 * their thresholds.
 */
export function acceptanceDrift(windows: readonly AcceptanceWindow[], t: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS): AcceptanceDrift[] {
  return windows
    .filter((w) => w.shown > 0)
    .map((w) => {
      const predicted = Math.min(0.999, Math.max(0.001, w.predictedSum / w.shown));
      const observed = w.accepted / w.shown;
      const z = (w.accepted - w.shown * predicted) / Math.sqrt(w.shown * predicted * (1 - predicted));
      const shift = observed - predicted;
      return { actionKey: w.actionKey, shown: w.shown, observed, predicted, shift, z, fired: Math.abs(shift) >= t.acceptanceShift && Math.abs(z) >= t.zScore };
    });
}

/**
 * Population stability index between a reference and a recent distribution
 * over the same categories (counts): Σ (a − e) · ln(a / e) on shares, each
 * share floored at 1e-4 so an empty category does not make it infinite.
 * Conventional reading: < 0.1 stable, 0.1-0.2 moderate, > 0.2 shifted.
 */
export function populationStabilityIndex(reference: ReadonlyMap<string, number>, recent: ReadonlyMap<string, number>): number {
  const keys = new Set([...reference.keys(), ...recent.keys()]);
  const total = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  const e0 = total(reference);
  const a0 = total(recent);
  if (e0 === 0 || a0 === 0) return 0;
  let psi = 0;
  for (const k of keys) {
    const e = Math.max(1e-4, (reference.get(k) ?? 0) / e0);
    const a = Math.max(1e-4, (recent.get(k) ?? 0) / a0);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** A prediction and what happened. */
export type Scored = { predicted: number; accepted: boolean };

export type ModelMetrics = {
  n: number;
  /** Mean squared error of the predicted probability. */
  brier: number;
  /** Mean negative log-likelihood (natural log), predictions clipped to [1e-6, 1 − 1e-6]. */
  logLoss: number;
  /** P(a random accepted one is scored above a random other), ties counted half; null without both outcomes. */
  auc: number | null;
  /** Share classified right when "accepted" is predicted at p ≥ 0.5. */
  accuracy: number;
  /** Of those predicted accepted (p ≥ 0.5), the share accepted; null when none is. */
  precision: number | null;
  /** Mean predicted minus observed acceptance (calibration in the large). */
  calibrationGap: number;
};

export function modelMetrics(points: readonly Scored[]): ModelMetrics | null {
  const n = points.length;
  if (n === 0) return null;
  let brier = 0;
  let logLoss = 0;
  let right = 0;
  let predictedPositive = 0;
  let truePositive = 0;
  let sumP = 0;
  let accepted = 0;
  for (const p of points) {
    const y = p.accepted ? 1 : 0;
    const q = Math.min(1 - 1e-6, Math.max(1e-6, p.predicted));
    brier += (p.predicted - y) ** 2;
    logLoss -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
    const call = p.predicted >= 0.5;
    if (call === p.accepted) right++;
    if (call) {
      predictedPositive++;
      if (p.accepted) truePositive++;
    }
    sumP += p.predicted;
    accepted += y;
  }
  return {
    n,
    brier: brier / n,
    logLoss: logLoss / n,
    auc: auc(points),
    accuracy: right / n,
    precision: predictedPositive ? truePositive / predictedPositive : null,
    calibrationGap: (sumP - accepted) / n,
  };
}

/** Mann-Whitney AUC by sorting: O(n log n). */
function auc(points: readonly Scored[]): number | null {
  const sorted = [...points].sort((a, b) => a.predicted - b.predicted);
  const pos = sorted.filter((p) => p.accepted).length;
  const neg = sorted.length - pos;
  if (pos === 0 || neg === 0) return null;
  // Sum of the positives' mid-ranks.
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.predicted === sorted[i]!.predicted) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k]!.accepted) rankSum += midRank;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Promote the challenger when its log loss on the shadow window is lower (both evaluated on outcomes neither was trained on). */
export function shouldPromote(champion: ModelMetrics | null, challenger: ModelMetrics | null): boolean {
  if (!challenger) return false;
  if (!champion) return true;
  return challenger.logLoss < champion.logLoss;
}
