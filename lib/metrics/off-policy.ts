// Off-policy evaluation: what acceptance rate would another ("target") policy
// have had, estimated from decisions logged under the live policy, each with
// the probability the live policy had of making it (lib/engine/pick-probability.ts).
// Self-normalised inverse propensity scoring (SNIPS, Swaminathan & Joachims
// 2015) with a delta-method interval. It is an estimate from past decisions,
// never a measured result, and it is only as good as the logged probabilities.
import { z } from "zod";
import { Z95, type Interval } from "./proportions";
import type { Rng } from "@/lib/engine/learning";

export type LoggedDecision = {
  /** 0/1: accepted (any value in [0, 1] is allowed). */
  reward: number;
  /** P(live policy made this decision), > 0. */
  loggingProbability: number;
  /** P(target policy would have made it), 0 for a target that would have done something else. */
  targetProbability: number;
};

export type OffPolicyEstimate = {
  n: number;
  /** Decisions the target policy could have made (targetProbability > 0). */
  matched: number;
  estimate: number | null;
  ci: Interval | null;
  /** Kish: (Σw)² / Σw², w = target / logging probability. */
  effectiveSampleSize: number;
  statement: string;
};

/** Below this effective sample size the statement warns that the estimate is rough. */
export const MIN_EFFECTIVE_SAMPLE = 30;

const logSchema = z.array(
  z.object({
    reward: z.number().min(0).max(1),
    loggingProbability: z.number().gt(0).max(1),
    targetProbability: z.number().min(0).max(1),
  }),
);

/**
 * SNIPS: V = Σ wᵢ rᵢ / Σ wᵢ with wᵢ = targetᵢ / loggingᵢ.
 * Interval: V ± z·√(Σ wᵢ² (rᵢ − V)² / (Σ wᵢ)²), the delta-method (sandwich)
 * variance of a ratio estimator, clipped to [0, 1]. When every matched reward
 * is the same that variance is 0, and the Wilson interval at the effective
 * sample size is used instead (e.g. V = 0 with ESS 40 gives 0 to 8.8%).
 */
export function offPolicyEstimate(log: readonly LoggedDecision[]): OffPolicyEstimate {
  const rows = logSchema.parse(log);
  let sw = 0;
  let sw2 = 0;
  let swr = 0;
  let matched = 0;
  for (const r of rows) {
    if (r.targetProbability === 0) continue;
    const w = r.targetProbability / r.loggingProbability;
    matched++;
    sw += w;
    sw2 += w * w;
    swr += w * r.reward;
  }
  const n = rows.length;
  if (matched === 0) {
    return {
      n,
      matched,
      estimate: null,
      ci: null,
      effectiveSampleSize: 0,
      statement:
        n === 0 ? "No logged decisions to estimate from." : "The target policy never agrees with a logged decision, so these logs cannot estimate it.",
    };
  }
  const estimate = swr / sw;
  const ess = (sw * sw) / sw2;
  let v = 0;
  for (const r of rows) {
    if (r.targetProbability === 0) continue;
    const w = r.targetProbability / r.loggingProbability;
    v += w * w * (r.reward - estimate) ** 2;
  }
  const se = Math.sqrt(v) / sw;
  const ci = se > 0 ? { lower: Math.max(0, estimate - Z95 * se), upper: Math.min(1, estimate + Z95 * se) } : degenerateInterval(estimate, ess);
  return { n, matched, estimate, ci, effectiveSampleSize: ess, statement: sentence(n, matched, estimate, ci, ess) };
}

/** Wilson at the effective sample size, for an estimate with no spread in the matched rewards. */
function degenerateInterval(estimate: number, ess: number): Interval {
  const z2 = Z95 * Z95;
  const centre = estimate + z2 / (2 * ess);
  const half = Z95 * Math.sqrt((estimate * (1 - estimate)) / ess + z2 / (4 * ess * ess));
  const denom = 1 + z2 / ess;
  return { lower: Math.max(0, (centre - half) / denom), upper: Math.min(1, (centre + half) / denom) };
}

function sentence(n: number, matched: number, estimate: number, ci: Interval, ess: number): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const count = (v: number) => Math.round(v).toLocaleString("en-US");
  const base = `Estimated acceptance rate under the target policy: ${pct(estimate)} (95% CI ${pct(ci.lower)} to ${pct(ci.upper)}), from ${count(matched)} of ${count(n)} logged decisions it would also have made (effective sample size ${count(ess)}). This is an estimate from past decisions, not a measured result.`;
  return ess < MIN_EFFECTIVE_SAMPLE ? `${base} Few comparable decisions: treat it as a rough indication.` : base;
}

/**
 * Percentile bootstrap interval for the SNIPS estimate (resampling decisions
 * with a seeded rng). Kept for comparison: the simulation
 * (lib/metrics/simulation/off-policy.ts) measures both intervals' coverage.
 */
export function snipsBootstrapInterval(log: readonly LoggedDecision[], rng: Rng, resamples = 1000): Interval | null {
  const rows = logSchema.parse(log);
  const n = rows.length;
  if (n === 0) return null;
  const w = rows.map((r) => r.targetProbability / r.loggingProbability);
  const estimates: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let sw = 0;
    let swr = 0;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rng() * n);
      sw += w[i]!;
      swr += w[i]! * rows[i]!.reward;
    }
    if (sw > 0) estimates.push(swr / sw);
  }
  if (estimates.length === 0) return null;
  estimates.sort((a, b) => a - b);
  const at = (q: number) => estimates[Math.min(estimates.length - 1, Math.max(0, Math.floor(q * estimates.length)))]!;
  return { lower: at(0.025), upper: at(0.975) };
}
