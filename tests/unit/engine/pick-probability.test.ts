import { describe, expect, it } from "vitest";
import { seededRng, type Rng } from "@/lib/engine/learning";
import { pickProbability, type PolicyCandidate } from "@/lib/engine/pick-probability";
import { incompleteBeta, lnGamma } from "@/lib/metrics/experiment";

const fixed = (actionKey: string, baseScore: number, meanPropensity: number): PolicyCandidate => ({
  actionKey,
  baseScore,
  meanPropensity,
  posterior: { alpha: meanPropensity * 10, beta: (1 - meanPropensity) * 10 },
  exploring: false,
});
const exploring = (actionKey: string, baseScore: number, alpha: number, beta: number): PolicyCandidate => ({
  actionKey,
  baseScore,
  meanPropensity: alpha / (alpha + beta),
  posterior: { alpha, beta },
  exploring: true,
});
function countingRng(seed: string): Rng & { calls: () => number } {
  const rng = seededRng(seed);
  let n = 0;
  return Object.assign(() => (n++, rng()), { calls: () => n });
}

describe("pickProbability: certain outcomes are exact and draw nothing", () => {
  it("is 1 for the argmax and 0 for the others when nothing explores", () => {
    const cs = [fixed("a", 100, 0.2), fixed("b", 50, 0.5), fixed("c", 10, 0.9)];
    const rng = countingRng("x");
    // scores: a 20, b 25, c 9
    expect(pickProbability(cs, "b", rng)).toBe(1);
    expect(pickProbability(cs, "a", rng)).toBe(0);
    expect(pickProbability(cs, "c", rng)).toBe(0);
    expect(rng.calls()).toBe(0);
  });

  it("breaks ties by action key ascending, as compareCandidates", () => {
    const cs = [fixed("win-back", 50, 0.4), fixed("birthday", 40, 0.5)];
    expect(pickProbability(cs, "birthday", seededRng(1))).toBe(1);
    expect(pickProbability(cs, "win-back", seededRng(1))).toBe(0);
  });

  it("is 0 for an exploring action whose best possible score cannot beat a fixed one, and 1 for a fixed one no draw can reach", () => {
    // b's score is 10 × a draw in (0, 1): never above a's fixed 20.
    const cs = [fixed("a", 100, 0.2), exploring("b", 10, 5, 5)];
    expect(pickProbability(cs, "b", seededRng(2))).toBe(0);
    expect(pickProbability(cs, "a", seededRng(2))).toBe(1);
  });

  it("is 1 for the only candidate, exploring or not", () => {
    expect(pickProbability([exploring("a", 10, 2, 3)], "a", seededRng(3))).toBe(1);
    expect(pickProbability([fixed("a", 10, 0.3)], "a", seededRng(3))).toBe(1);
  });

  it("refuses an unknown key, duplicate keys and bad draws", () => {
    expect(() => pickProbability([fixed("a", 1, 0.5)], "z", seededRng(4))).toThrow(RangeError);
    expect(() => pickProbability([fixed("a", 1, 0.5), fixed("a", 2, 0.5)], "a", seededRng(4))).toThrow(RangeError);
    expect(() => pickProbability([fixed("a", 1, 0.5)], "a", seededRng(4), 0)).toThrow(RangeError);
  });
});

/** Beta(a, b) density, a and b ≥ 1. */
const betaPdf = (y: number, a: number, b: number) => Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + (a - 1) * Math.log(y) + (b - 1) * Math.log1p(-y));

/** P(sA·X > sB·Y), X ~ Beta(a1, b1), Y ~ Beta(a2, b2): ∫ f_Y(y) (1 − I_{min(1, sB·y/sA)}(a1, b1)) dy by Simpson's rule. */
function exactTwoArm(sA: number, a1: number, b1: number, sB: number, a2: number, b2: number): number {
  const m = 4000;
  const h = 1 / m;
  let total = 0;
  for (let k = 0; k <= m; k++) {
    const y = k * h;
    const f = y === 0 || y === 1 ? 0 : betaPdf(y, a2, b2) * (1 - incompleteBeta(Math.min(1, (sB * y) / sA), a1, b1));
    total += f * (k === 0 || k === m ? 1 : k % 2 ? 4 : 2);
  }
  return (total * h) / 3;
}

describe("pickProbability: Monte Carlo against exact probabilities", () => {
  it("two exploring arms: matches the numerical integral within 4 standard errors", () => {
    const cs = [exploring("a", 1.2, 5, 9), exploring("b", 1.0, 3, 7)];
    const exact = exactTwoArm(1.2, 5, 9, 1.0, 3, 7);
    // Sanity of the integral: the two probabilities sum to 1.
    expect(exact + exactTwoArm(1.0, 3, 7, 1.2, 5, 9)).toBeCloseTo(1, 6);
    expect(exact).toBeGreaterThan(0.6);
    expect(exact).toBeLessThan(0.8);
    const draws = 20_000;
    const se = Math.sqrt((exact * (1 - exact)) / draws);
    expect(Math.abs(pickProbability(cs, "a", seededRng("two-arm"), draws) - exact)).toBeLessThan(4 * se);
    // The default 200 draws: within 4 standard errors too.
    const se200 = Math.sqrt((exact * (1 - exact)) / 200);
    expect(Math.abs(pickProbability(cs, "b", seededRng("two-arm-200")) - (1 - exact))).toBeLessThan(4 * se200);
  });

  it("exploring against fixed: P(s·X > t) = 1 − I_{t/s}(α, β)", () => {
    const cs = [exploring("a", 2, 4, 6), fixed("b", 1, 0.8)];
    const exact = 1 - incompleteBeta(0.8 / 2, 4, 6);
    const draws = 20_000;
    const se = Math.sqrt((exact * (1 - exact)) / draws);
    expect(Math.abs(pickProbability(cs, "a", seededRng("vs-fixed"), draws) - exact)).toBeLessThan(4 * se);
  });

  it("the probabilities of all candidates sum to about 1", () => {
    const cs = [exploring("a", 1, 4, 16), exploring("b", 1.5, 3, 17), fixed("c", 1, 0.18), exploring("d", 0.8, 10, 30)];
    const total = cs.reduce((s, c) => s + pickProbability(cs, c.actionKey, seededRng(`sum-${c.actionKey}`), 20_000), 0);
    expect(total).toBeCloseTo(1, 1);
  });

  it("clips to 1/(draws + 1) an action that can win but was never seen winning", () => {
    // P(Beta(1, 200) > 0.1) = 0.9^200 ≈ 7e-10: possible, never seen in 200 draws.
    const cs = [exploring("a", 1, 1, 200), fixed("b", 1, 0.1)];
    expect(pickProbability(cs, "a", seededRng(5))).toBe(1 / 201);
    expect(pickProbability(cs, "b", seededRng(5))).toBe(1);
  });
});
