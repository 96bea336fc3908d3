// The probability the policy had of choosing an action for a customer, logged
// with each decision so that another policy can later be evaluated on the
// logs (off-policy evaluation, lib/metrics/off-policy.ts). Under Thompson
// sampling that probability has no closed form for more than two arms, so it
// is estimated by replaying the ranking `draws` times.
import { betaSample, type BetaParams, type Rng } from "./learning";

export type PolicyCandidate = {
  actionKey: string;
  /** businessValue × contextWeight × lever: the score per unit of propensity. */
  baseScore: number;
  /** Posterior-mean P(accept): the propensity of a candidate that does not explore. */
  meanPropensity: number;
  posterior: BetaParams;
  /** Ranked with a Beta(posterior) draw instead of the mean. */
  exploring: boolean;
};

export const DEFAULT_PICK_DRAWS = 200;

/**
 * P(the policy picks `chosenKey`) among `candidates`, by Monte Carlo: each
 * draw scores every candidate as the engine does (baseScore × meanPropensity,
 * or baseScore × a Beta(posterior) draw when exploring), takes the best, ties
 * to the smaller actionKey (as compareCandidates), and counts the draws the
 * chosen action wins.
 *
 * Exact where the answer is certain, without drawing: 1 when the chosen
 * action wins whatever the draws (e.g. nothing explores and it is the
 * argmax), 0 when it cannot win. Otherwise wins / draws, clipped below at
 * 1 / (draws + 1): an action that can win has a positive probability, and a
 * logged probability of 0 would give it an infinite inverse-propensity weight.
 *
 * Pass an rng of its own (not the one that ranked the candidates), so logging
 * the probability does not change the decisions.
 */
export function pickProbability(candidates: readonly PolicyCandidate[], chosenKey: string, rng: Rng, draws = DEFAULT_PICK_DRAWS): number {
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be a positive integer, got ${draws}`);
  if (new Set(candidates.map((c) => c.actionKey)).size !== candidates.length) throw new RangeError("duplicate action keys");
  for (const c of candidates) {
    if (!(c.baseScore >= 0 && Number.isFinite(c.baseScore))) throw new RangeError(`baseScore of ${c.actionKey} must be finite and >= 0`);
    if (!(c.meanPropensity >= 0 && c.meanPropensity <= 1)) throw new RangeError(`meanPropensity of ${c.actionKey} must be in [0, 1]`);
    if (c.exploring && !(c.posterior.alpha > 0 && c.posterior.beta > 0)) throw new RangeError(`posterior of ${c.actionKey} must be positive`);
  }
  const chosen = candidates.find((c) => c.actionKey === chosenKey);
  if (!chosen) throw new RangeError(`${chosenKey} is not among the candidates`);

  // An exploring candidate with baseScore 0 always scores 0: treat it as fixed.
  const random = (c: PolicyCandidate) => c.exploring && c.baseScore > 0;
  const fixedScore = (c: PolicyCandidate) => (c.exploring ? 0 : c.baseScore * c.meanPropensity);
  const others = candidates.filter((c) => c !== chosen);
  const fixedOthers = others.filter((c) => !random(c));
  const randomOthers = others.filter(random);
  // The strongest fixed competitor (score, then key), or null.
  const bestFixed = fixedOthers.reduce<PolicyCandidate | null>((best, c) => (best === null || beats(fixedScore(c), c, fixedScore(best), best) ? c : best), null);
  const bestFixedScore = bestFixed ? fixedScore(bestFixed) : -Infinity;

  // Certain outcomes. An exploring score lies in (0, baseScore) almost surely.
  if (!random(chosen)) {
    const s = fixedScore(chosen);
    if (bestFixed && !beats(s, chosen, bestFixedScore, bestFixed)) return 0;
    if (randomOthers.length === 0) return 1;
    if (s === 0) return 0;
    if (randomOthers.every((c) => c.baseScore <= s)) return 1;
  } else {
    if (chosen.baseScore <= bestFixedScore) return 0;
    if (randomOthers.length === 0 && bestFixedScore <= 0) return 1;
  }

  let wins = 0;
  for (let d = 0; d < draws; d++) {
    const s = random(chosen) ? chosen.baseScore * betaSample(chosen.posterior.alpha, chosen.posterior.beta, rng) : fixedScore(chosen);
    let won = !bestFixed || beats(s, chosen, bestFixedScore, bestFixed);
    for (const c of randomOthers) {
      if (!won) break;
      won = beats(s, chosen, c.baseScore * betaSample(c.posterior.alpha, c.posterior.beta, rng), c);
    }
    if (won) wins++;
  }
  return Math.max(wins / draws, 1 / (draws + 1));
}

/** Score a (of candidate ca) ranks above score b (of cb): higher score, then the smaller key. */
function beats(a: number, ca: PolicyCandidate, b: number, cb: PolicyCandidate): boolean {
  return a > b || (a === b && ca.actionKey.localeCompare(cb.actionKey) < 0);
}
