// Off-policy simulation: decisions logged under Thompson sampling (with pick
// probabilities from pickProbability), a better deterministic target policy
// (greedy on the true acceptance rates), and the question whether the SNIPS
// interval covers the target's true acceptance rate about 95% of the time.
import { pickProbability, type PolicyCandidate } from "@/lib/engine/pick-probability";
import { betaSample } from "@/lib/engine/learning";
import { offPolicyEstimate, snipsBootstrapInterval, type LoggedDecision } from "../off-policy";
import { pickWeighted, seededRng, tally, type Rng, type Tally } from "./random";
import { contains } from "./uplift";

export type OffPolicyWorld = {
  actions: readonly { key: string; baseScore: number }[];
  segments: readonly { key: string; weight: number; /** true P(accept) per action, same order */ rates: readonly number[] }[];
  /** Shown trials per segment and action behind the logging policy's posterior (prior Beta(1, 1)). */
  evidenceTrials: number;
};

export const DEFAULT_WORLD: OffPolicyWorld = {
  actions: [
    { key: "birthday-note", baseScore: 1 },
    { key: "renewal-call", baseScore: 1.3 },
    { key: "win-back", baseScore: 0.8 },
    { key: "cross-sell", baseScore: 1.1 },
  ],
  segments: [
    { key: "small", weight: 0.5, rates: [0.2, 0.12, 0.3, 0.15] },
    { key: "mid", weight: 0.3, rates: [0.1, 0.18, 0.14, 0.25] },
    { key: "key", weight: 0.2, rates: [0.35, 0.2, 0.15, 0.28] },
  ],
  evidenceTrials: 40,
};

export type OffPolicySimOptions = {
  replicates: number;
  /** Logged decisions per replicate. */
  decisions: number;
  world?: OffPolicyWorld;
  /** Monte Carlo draws of pickProbability (the engine's default is 200). */
  pickDraws?: number;
  /** Also measure the bootstrap interval (slower). */
  bootstrap?: boolean;
  seed?: string;
};

export type OffPolicySimResult = {
  /** The target's true acceptance rate: Σ segment weight × best true rate. */
  truth: number;
  /** Replicate 0, with its interval. */
  primary: { estimate: number | null; ci: { lower: number; upper: number } | null; covered: boolean; matched: number; effectiveSampleSize: number };
  delta: Tally;
  bootstrap: Tally | null;
  meanEffectiveSampleSize: number;
  /** Mean estimate − truth over replicates. */
  bias: number;
};

/** Target policy: in each segment, the action with the highest true acceptance rate. */
export function greedyTarget(world: OffPolicyWorld): number[] {
  return world.segments.map((s) => s.rates.reduce((best, r, i) => (r > s.rates[best]! ? i : best), 0));
}

export function simulateOffPolicy(o: OffPolicySimOptions): OffPolicySimResult {
  const world = o.world ?? DEFAULT_WORLD;
  const target = greedyTarget(world);
  const truth = world.segments.reduce((s, seg, k) => s + seg.weight * seg.rates[target[k]!]!, 0);
  const segWeights = world.segments.map((s) => s.weight);
  const delta: Tally = { hits: 0, total: 0 };
  const boot: Tally | null = o.bootstrap ? { hits: 0, total: 0 } : null;
  let primary: OffPolicySimResult["primary"] | null = null;
  let essSum = 0;
  let estimateSum = 0;

  for (let r = 0; r < o.replicates; r++) {
    const rng = seededRng(`${o.seed ?? "off-policy"}|${r}`);
    const pickRng = seededRng(`${o.seed ?? "off-policy"}|${r}|pick`);
    // The logging policy's belief: a Beta(1, 1) prior updated with some evidence per segment and action.
    const candidates: PolicyCandidate[][] = world.segments.map((seg) =>
      world.actions.map((a, i) => {
        const successes = binomial(rng, world.evidenceTrials, seg.rates[i]!);
        const posterior = { alpha: 1 + successes, beta: 1 + world.evidenceTrials - successes };
        return { actionKey: a.key, baseScore: a.baseScore, meanPropensity: posterior.alpha / (posterior.alpha + posterior.beta), posterior, exploring: true };
      }),
    );
    // Every customer of a segment faces the same candidates, so each pick
    // probability is computed once per replicate (its Monte Carlo error is
    // then shared by the segment's decisions: harsher than per decision).
    const logging = candidates.map((cs) => cs.map((c) => pickProbability(cs, c.actionKey, pickRng, o.pickDraws)));

    const log: LoggedDecision[] = [];
    for (let d = 0; d < o.decisions; d++) {
      const k = pickWeighted(rng, segWeights);
      const chosen = thompsonChoice(candidates[k]!, rng);
      log.push({
        reward: rng() < world.segments[k]!.rates[chosen]! ? 1 : 0,
        loggingProbability: logging[k]![chosen]!,
        targetProbability: chosen === target[k] ? 1 : 0,
      });
    }
    const est = offPolicyEstimate(log);
    const covered = contains(est.ci, truth);
    tally(delta, covered);
    essSum += est.effectiveSampleSize;
    estimateSum += est.estimate ?? NaN;
    if (r === 0) primary = { estimate: est.estimate, ci: est.ci, covered, matched: est.matched, effectiveSampleSize: est.effectiveSampleSize };
    if (boot) tally(boot, contains(snipsBootstrapInterval(log, seededRng(`${o.seed ?? "off-policy"}|${r}|boot`), 500), truth));
  }
  return {
    truth,
    primary: primary ?? { estimate: null, ci: null, covered: false, matched: 0, effectiveSampleSize: 0 },
    delta,
    bootstrap: boot,
    meanEffectiveSampleSize: essSum / Math.max(1, o.replicates),
    bias: estimateSum / Math.max(1, o.replicates) - truth,
  };
}

/** The engine's choice when every candidate explores: the best baseScore × Beta draw, ties to the smaller key. */
function thompsonChoice(cs: readonly PolicyCandidate[], rng: Rng): number {
  let best = -1;
  let bestScore = -Infinity;
  cs.forEach((c, i) => {
    const s = c.baseScore * betaSample(c.posterior.alpha, c.posterior.beta, rng);
    if (s > bestScore || (s === bestScore && c.actionKey.localeCompare(cs[best]!.actionKey) < 0)) {
      best = i;
      bestScore = s;
    }
  });
  return best;
}

function binomial(rng: Rng, n: number, p: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (rng() < p) x++;
  return x;
}
