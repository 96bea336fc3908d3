import { describe, expect, it } from "vitest";
import { addPeriods, isWholePeriod, lastCompletePeriod, periodName, periodRange, periodStartOf, periodTick, priorRange, rangeDays, rangeName } from "@/lib/metrics/periods";

// Calendar facts used below: 2026-11-23 is a Monday, 2026-11-29 a Sunday,
// 2026-12-02 a Wednesday; Q3 2026 has 92 days, February 2026 28.
describe("periods", () => {
  it("finds the start of a week (Monday), month and quarter", () => {
    expect(periodStartOf("week", "2026-11-29")).toEqual(new Date("2026-11-23T00:00:00Z"));
    expect(periodStartOf("week", "2026-11-23")).toEqual(new Date("2026-11-23T00:00:00Z"));
    expect(periodStartOf("week", new Date("2026-11-24T23:59:00Z"))).toEqual(new Date("2026-11-23T00:00:00Z"));
    expect(periodStartOf("month", "2026-11-29")).toEqual(new Date("2026-11-01T00:00:00Z"));
    expect(periodStartOf("quarter", "2026-11-29")).toEqual(new Date("2026-10-01T00:00:00Z"));
    expect(periodStartOf("quarter", "2026-03-31")).toEqual(new Date("2026-01-01T00:00:00Z"));
  });

  it("moves by whole periods across year ends", () => {
    expect(addPeriods("week", new Date("2026-12-28T00:00:00Z"), 1)).toEqual(new Date("2027-01-04T00:00:00Z"));
    expect(addPeriods("month", new Date("2026-01-01T00:00:00Z"), -1)).toEqual(new Date("2025-12-01T00:00:00Z"));
    expect(addPeriods("quarter", new Date("2026-01-01T00:00:00Z"), -1)).toEqual(new Date("2025-10-01T00:00:00Z"));
    expect(periodRange("month", "2026-02-14")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
  });

  it("defaults the review to the last complete period before today", () => {
    const now = new Date("2026-12-02T10:00:00Z");
    expect(lastCompletePeriod("week", now)).toEqual({ from: "2026-11-23", to: "2026-11-29" });
    expect(lastCompletePeriod("month", now)).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(lastCompletePeriod("quarter", now)).toEqual({ from: "2026-07-01", to: "2026-09-30" });
    // On the first day of a quarter the quarter just ended is complete.
    expect(lastCompletePeriod("quarter", new Date("2026-10-01T00:30:00Z"))).toEqual({ from: "2026-07-01", to: "2026-09-30" });
    expect(lastCompletePeriod("quarter", new Date("2026-02-15T12:00:00Z"))).toEqual({ from: "2025-10-01", to: "2025-12-31" });
  });

  it("compares a whole period with the calendar period before, any other range with as many days just before", () => {
    expect(priorRange("quarter", { from: "2026-07-01", to: "2026-09-30" })).toEqual({ from: "2026-04-01", to: "2026-06-30" });
    expect(priorRange("month", { from: "2026-03-01", to: "2026-03-31" })).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(priorRange("week", { from: "2026-11-23", to: "2026-11-29" })).toEqual({ from: "2026-11-16", to: "2026-11-22" });
    // Ten days (not a whole month) -> the ten days before.
    expect(priorRange("month", { from: "2026-11-01", to: "2026-11-10" })).toEqual({ from: "2026-10-22", to: "2026-10-31" });
    expect(rangeDays({ from: "2026-07-01", to: "2026-09-30" })).toBe(92);
    expect(isWholePeriod("quarter", { from: "2026-07-01", to: "2026-09-29" })).toBe(false);
  });

  it("names periods as the series label them", () => {
    expect(periodName("week", "2026-11-23")).toBe("week of Nov 23, 2026");
    expect(periodName("month", "2026-11-01")).toBe("Nov 2026");
    expect(periodName("quarter", "2026-10-01")).toBe("2026 Q4");
    expect(periodTick("week", "2026-11-23")).toBe("Nov 23");
    expect(periodTick("quarter", "2026-01-01")).toBe("2026 Q1");
    expect(rangeName("quarter", { from: "2026-07-01", to: "2026-09-30" })).toBe("2026 Q3");
    expect(rangeName("week", { from: "2026-11-23", to: "2026-11-29" })).toBe("week of Nov 23, 2026");
    expect(rangeName("month", { from: "2026-11-01", to: "2026-11-10" })).toBe("Nov 1, 2026 – Nov 10, 2026");
  });
});
