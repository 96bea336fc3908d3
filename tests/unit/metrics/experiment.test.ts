import { describe, expect, it } from "vitest";
import {
  chiSquare1Survival,
  compareMeans,
  compareProportions,
  holdoutGuidance,
  incompleteBeta,
  lnGamma,
  minimumDetectableEffect,
  normalCdf,
  normalQuantile,
  sampleRatioMismatch,
  studentTCdf,
  studentTQuantile,
} from "@/lib/metrics/experiment";

// Reference values: standard normal and t tables (R's pnorm/qnorm/pt/qt give
// the same digits), chi-square critical values 3.841459 (p = 0.05), 6.634897
// (0.01) and 10.827566 (0.001).
describe("distribution helpers", () => {
  it("normal CDF and quantile match the tables", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 10);
    expect([normalQuantile(0), normalQuantile(1)]).toEqual([-Infinity, Infinity]);
    for (const p of [1e-6, 0.01, 0.3, 0.7, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
  });

  it("chi-square (1 df) survival at the textbook critical values", () => {
    expect(chiSquare1Survival(3.841458820694124)).toBeCloseTo(0.05, 12);
    expect(chiSquare1Survival(6.634896601021214)).toBeCloseTo(0.01, 12);
    expect(chiSquare1Survival(10.827566170662733)).toBeCloseTo(0.001, 12);
    expect(chiSquare1Survival(0)).toBe(1);
  });

  it("Student t CDF and quantiles match the t table, including fractional df", () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174707, 9);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451051977987, 10);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986, 10);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456301238, 10);
    expect(studentTQuantile(0.025, 30)).toBeCloseTo(-2.042272456301238, 10);
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959963984540054, 12);
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850709, 12);
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
    expect(studentTCdf(3, 1)).toBeCloseTo(0.5 + Math.atan(3) / Math.PI, 13);
    // df = 2 has a closed form too: F(t) = 1/2 + t / (2√(2 + t²)); check a fractional df sits between.
    expect(studentTCdf(1.5, 2)).toBeCloseTo(0.5 + 1.5 / (2 * Math.sqrt(2 + 1.5 ** 2)), 13);
    const mid = studentTCdf(1.5, 2.5);
    expect(mid).toBeGreaterThan(studentTCdf(1.5, 2));
    expect(mid).toBeLessThan(studentTCdf(1.5, 3));
  });

  it("ln Γ and the incomplete beta on closed forms", () => {
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a.
    expect(incompleteBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 14);
    expect(incompleteBeta(0.6, 3, 1)).toBeCloseTo(0.6 ** 3, 14);
  });
});

describe("sampleRatioMismatch", () => {
  it("flags a 46/54 split of 10,000 against 50/50 (χ² = 64)", () => {
    const r = sampleRatioMismatch(5400, 4600, 0.5);
    expect(r.chiSquare).toBeCloseTo(64, 10); // 2 · 400² / 5000
    expect(r.pValue).toBeLessThan(1e-14);
    expect(r.flagged).toBe(true);
    expect(r.observedControlShare).toBe(0.46);
    expect(r.statement).toContain("Sample ratio mismatch: control is 46.0% of 10,000 customers, 50.0% expected (p < 0.001)");
  });

  it("does not flag a 49.6/50.4 split (χ² = 0.64, p = 0.42)", () => {
    const r = sampleRatioMismatch(5040, 4960, 0.5);
    expect(r.chiSquare).toBeCloseTo(0.64, 10);
    expect(r.pValue).toBeCloseTo(0.4237107971667934, 8);
    expect(r.flagged).toBe(false);
  });

  it("weighs a 10% holdout by its expected counts", () => {
    // 1,100 control of 10,000 expecting 1,000: (100²/1000) + (100²/9000) = 11.11…, p = 0.00086.
    const r = sampleRatioMismatch(8900, 1100, 0.1);
    expect(r.chiSquare).toBeCloseTo(10 + 10 / 9, 10);
    expect(r.pValue).toBeCloseTo(chiSquare1Survival(100 / 9), 15);
    expect(r.flagged).toBe(true);
  });

  it("has nothing to flag without customers, and refuses a share outside (0, 1)", () => {
    expect(sampleRatioMismatch(0, 0, 0.1)).toMatchObject({ chiSquare: 0, pValue: 1, flagged: false });
    expect(() => sampleRatioMismatch(10, 10, 10)).toThrow();
  });
});

