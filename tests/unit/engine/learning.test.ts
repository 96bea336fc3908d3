import { describe, expect, it } from "vitest";
import {
  betaSample,
  buildStatsTable,
  conversionRate,
  estimateKey,
  gammaSample,
  modelVersion,
  posteriorMean,
  propensity,
  segmentEstimate,
  seededRng,
  statsFingerprint,
  ALL_SEGMENTS,
} from "@/lib/engine";

describe("Beta posterior", () => {
  it("is (alpha + successes) / (alpha + beta + trials)", () => {
    expect(posteriorMean({ alpha: 2, beta: 8 }, { successes: 0, trials: 0 })).toBeCloseTo(0.2, 12);
    expect(posteriorMean({ alpha: 2, beta: 8 }, { successes: 38, trials: 90 })).toBeCloseTo(40 / 100, 12);
    expect(posteriorMean({ alpha: 1, beta: 1 }, { successes: 3, trials: 4 })).toBeCloseTo(4 / 6, 12);
  });

  it("computes conversion after acceptance from accepted -> converted", () => {
    // default conversion prior Beta(1, 4): (1 + 6) / (5 + 20)
    expect(conversionRate({ shown: 100, accepted: 20, converted: 6 })).toBeCloseTo(7 / 25, 12);
  });
});

describe("seeded randomness", () => {
  it("repeats exactly for the same seed and differs for another", () => {
    const a = seededRng("batch-2026-11-23");
    const b = seededRng("batch-2026-11-23");
    const c = seededRng("batch-2026-11-24");
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it("gives the same Thompson sample for the same seed", () => {
    const stats = { shown: 50, accepted: 12, converted: 3 };
    const draw = (seed: number) => propensity(stats, { alpha: 2, beta: 8 }, { explore: true, rng: seededRng(seed) });
    expect(draw(42)).toBe(draw(42));
    expect(draw(42)).not.toBe(draw(43));
  });

  it("returns the posterior mean when not exploring", () => {
    const stats = { shown: 50, accepted: 12, converted: 3 };
    expect(propensity(stats, { alpha: 2, beta: 8 }, { explore: false, rng: seededRng(1) })).toBeCloseTo(14 / 60, 12);
  });
});

describe("Gamma and Beta samplers", () => {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: number[]) => {
    const m = mean(xs);
    return mean(xs.map((x) => (x - m) ** 2));
  };

  it("Gamma sample means converge to the shape (shape ≥ 1 and < 1)", () => {
    const rng = seededRng("gamma");
    for (const shape of [0.5, 1, 3.5, 20]) {
      const xs = Array.from({ length: 20_000 }, () => gammaSample(shape, rng));
      expect(mean(xs)).toBeCloseTo(shape, shape < 5 ? 1 : 0);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    }
  });

  it("Beta sample means and variances converge to the analytic values", () => {
    const rng = seededRng("beta");
    for (const [a, b] of [
      [2, 8],
      [40, 60],
      [0.7, 0.9],
    ] as const) {
      const xs = Array.from({ length: 20_000 }, () => betaSample(a, b, rng));
      const m = a / (a + b);
      const v = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(Math.abs(mean(xs) - m)).toBeLessThan(0.01);
      expect(Math.abs(variance(xs) - v) / v).toBeLessThan(0.05);
      expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    }
  });
});

describe("segment estimates with shrinkage towards the action", () => {
  const prior = { alpha: 2, beta: 8 };
  const table = buildStatsTable([
    { actionKey: "cross_sell", segment: "SMB", shown: 2, accepted: 0, converted: 0 },
    { actionKey: "cross_sell", segment: "MID", shown: 300, accepted: 150, converted: 30 },
    { actionKey: "cross_sell", segment: "ENT", shown: 400, accepted: 40, converted: 8 },
  ]);

  it("pools all segments into the ALL_SEGMENTS row", () => {
    expect(table.get(estimateKey("cross_sell", ALL_SEGMENTS))).toEqual({ shown: 702, accepted: 190, converted: 38 });
  });

  it("falls back to other segments' evidence when the segment has few trials", () => {
    const est = segmentEstimate(table, "cross_sell", "SMB", prior);
    // others: 700 shown, 190 accepted -> pooled mean (2 + 190) / (10 + 700) = 0.27042
    // strength 10 + min(700, 20) = 30 -> prior Beta(8.1127, 21.8873); then + 0/2
    const pooledMean = 192 / 710;
    expect(est.acceptancePrior.alpha).toBeCloseTo(pooledMean * 30, 9);
    expect(est.acceptancePrior.alpha + est.acceptancePrior.beta).toBeCloseTo(30, 9);
    const p = propensity(est.stats, est.acceptancePrior, { explore: false, rng: seededRng(1) });
    expect(p).toBeCloseTo((pooledMean * 30) / 32, 9);
    expect(est.evidenceTrials).toBe(702);
  });

  it("lets a segment with many trials be ruled by its own data", () => {
    const mid = segmentEstimate(table, "cross_sell", "MID", prior);
    const p = propensity(mid.stats, mid.acceptancePrior, { explore: false, rng: seededRng(1) });
    expect(p).toBeGreaterThan(0.45);
    const ent = segmentEstimate(table, "cross_sell", "ENT", prior);
    expect(propensity(ent.stats, ent.acceptancePrior, { explore: false, rng: seededRng(1) })).toBeLessThan(0.13);
  });

  it("uses the admin prior when nothing is known", () => {
    const est = segmentEstimate(new Map(), "new_action", "SMB", prior);
    expect(est.acceptancePrior).toEqual(prior);
    expect(est.stats).toEqual({ shown: 0, accepted: 0, converted: 0 });
  });
});

describe("model version", () => {
  it("is bb-<date>-<8 hex> and changes with the stats", () => {
    const t1 = buildStatsTable([{ actionKey: "a", segment: "SMB", shown: 1, accepted: 1, converted: 0 }]);
    const t2 = buildStatsTable([{ actionKey: "a", segment: "SMB", shown: 2, accepted: 1, converted: 0 }]);
    const v1 = modelVersion(new Date("2026-11-23T10:00:00Z"), statsFingerprint(t1));
    expect(v1).toMatch(/^bb-2026-11-23-[0-9a-f]{8}$/);
    expect(modelVersion(new Date("2026-11-23T22:00:00Z"), statsFingerprint(t1))).toBe(v1);
    expect(modelVersion(new Date("2026-11-23T10:00:00Z"), statsFingerprint(t2))).not.toBe(v1);
  });
});
