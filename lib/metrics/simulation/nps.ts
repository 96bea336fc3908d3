// NPS intervals against a known truth: answers drawn from a fixed share of
// promoters, passives and detractors; how often the 95% interval of
// lib/metrics/engagement.ts npsInterval covers the true NPS.
import { npsInterval } from "../engagement";
import { pickWeighted, seededRng, tally, type Tally } from "./random";

export interface NpsTruth {
  promoters: number;
  detractors: number;
}

export function simulateNps(opts: { truth: NpsTruth; n: number; replicates: number; seed: string }): Tally {
  const rng = seededRng(opts.seed);
  const { promoters: p, detractors: d } = opts.truth;
  const weights = [p, 1 - p - d, d];
  const trueNps = 100 * (p - d);
  const covered: Tally = { hits: 0, total: 0 };
  for (let r = 0; r < opts.replicates; r++) {
    const c = { promoters: 0, passives: 0, detractors: 0 };
    for (let i = 0; i < opts.n; i++) {
      const k = pickWeighted(rng, weights);
      if (k === 0) c.promoters++;
      else if (k === 1) c.passives++;
      else c.detractors++;
    }
    const res = npsInterval(c);
    tally(covered, res.interval !== null && res.interval.lower <= trueNps && trueNps <= res.interval.upper);
  }
  return covered;
}
