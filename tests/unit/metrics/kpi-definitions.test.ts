import { describe, expect, it } from "vitest";
import { KPI_KEYS, KPIS, RETENTION_LOOKBACK_DAYS, isKpiKey } from "@/lib/metrics/kpi-definitions";

// The KPI definitions the dashboards print: one per key, each saying what it counts.
describe("KPI definitions", () => {
  it("has exactly one definition per key, filed under its own key", () => {
    expect(Object.keys(KPIS).sort()).toEqual([...KPI_KEYS].sort());
    for (const k of KPI_KEYS) expect(KPIS[k].key).toBe(k);
  });

  it("says which figures are shares and which are means, and which way is better", () => {
    const proportions = KPI_KEYS.filter((k) => KPIS[k].kind === "proportion");
    expect(proportions).toEqual(["conversion", "retention", "churn", "crossSell", "upSell"]);
    for (const k of proportions) expect(KPIS[k].unit).toBe("percent");
    expect(KPI_KEYS.filter((k) => !KPIS[k].higherIsBetter)).toEqual(["churn"]);
    expect(KPIS.revenuePerCustomer.unit).toBe("currency");
    expect(KPIS.webVisits.unit).toBe("count");
  });

  it("spells out the retention lookback and the buyers-only denominators", () => {
    expect(KPIS.retention.definition).toContain(`${RETENTION_LOOKBACK_DAYS} days before the window`);
    expect(KPIS.churn.definition).toContain(`${RETENTION_LOOKBACK_DAYS} days before the window`);
    expect(KPIS.orderValue.unitOfAnalysis).toContain("buyers only");
    expect(KPIS.crossSell.definition).toContain("a first purchase never counts");
  });

  it("recognises keys", () => {
    expect(isKpiKey("upSell")).toBe(true);
    expect(isKpiKey("upsell")).toBe(false);
  });
});
