import { describe, expect, it } from "vitest";
import { seededRng } from "@/lib/engine/learning";
import { offPolicyEstimate, snipsBootstrapInterval, type LoggedDecision } from "@/lib/metrics/off-policy";

const d = (reward: number, loggingProbability: number, targetProbability: number): LoggedDecision => ({ reward, loggingProbability, targetProbability });

describe("offPolicyEstimate (SNIPS)", () => {
  it("weights matched decisions by target / logging probability, worked by hand", () => {
    // weights 1/0.5 = 2, 1/0.25 = 4, 1/0.8 = 1.25; the last decision is unmatched.
    const log = [d(1, 0.5, 1), d(0, 0.25, 1), d(1, 0.8, 1), d(1, 0.5, 0)];
    const r = offPolicyEstimate(log);
    // V = (2 + 0 + 1.25) / 7.25 = 0.448276
    expect(r.n).toBe(4);
    expect(r.matched).toBe(3);
    expect(r.estimate).toBeCloseTo(3.25 / 7.25, 12);
    // ESS = 7.25² / (4 + 16 + 1.5625) = 52.5625 / 21.5625 = 2.4377
    expect(r.effectiveSampleSize).toBeCloseTo(52.5625 / 21.5625, 12);
    // Σ w²(r − V)² = 4 · 0.551724² + 16 · 0.448276² + 1.5625 · 0.551724² = 1.21760 + 3.21522 + 0.47563 = 4.90845; se = √4.90845 / 7.25 = 0.30559
    const v = 3.25 / 7.25;
    const se = Math.sqrt(4 * (1 - v) ** 2 + 16 * v ** 2 + 1.5625 * (1 - v) ** 2) / 7.25;
    expect(se).toBeCloseTo(0.30559, 5);
    // v ∓ 1.96 se = −0.150 to 1.047: both ends clipped to [0, 1].
    expect(r.ci).toEqual({ lower: 0, upper: 1 });
    expect(r.statement).toContain("This is an estimate from past decisions, not a measured result.");
    expect(r.statement).toContain("Few comparable decisions");
  });

  it("is the plain acceptance rate when the logging policy was deterministic and agrees", () => {
    const log = [...Array(30).fill(d(1, 1, 1)), ...Array(70).fill(d(0, 1, 1))];
    const r = offPolicyEstimate(log);
    expect(r.estimate).toBeCloseTo(0.3, 12);
    expect(r.effectiveSampleSize).toBeCloseTo(100, 10);
    // Equal weights: the delta variance is V(1 − V)/n, the Wald interval.
    expect(r.ci!.upper - 0.3).toBeCloseTo(1.959963984540054 * Math.sqrt(0.21 / 100), 12);
    expect(r.statement).toBe(
      "Estimated acceptance rate under the target policy: 30.0% (95% CI 21.0% to 39.0%), from 100 of 100 logged decisions it would also have made (effective sample size 100). This is an estimate from past decisions, not a measured result.",
    );
  });

  it("uses the Wilson interval at the effective sample size when all matched rewards agree", () => {
    const r = offPolicyEstimate(Array(40).fill(d(0, 0.5, 1)));
    expect(r.estimate).toBe(0);
    // Wilson upper limit for 0 of 40: z² / (40 + z²) = 3.8415 / 43.8415 = 0.08762
    expect(r.ci!.lower).toBe(0);
    expect(r.ci!.upper).toBeCloseTo(3.841458820694124 / (40 + 3.841458820694124), 12);
  });

  it("has no estimate without matched decisions", () => {
    expect(offPolicyEstimate([])).toMatchObject({ n: 0, matched: 0, estimate: null, ci: null, statement: "No logged decisions to estimate from." });
    expect(offPolicyEstimate([d(1, 0.5, 0)]).statement).toBe(
      "The target policy never agrees with a logged decision, so these logs cannot estimate it.",
    );
  });

  it("refuses a zero logging probability and rewards outside [0, 1]", () => {
    expect(() => offPolicyEstimate([d(1, 0, 1)])).toThrow();
    expect(() => offPolicyEstimate([d(2, 0.5, 1)])).toThrow();
  });
});

describe("snipsBootstrapInterval", () => {
  it("is reproducible with a seeded rng and brackets the estimate", () => {
    const rng = seededRng("log");
    const log = Array.from({ length: 500 }, () => d(rng() < 0.3 ? 1 : 0, 0.2 + 0.6 * rng(), rng() < 0.5 ? 1 : 0));
    const a = snipsBootstrapInterval(log, seededRng("boot"), 400)!;
    const b = snipsBootstrapInterval(log, seededRng("boot"), 400)!;
    expect(a).toEqual(b);
    const est = offPolicyEstimate(log);
    expect(a.lower).toBeLessThan(est.estimate!);
    expect(a.upper).toBeGreaterThan(est.estimate!);
    // Same order of width as the delta-method interval.
    const ratio = (a.upper - a.lower) / (est.ci!.upper - est.ci!.lower);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });
});
