import { ChartCard } from "@/components/dashboards/chart-card";
import { Wide } from "@/components/dashboards/dashboard-frame";
import { displayCell, PERIOD_LABEL, periodColumn, type Column, type Row } from "@/components/dashboards/format";
import type { Grain } from "@/lib/validation/dashboard-filters";
import { Kpi, KpiGrid } from "@/components/dashboards/kpi";
import type { ConversionData, ConversionGroupRow } from "@/lib/data/metrics";
import { compareToControl } from "@/lib/metrics/proportions";
import { rate } from "@/lib/metrics/summary";
import { day } from "../load-dashboard";

const perGroup = (g: ConversionGroupRow): Row => ({
  shown: g.shown,
  accepted: g.accepted,
  converted: g.converted,
  conversionRate: rate(g.converted, g.accepted),
  revenue: g.revenue,
});
const groupColumns = (first: Column): Column[] => [
  first,
  { key: "shown", label: "Shown", kind: "int" },
  { key: "accepted", label: "Accepted", kind: "int" },
  { key: "converted", label: "Converted", kind: "int" },
  { key: "conversionRate", label: "Conversion rate (of accepted)", kind: "pct" },
  { key: "revenue", label: "Attributed revenue", kind: "money" },
];

/** The conversion dashboard's cards. */
export function ConversionView({ data, windowDays, grain }: { data: ConversionData; windowDays: number; grain: Grain }) {
  const t = data.total;
  const funnel: Row[] = [
    { step: "Generated", count: t.generated, ofPrevious: null, ofGenerated: rate(t.generated, t.generated) },
    { step: "Shown", count: t.shown, ofPrevious: rate(t.shown, t.generated), ofGenerated: rate(t.shown, t.generated) },
    { step: "Accepted", count: t.accepted, ofPrevious: rate(t.accepted, t.shown), ofGenerated: rate(t.accepted, t.generated) },
    { step: "Done", count: t.done, ofPrevious: rate(t.done, t.accepted), ofGenerated: rate(t.done, t.generated) },
    { step: "Converted", count: t.converted, ofPrevious: rate(t.converted, t.accepted), ofGenerated: rate(t.converted, t.generated) },
  ];
  const overall = compareToControl(t.treatedConverted, t.treatedN, t.controlConverted, t.controlN);
  const upliftRows: Row[] = data.byAction.map((a) => {
    const u = compareToControl(a.treatedConverted, a.treatedN, a.controlConverted, a.controlN);
    return {
      action: a.actionName,
      treatedN: a.treatedN,
      treatedRate: u.treated.rate,
      controlN: a.controlN,
      controlRate: u.control.rate,
      uplift: u.uplift,
      lower: u.ci?.lower ?? null,
      upper: u.ci?.upper ?? null,
      verdict: u.statement,
    };
  });
  upliftRows.push({
    action: "All action types",
    treatedN: t.treatedN,
    treatedRate: overall.treated.rate,
    controlN: t.controlN,
    controlRate: overall.control.rate,
    uplift: overall.uplift,
    lower: overall.ci?.lower ?? null,
    upper: overall.ci?.upper ?? null,
    verdict: overall.statement,
  });
  const small = upliftRows.filter((r) => String(r.verdict).startsWith("Too few")).length;
  return (
    <>
      <Wide>
        <KpiGrid label="Conversion summary">
          <Kpi label="Shown" value={displayCell(t.shown, "int")} detail={`of ${displayCell(t.generated, "int")} generated`} />
          <Kpi label="Accepted" value={displayCell(rate(t.accepted, t.shown), "pct")} detail={`${displayCell(t.accepted, "int")} of shown`} />
          <Kpi label="Converted" value={displayCell(rate(t.converted, t.accepted), "pct")} detail={`of accepted, purchase within ${windowDays} days`} />
          <Kpi label="Attributed revenue" value={displayCell(t.revenue, "money")} detail="each purchase credited once" />
          <Kpi label="Treated conversion" value={displayCell(overall.treated.rate, "pct")} detail={`n=${t.treatedN}, all shown`} />
          <Kpi label="Uplift vs control" value={displayCell(overall.uplift, "pts")} detail={overall.ci ? `95% CI ${displayCell(overall.ci.lower, "pts")} to ${displayCell(overall.ci.upper, "pts")}` : "no control group"} />
        </KpiGrid>
      </Wide>
      <ChartCard
        title="Funnel: generated → shown → accepted → done → converted (recommendations)"
        description={`Shown = not in the control group. Converted = accepted and the customer bought within ${windowDays} days of the decision.`}
        spec={{ type: "hbar", x: "step", xKind: "text", xLabel: "Step", yKind: "int", yLabel: "Recommendations", series: [{ key: "count", label: "Recommendations" }] }}
        columns={[
          { key: "step", label: "Step", kind: "text" },
          { key: "count", label: "Recommendations", kind: "int" },
          { key: "ofPrevious", label: "Of previous step", kind: "pct" },
          { key: "ofGenerated", label: "Of generated", kind: "pct" },
        ]}
        rows={t.generated ? funnel : []}
        csvName="funnel"
        note="Converted is counted among accepted (accepted or done), so it can exceed Done."
      />
      <ChartCard
        title={`Conversion rate by ${grain} (% of accepted that converted)`}
        description={`The ${grain} the recommendation was generated; the latest may still convert (${windowDays}-day window).`}
        spec={{ type: "bar", x: "week", xKind: grain, xLabel: PERIOD_LABEL[grain], yKind: "pct", yLabel: "% of accepted converted", series: [{ key: "conversionRate", label: "Conversion rate" }] }}
        columns={groupColumns(periodColumn(grain, "week"))}
        rows={data.byWeek.map((w) => ({ week: day(w.week), ...perGroup(w) }))}
        csvName={`conversion-by-${grain}`}
      />
      <Wide>
        <ChartCard
          title="Treated vs control: absolute uplift in conversion by action type (percentage points, 95% CI)"
          description={`Purchase within ${windowDays} days of generation for every shown recommendation (acted on or not) against the held-out control group; only recommendations whose window has closed. Interval: Newcombe hybrid score (Wilson-based), two-proportion.`}
          spec={{ type: "interval", category: "action", value: "uplift", lower: "lower", upper: "upper", xLabel: "Uplift in conversion (treated − control, percentage points)", yLabel: "Uplift" }}
          chartData={upliftRows.filter((r) => r.uplift !== null)}
          columns={[
            { key: "action", label: "Action type", kind: "text" },
            { key: "treatedN", label: "Treated n", kind: "int" },
            { key: "treatedRate", label: "Treated conversion", kind: "pct" },
            { key: "controlN", label: "Control n", kind: "int" },
            { key: "controlRate", label: "Control conversion", kind: "pct" },
            { key: "uplift", label: "Uplift", kind: "pts" },
            { key: "lower", label: "95% CI low", kind: "pts" },
            { key: "upper", label: "95% CI high", kind: "pts" },
            { key: "verdict", label: "Verdict", kind: "text" },
          ]}
          rows={t.treatedN || t.controlN ? upliftRows : []}
          csvName="uplift-vs-control"
          emptyText={`No recommendations in this period whose ${windowDays}-day window has closed.`}
          height={320}
          note={
            <div className="space-y-1">
              <p className="text-sm text-slate-800">
                <strong>All action types:</strong> {overall.statement}
              </p>
              {small ? (
                <p role="note" className="rounded bg-amber-50 px-2 py-1 text-amber-900">
                  Warning: {small} of {upliftRows.length} rows have samples too small to say (fewer than 30 in a group or 5 conversions or non-conversions); treat their intervals as rough.
                </p>
              ) : null}
            </div>
          }
        />
      </Wide>
      <ChartCard
        title="Conversion and attributed revenue by action type"
        description="Conversion rate (% of accepted that converted)."
        spec={{ type: "hbar", x: "action", xKind: "text", xLabel: "Action type", yKind: "pct", yLabel: "% of accepted converted", series: [{ key: "conversionRate", label: "Conversion rate" }] }}
        columns={groupColumns({ key: "action", label: "Action type", kind: "text" })}
        rows={data.byAction.map((a) => ({ action: a.actionName, ...perGroup(a) }))}
        csvName="conversion-by-action-type"
        height={300}
      />
      <ChartCard
        title="Attributed revenue by rep (USD)"
        description="Purchases credited to each rep's accepted recommendations."
        spec={{ type: "hbar", x: "rep", xKind: "text", xLabel: "Rep", yKind: "money", yLabel: "Attributed revenue (USD)", series: [{ key: "revenue", label: "Attributed revenue" }] }}
        columns={groupColumns({ key: "rep", label: "Rep", kind: "text" })}
        rows={data.byRep.map((r) => ({ rep: r.repName, ...perGroup(r) }))}
        csvName="conversion-by-rep"
        height={300}
      />
    </>
  );
}
