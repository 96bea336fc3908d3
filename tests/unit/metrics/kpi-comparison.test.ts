import { describe, expect, it } from "vitest";
import { compareProportions } from "@/lib/metrics/experiment";
import { armInterval, compareKpi, detectionSentence, detectionText, durationText, splitText, verdictText } from "@/lib/metrics/kpi-comparison";

const arm = (n: number, sum: number, sumSq = sum) => ({ n, sum, sumSq });

describe("compareKpi", () => {
  it("compares a proportion KPI's successes (the arm's sum) with compareProportions", () => {
    const c = compareKpi("proportion", { treated: arm(1000, 120), control: arm(100, 8), accrualDays: 30, expectedControlShare: 0.1 });
    expect(c).toEqual(compareProportions({ treated: { x: 120, n: 1000 }, control: { x: 8, n: 100 }, accrualDays: 30, expectedControlShare: 0.1 }));
    // 12% against 8%.
    expect(c.difference).toBeCloseTo(0.04, 12);
    expect(c.srm?.expectedControlShare).toBe(0.1);
  });
  it("compares a mean KPI's per-unit values with Welch (values 1,2,3,4 against 0,0,1,1)", () => {
    const c = compareKpi("mean", { treated: arm(4, 10, 30), control: arm(4, 2, 2), accrualDays: 0, expectedControlShare: 0 });
    expect(c.kind).toBe("mean");
    expect([c.treated.value, c.control.value, c.difference]).toEqual([2.5, 0.5, 2]);
    // Without units' dates or an assignment share there is no pace and no split check.
    expect(c.daysToDetect).toBeNull();
    expect(c.srm).toBeNull();
  });
});

describe("words for the tables", () => {
  it("says when an effect becomes detectable", () => {
    // 30% against 10% of 1,000 and 100: far beyond the MDE.
    expect(detectionText(compareKpi("proportion", { treated: arm(1000, 300), control: arm(100, 10), accrualDays: 30, expectedControlShare: 0.1 }))).toBe("detectable now");
    // 15% against 10%: pooled p = 160/1100, MDE = 2.8016 · 0.35256 · √(1/1000 + 1/100) = 0.1036;
    // days = 30 · ((0.1036 / 0.05)² − 1) = 98.8 -> 99 days -> about 3 months.
    const moderate = compareKpi("proportion", { treated: arm(1000, 150), control: arm(100, 10), accrualDays: 30, expectedControlShare: 0.1 });
    expect(moderate.daysToDetect).toBe(99);
    expect(detectionText(moderate)).toBe("about 3 months");
    expect(detectionSentence(moderate)).toBe("About 99 days until an effect of this size would be detectable, at the current pace.");
    // 10.5% against 10%: thousands of days.
    expect(detectionText(compareKpi("proportion", { treated: arm(1000, 105), control: arm(100, 10), accrualDays: 30, expectedControlShare: 0.1 }))).toBe("over 2 years");
    // No control: nothing to say.
    expect(detectionText(compareKpi("proportion", { treated: arm(10, 1), control: arm(0, 0), accrualDays: 30, expectedControlShare: 0.1 }))).toBe("—");
  });
  it("rounds durations to days, then months", () => {
    expect([durationText(1), durationText(90), durationText(91), durationText(730), durationText(731)]).toEqual(["about 1 day", "about 90 days", "about 3 months", "about 24 months", "over 2 years"]);
  });
  it("judges a verdict by the KPI's good direction", () => {
    const lower = compareKpi("proportion", { treated: arm(1000, 100), control: arm(1000, 200), accrualDays: 30, expectedControlShare: 0.5 });
    expect(lower.verdict).toBe("lower");
    expect(verdictText(lower, false)).toBe("Lower: better");
    expect(verdictText(lower, true)).toBe("Lower: worse");
  });
  it("flags a broken split: 50 held out of 1,050 where 10% was expected (chi-square 32, p < 0.001)", () => {
    expect(splitText(compareKpi("proportion", { treated: arm(1000, 100), control: arm(50, 5), accrualDays: 30, expectedControlShare: 0.1 }))).toBe("Mismatch");
    expect(splitText(compareKpi("proportion", { treated: arm(945, 100), control: arm(105, 10), accrualDays: 30, expectedControlShare: 0.1 }))).toBe("OK");
  });
});

describe("armInterval", () => {
  it("gives Wilson's interval for a rate: 10 of 100 -> 5.52% to 17.44%", () => {
    const i = armInterval("proportion", arm(100, 10));
    expect(i?.lower).toBeCloseTo(0.0552, 4);
    expect(i?.upper).toBeCloseTo(0.1744, 4);
  });
  it("gives mean ± t·s/√n for a mean: values 1,2,3,4 -> 2.5 ± 3.182 · 1.291 / 2", () => {
    // s = √(5/3) = 1.29099; t(0.975, 3) = 3.18245; half-width 2.05426.
    const i = armInterval("mean", arm(4, 10, 30));
    expect(i?.lower).toBeCloseTo(2.5 - 2.05426, 4);
    expect(i?.upper).toBeCloseTo(2.5 + 2.05426, 4);
    expect(armInterval("mean", arm(1, 3, 9))).toBeNull();
    expect(armInterval("proportion", arm(0, 0))).toBeNull();
  });
});
