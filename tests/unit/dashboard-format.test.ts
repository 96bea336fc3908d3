import { describe, expect, it } from "vitest";
import { describeCatalogChange } from "@/components/dashboards/catalog-changes";
import { intervalText, mdeText } from "@/components/dashboards/comparison-table";
import { csvCell, csvHeader, displayCell, modelVersionLabel, periodColumn, tickText } from "@/components/dashboards/format";
import { changeText } from "@/components/dashboards/review-table";

describe("period cells", () => {
  it("label a period by its grain and keep the first day in the CSV", () => {
    expect(displayCell("2026-11-23", "week")).toBe("week of Nov 23, 2026");
    expect(displayCell("2026-11-01", "month")).toBe("Nov 2026");
    expect(displayCell("2026-10-01", "quarter")).toBe("2026 Q4");
    expect(tickText("2026-11-23", "week")).toBe("Nov 23");
    expect(csvCell("2026-10-01", "quarter")).toBe("2026-10-01");
    expect(csvHeader(periodColumn("month"))).toBe("Month (first day)");
  });
});

describe("differences", () => {
  it("sign amounts and counts", () => {
    expect([displayCell(3.2, "diffMoney"), displayCell(-1234.5, "diffMoney"), displayCell(0, "diffMoney")]).toEqual(["+$3.20", "-$1,234.50", "$0.00"]);
    expect([displayCell(0.125, "diffNum"), displayCell(-0.5, "diffNum"), displayCell(-12.3, "money")]).toEqual(["+0.13", "-0.50", "-$12"]);
    // Intervals: unsigned bounds, a true minus sign (never read as a spreadsheet formula), no "-0.0".
    expect(intervalText({ lower: -0.004, upper: 0.048 }, "percent")).toBe("−0.4 to 4.8 pts");
    expect(intervalText({ lower: -1.2, upper: 3.4 }, "currency")).toBe("−$1.20 to $3.40");
    expect(intervalText({ lower: -0.0001, upper: 0.01 }, "percent")).toBe("0.0 to 1.0 pts");
    expect(intervalText({ lower: -12.5, upper: -0.25 }, "count")).toBe("−12.50 to −0.25");
    expect(mdeText(0.023, "percent")).toBe("±2.3 pts");
    expect(mdeText(4.1, "currency")).toBe("±$4.10");
  });
  it("word the review's change: points for rates, percent for the rest", () => {
    expect(changeText({ current: 0.25, prior: 0.2, change: "points" })).toBe("+5.0 pts");
    expect(changeText({ current: 90, prior: 120, change: "relative" })).toBe("-25.0%");
    expect(changeText({ current: 5, prior: 0, change: "relative" })).toBe("—");
  });
});

describe("describeCatalogChange", () => {
  it("says what changed in words", () => {
    expect(describeCatalogChange({ action: "create", before: null, after: { name: "Birthday note", version: 1 } })).toBe("Created");
    expect(describeCatalogChange({ action: "update", before: { rule: { all: [] }, priority: 1, version: 2 }, after: { rule: { any: [] }, priority: 1, version: 3 } })).toBe("Edited (version 3): rule");
    expect(describeCatalogChange({ action: "deactivate", before: { active: true }, after: { active: false, expiredRecommendations: 12 } })).toBe("Switched off (12 open suggestions expired)");
    expect(describeCatalogChange({ action: "activate", before: { active: false }, after: { active: true } })).toBe("Switched on");
  });
});

describe("model version labels", () => {
  it("reads a Beta-Binomial version as the day of its statistics and the start of its fingerprint", () => {
    expect(modelVersionLabel("bb-2026-09-09-35a63106")).toBe("Sep 9, 2026 · 35a6");
    expect(modelVersionLabel("v1")).toBe("v1");
  });
});