describe("minimumDetectableEffect", () => {
  it("is (z.975 + z.80) σ √(1/nT + 1/nC)", () => {
    // 2.801585 · √(0.1 · 0.9) · √(1/18000 + 1/2000) = 2.801585 · 0.3 · 0.0235702 = 0.0198102
    expect(minimumDetectableEffect({ kind: "proportion", baseline: 0.1, treatedN: 18000, controlN: 2000 })).toBeCloseTo(0.0198102, 6);
    // means: 2.801585 · 50 · √(2/400) = 9.9050
    expect(minimumDetectableEffect({ kind: "mean", baseline: 50, treatedN: 400, controlN: 400 })).toBeCloseTo(9.905, 3);
  });
  it("is null for an empty arm or a baseline without variation", () => {
    expect(minimumDetectableEffect({ kind: "proportion", baseline: 0.1, treatedN: 100, controlN: 0 })).toBeNull();
    expect(minimumDetectableEffect({ kind: "proportion", baseline: 0, treatedN: 100, controlN: 100 })).toBeNull();
    expect(minimumDetectableEffect({ kind: "mean", baseline: 0, treatedN: 100, controlN: 100 })).toBeNull();
  });
});

describe("compareProportions", () => {
  it("Newcombe interval, pooled z-test, MDE and days to detect on 56/70 vs 48/80", () => {
    const r = compareProportions({ treated: { x: 56, n: 70 }, control: { x: 48, n: 80 }, accrualDays: 10 });
    expect(r.difference).toBeCloseTo(0.2, 12);
    expect(r.relative).toBeCloseTo(1 / 3, 12);
    // Newcombe (1998) Table II, method 10: 0.0524 to 0.3339.
    expect(r.ci!.lower).toBeCloseTo(0.0524, 4);
    expect(r.ci!.upper).toBeCloseTo(0.3339, 4);
    // pooled 104/150; se = √(0.69333 · 0.30667 · (1/70 + 1/80)) = 0.075467; z = 2.6502; p = 0.00804
    expect(r.pValue).toBeCloseTo(0.008045, 5);
    // mde = 2.801585 · √(0.69333 · 0.30667) · √(1/70 + 1/80) = 0.21143; days = ⌈10 · ((0.21143 / 0.2)² − 1)⌉ = ⌈1.175⌉ = 2
    expect(r.mde).toBeCloseTo(0.21143, 5);
    expect(r.daysToDetect).toBe(2);
    expect(r.verdict).toBe("higher");
    expect(r.srm).toBeNull();
    expect(r.statement).toBe("Treated customers converted 20.0 points more than control (95% CI 5.2 to 33.4); p = 0.008.");
  });

  it("says no difference, with days still needed, when the interval includes zero", () => {
    const r = compareProportions({ treated: { x: 60, n: 300 }, control: { x: 50, n: 300 }, accrualDays: 30 });
    expect(r.verdict).toBe("no-difference");
    // pooled 110/600; mde = 2.801585 · √(0.18333 · 0.81667) · √(2/300) = 2.801585 · 0.386939 · 0.0816497 = 0.088512; d = 1/30
    // days = ⌈30 · ((0.088512 · 30)² − 1)⌉ = ⌈30 · 6.0509⌉ = ⌈181.5⌉
    expect(r.mde).toBeCloseTo(0.088512, 5);
    expect(r.daysToDetect).toBe(182);
    // z = (1/30) / √(0.149722 · 2/300) = 0.033333 / 0.031593 = 1.0551, p = 2 Φ(−1.0551) = 0.291
    expect(r.pValue).toBeCloseTo(0.2914, 3);
    expect(r.statement).toBe("Treated customers converted 3.3 points more than control (95% CI -2.9 to 9.5); p = 0.29. Not a clear difference.");
  });

  it("is already detectable (0 days) when the effect exceeds the MDE, and null days without accrual or effect", () => {
    expect(compareProportions({ treated: { x: 56, n: 70 }, control: { x: 30, n: 80 }, accrualDays: 7 }).daysToDetect).toBe(0);
    expect(compareProportions({ treated: { x: 56, n: 70 }, control: { x: 48, n: 80 } }).daysToDetect).toBeNull();
    expect(compareProportions({ treated: { x: 56, n: 70 }, control: { x: 48, n: 80 }, accrualDays: 0 }).daysToDetect).toBeNull();
    expect(compareProportions({ treated: { x: 50, n: 100 }, control: { x: 50, n: 100 }, accrualDays: 7 }).daysToDetect).toBeNull();
  });

  it("reports a lower rate as lower", () => {
    const r = compareProportions({ treated: { x: 48, n: 80 }, control: { x: 56, n: 70 } });
    expect(r.verdict).toBe("lower");
    expect(r.statement).toMatch(/^Treated customers converted 20.0 points less than control \(95% CI -33.4 to -5.2\)/);
  });

  it("names the proportion it compares when told (retention, churn: not 'converted')", () => {
    const lower = compareProportions({ treated: { x: 48, n: 80 }, control: { x: 56, n: 70 }, outcome: "churn" });
    expect(lower.statement).toMatch(/^Treated customers' churn was 20.0 points lower than control's \(95% CI -33.4 to -5.2\)/);
    const higher = compareProportions({ treated: { x: 56, n: 70 }, control: { x: 48, n: 80 }, outcome: "retention" });
    expect(higher.statement).toBe("Treated customers' retention was 20.0 points higher than control's (95% CI 5.2 to 33.4); p = 0.008.");
    expect(higher).not.toHaveProperty("outcome");
  });

  it("handles empty arms, all successes and small samples", () => {
    expect(compareProportions({ treated: { x: 0, n: 0 }, control: { x: 3, n: 10 } })).toMatchObject({ verdict: "no-data", difference: null, ci: null, pValue: null });
    expect(compareProportions({ treated: { x: 3, n: 10 }, control: { x: 0, n: 0 } }).statement).toBe(
      "No control customers in this period, so the difference cannot be measured.",
    );
    const all = compareProportions({ treated: { x: 50, n: 50 }, control: { x: 40, n: 40 } });
    expect(all).toMatchObject({ difference: 0, pValue: 1, mde: null, relative: 0, verdict: "too-small" });
    const small = compareProportions({ treated: { x: 9, n: 10 }, control: { x: 3, n: 10 } });
    expect(small.verdict).toBe("too-small");
    expect(small.statement).toMatch(/^Too few customers to say \(treated n=10, control n=10\)\./);
    expect(compareProportions({ treated: { x: 5, n: 50 }, control: { x: 0, n: 50 } }).relative).toBeNull();
  });

  it("adds the SRM warning to the sentence when the split is off", () => {
    const r = compareProportions({ treated: { x: 540, n: 5400 }, control: { x: 460, n: 4600 }, expectedControlShare: 0.5 });
    expect(r.srm?.flagged).toBe(true);
    expect(r.statement).toContain("Warning: Sample ratio mismatch");
    expect(compareProportions({ treated: { x: 500, n: 5040 }, control: { x: 496, n: 4960 }, expectedControlShare: 0.5 }).statement).not.toContain("Warning");
  });

  it("rejects impossible counts", () => {
    expect(() => compareProportions({ treated: { x: 11, n: 10 }, control: { x: 1, n: 10 } })).toThrow();
    expect(() => compareProportions({ treated: { x: 1.5, n: 10 }, control: { x: 1, n: 10 } })).toThrow();
  });
});

