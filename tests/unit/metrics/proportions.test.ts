import { describe, expect, it } from "vitest";
import { compareToControl, newcombeDifference, waldDifference, wilson } from "@/lib/metrics/proportions";

// Worked examples from Newcombe RG (1998), "Interval estimation for the
// difference between independent proportions: comparison of eleven methods",
// Statistics in Medicine 17:873-890, Table II (method 1 = Wald, method 10 =
// hybrid score), and Newcombe (1998) "Two-sided confidence intervals for the
// single proportion", Table I (method 3 = Wilson score).
const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

describe("wilson", () => {
  it("matches Newcombe's single-proportion examples", () => {
    expect([r4(wilson(81, 263).lower), r4(wilson(81, 263).upper)]).toEqual([0.2553, 0.3662]);
    expect([r4(wilson(15, 148).lower), r4(wilson(15, 148).upper)]).toEqual([0.0624, 0.1605]);
    expect([r4(wilson(0, 20).lower), r4(wilson(0, 20).upper)]).toEqual([0, 0.1611]);
    expect([r4(wilson(1, 29).lower), r4(wilson(1, 29).upper)]).toEqual([0.0061, 0.1718]);
  });
});

describe("newcombeDifference (hybrid score, method 10)", () => {
  it.each([
    [56, 70, 48, 80, 0.2, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.6, 0.1705, 0.809],
    // (d) checked by hand from the two Wilson limits: 6/7 -> [0.4869, 0.9743], 2/7 -> [0.0822, 0.6411].
    [6, 7, 2, 7, 0.5714, 0.0582, 0.8062],
    [5, 56, 0, 29, 0.0893, -0.0381, 0.1926],
    [0, 10, 0, 20, 0, -0.1611, 0.2775],
  ])("%i/%i vs %i/%i: difference %f, CI %f to %f", (x1, n1, x2, n2, d, lo, hi) => {
    const r = newcombeDifference(x1, n1, x2, n2);
    expect([r4(r.difference), r4(r.lower), r4(r.upper)]).toEqual([d, lo, hi]);
  });
});

describe("waldDifference (method 1)", () => {
  it("matches Newcombe's Wald example and is narrower than the score interval", () => {
    const r = waldDifference(56, 70, 48, 80);
    expect([r4(r.lower), r4(r.upper)]).toEqual([0.0575, 0.3425]);
  });
  it("refuses empty groups", () => {
    expect(() => waldDifference(0, 0, 1, 2)).toThrow(RangeError);
    expect(() => newcombeDifference(1, 2, 0, 0)).toThrow(RangeError);
  });
});

describe("compareToControl", () => {
  it("calls a clear positive difference significant", () => {
    const r = compareToControl(56, 70, 48, 80);
    expect(r.significant).toBe(true);
    expect(r.smallSample).toBe(false);
    expect(r.verdict).toBe("higher");
    expect(r.statement).toBe("Converts higher than control by +20.0 pts (95% CI +5.2 pts to +33.4 pts); statistically significant at the 95% level.");
  });

  it("says so when the interval includes zero", () => {
    const r = compareToControl(60, 300, 50, 300);
    expect(r.uplift).toBeCloseTo(1 / 30, 10);
    expect(r.significant).toBe(false);
    expect(r.verdict).toBe("no-difference");
    expect(r.statement).toBe("No significant difference from control: +3.3 pts (95% CI -2.9 pts to +9.5 pts includes zero).");
  });

  it("warns instead of concluding when a group is small, even if the interval excludes zero", () => {
    const r = compareToControl(9, 10, 3, 10);
    expect(r.significant).toBe(true);
    expect(r.smallSample).toBe(true);
    expect(r.verdict).toBe("too-small");
    expect(r.statement).toContain("Too few recommendations to say (treated n=10, control n=10)");
  });

  it("warns when conversions are too few even in large groups", () => {
    expect(compareToControl(4, 500, 1, 400).smallSample).toBe(true);
  });

  it("has no verdict without a control group or without treated recommendations", () => {
    expect(compareToControl(5, 50, 0, 0)).toMatchObject({ verdict: "no-data", uplift: null, ci: null, significant: false });
    expect(compareToControl(0, 0, 5, 50).statement).toBe("No shown recommendations in this period.");
  });
});
