import { describe, expect, it } from "vitest";
import { KPI_KEYS } from "@/lib/metrics/kpi-definitions";
import { parseKpiParam } from "@/lib/validation/kpi-param";

describe("parseKpiParam", () => {
  it("defaults to conversion without a note", () => {
    expect(parseKpiParam({})).toEqual({ kpi: "conversion", notes: [] });
    expect(parseKpiParam({ kpi: "" })).toEqual({ kpi: "conversion", notes: [] });
  });
  it("keeps every KPI key, and the first of repeated parameters", () => {
    for (const k of KPI_KEYS) expect(parseKpiParam({ kpi: k })).toEqual({ kpi: k, notes: [] });
    expect(parseKpiParam({ kpi: ["churn", "upSell"] }).kpi).toBe("churn");
  });
  it("falls back with a note for anything else (keys are case-sensitive)", () => {
    expect(parseKpiParam({ kpi: "OrderValue" })).toEqual({ kpi: "conversion", notes: ['Ignored KPI "OrderValue" (not one of the business KPIs); showing conversion.'] });
    expect(parseKpiParam({ kpi: "x".repeat(100) }).notes[0]).toContain(`"${"x".repeat(40)}…"`);
    expect(parseKpiParam({ kpi: "__proto__" }).kpi).toBe("conversion");
  });
});