const arm = (values: number[]) => ({ n: values.length, sum: values.reduce((a, b) => a + b, 0), sumSq: values.reduce((a, b) => a + b * b, 0) });

describe("compareMeans (Welch)", () => {
  it("matches a Welch example worked by hand", () => {
    // treated 1,2,3 and control 0,1,2: difference 1, s² = 1 and 1, se = √(2/3),
    // df = (2/3)² / (2 · (1/3)² / 2) = 4, t = 1.224745, p = 0.28786, CI 1 ± 2.776445 · 0.816497
    const r = compareMeans({ treated: arm([1, 2, 3]), control: arm([0, 1, 2]) });
    expect(r.difference).toBe(1);
    expect(r.ci!.lower).toBeCloseTo(1 - 2.7764451051977987 * Math.sqrt(2 / 3), 9);
    expect(r.ci!.upper).toBeCloseTo(1 + 2.7764451051977987 * Math.sqrt(2 / 3), 9);
    expect(r.pValue).toBeCloseTo(0.2878641347, 8);
    expect(r.verdict).toBe("too-small");
  });

  it("uses Welch–Satterthwaite df for unequal variances", () => {
    // treated: 40 values of 10 ± 5 (s² = 25.641), control: 60 values of 8 ± 1 (s² = 1.01695)
    const t = arm(Array.from({ length: 40 }, (_, i) => (i % 2 ? 15 : 5)));
    const c = arm(Array.from({ length: 60 }, (_, i) => (i % 2 ? 9 : 7)));
    const qT = (25 * 40) / 39 / 40;
    const qC = (1 * 60) / 59 / 60;
    const df = (qT + qC) ** 2 / (qT ** 2 / 39 + qC ** 2 / 59);
    const r = compareMeans({ treated: t, control: c, accrualDays: 14 });
    expect(r.difference).toBeCloseTo(2, 12);
    expect(r.ci!.upper - 2).toBeCloseTo(studentTQuantile(0.975, df) * Math.sqrt(qT + qC), 10);
    expect(r.pValue).toBeCloseTo(2 * studentTCdf(-2 / Math.sqrt(qT + qC), df), 12);
    // (0.641026 + 0.016949)² / (0.641026²/39 + 0.016949²/59) = 0.432931 / 0.0105411 = 41.07
    expect(df).toBeCloseTo(41.07, 2);
    expect(r.verdict).toBe("higher");
    expect(r.daysToDetect).toBe(0);
    expect(r.statement).toMatch(/^Treated customers averaged 2.00 more than control \(95% CI 0.3\d to 3.6\d\); p = 0.0\d\d?\.$/);
  });

  it("handles zero variance, single units and empty arms", () => {
    const same = compareMeans({ treated: arm(Array(40).fill(5)), control: arm(Array(40).fill(5)) });
    expect(same).toMatchObject({ difference: 0, ci: { lower: 0, upper: 0 }, pValue: 1, mde: null, verdict: "no-difference" });
    const apart = compareMeans({ treated: arm(Array(40).fill(10)), control: arm(Array(40).fill(5)) });
    expect(apart).toMatchObject({ difference: 5, ci: { lower: 5, upper: 5 }, pValue: 0, verdict: "higher", relative: 1 });
    const one = compareMeans({ treated: arm([3]), control: arm([1, 2]) });
    expect(one).toMatchObject({ difference: 1.5, ci: null, pValue: null, verdict: "too-small" });
    expect(compareMeans({ treated: arm([]), control: arm([1, 2]) }).verdict).toBe("no-data");
    expect(compareMeans({ treated: arm([1, 2]), control: arm([0, 0]) }).relative).toBeNull();
  });
});

describe("holdoutGuidance", () => {
  it("turns a holdout size into the smallest detectable change", () => {
    const g = holdoutGuidance({ customers: 20000, pct: 10, baselineRate: 0.1 });
    expect(g).toMatchObject({ holdoutN: 2000, treatedN: 18000 });
    expect(g.mde).toBeCloseTo(0.0198102, 6);
    expect(g.relativeMde).toBeCloseTo(0.198102, 5);
    expect(g.statement).toBe(
      "A 10% holdout of 20,000 customers (2,000 held out, 18,000 treated) can detect a change of 2.0 points or more on a 10.0% conversion rate (20% relative), with 80% power at the 5% significance level.",
    );
  });
  it("says when it cannot measure anything", () => {
    const none = holdoutGuidance({ customers: 20000, pct: 0, baselineRate: 0.1 });
    expect(none.mde).toBe(Infinity);
    expect(none.relativeMde).toBeNull();
    expect(none.statement).toContain("leaves one group empty");
    expect(holdoutGuidance({ customers: 10, pct: 10, baselineRate: 0.5 }).statement).toContain("too small to detect any realistic change");
  });
});
