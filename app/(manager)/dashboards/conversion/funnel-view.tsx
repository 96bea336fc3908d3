import { ChartCard } from "@/components/dashboards/chart-card";
import { intervalText } from "@/components/dashboards/comparison-table";
import { displayCell, PERIOD_LABEL, periodColumn, type Column, type Row } from "@/components/dashboards/format";
import { ReportSection } from "@/components/dashboards/report-section";
import type { ConversionData, ConversionGroupRow } from "@/lib/data/metrics";
import { compareToControl } from "@/lib/metrics/proportions";
import { rate } from "@/lib/metrics/summary";
import type { Grain } from "@/lib/validation/dashboard-filters";
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

/** The two "conversion" figures side by side, with what each one can and cannot say. */
function TwoConversions({ data, windowDays }: { data: ConversionData; windowDays: number }) {
  const t = data.total;
  const itt = compareToControl(t.treatedConverted, t.treatedN, t.controlConverted, t.controlN);
  const box = "min-w-0 rounded-lg border border-slate-200 bg-white px-3 py-2.5";
  return (
    <div className="grid grid-cols-1 gap-3 md:grid-cols-2" aria-label="Two conversion figures">
      <div className={box}>
        <p className="text-xs font-medium text-slate-600">Conversion of accepted recommendations</p>
        <p className="mt-0.5 text-xl font-semibold tabular-nums text-slate-900">{displayCell(rate(t.converted, t.accepted), "pct")}</p>
        <p className="mt-1 text-sm text-slate-700">
          Of the {displayCell(t.accepted, "int")} recommendations reps accepted, the share whose customer bought within {windowDays} days of the decision. It says how often
          accepted advice is followed by a sale. It does not say the advice caused the sale: reps accept the suggestions most likely to buy anyway.
        </p>
      </div>
      <div className={box}>
        <p className="text-xs font-medium text-slate-600">Treated vs control conversion (intention to treat)</p>
        <p className="mt-0.5 text-xl font-semibold tabular-nums text-slate-900">
          {displayCell(itt.treated.rate, "pct")} <span className="text-sm font-normal text-slate-600">vs</span> {displayCell(itt.control.rate, "pct")}
          <span className="ml-2 text-sm font-medium text-slate-700">{displayCell(itt.uplift, "pts")}</span>
        </p>
        <p className="mt-1 text-sm text-slate-700">
          Of every shown recommendation (n = {displayCell(t.treatedN, "int")}, acted on or not), the share followed by a purchase within {windowDays} days of creation, against the
          recommendations held back as a control (n = {displayCell(t.controlN, "int")}). The difference
          {itt.ci ? ` (95% interval ${intervalText(itt.ci, "percent")})` : ""} is what the advice adds; it is the conversion row of &ldquo;Each action&rdquo; above, and lower
          than the first figure because it counts recommendations nobody acted on.
        </p>
      </div>
    </div>
  );
}

/** The recommendation funnel and attributed revenue. */
export function FunnelView({ data, windowDays, grain, segment }: { data: ConversionData; windowDays: number; grain: Grain; segment: string | null }) {
  const t = data.total;
  const funnel: Row[] = [
    { step: "Generated", count: t.generated, ofPrevious: null, ofGenerated: rate(t.generated, t.generated) },
    { step: "Shown", count: t.shown, ofPrevious: rate(t.shown, t.generated), ofGenerated: rate(t.shown, t.generated) },
    { step: "Accepted", count: t.accepted, ofPrevious: rate(t.accepted, t.shown), ofGenerated: rate(t.accepted, t.generated) },
    { step: "Done", count: t.done, ofPrevious: rate(t.done, t.accepted), ofGenerated: rate(t.done, t.generated) },
    { step: "Converted", count: t.converted, ofPrevious: rate(t.converted, t.accepted), ofGenerated: rate(t.converted, t.generated) },
  ];
  return (
    <ReportSection
      plain
      title="Recommendations: funnel and attributed revenue"
      description={
        <>
          What happened to the recommendations generated in the range, and the purchases credited to them.
          {segment ? " The segment filter does not apply here: these figures cover every segment." : ""}
        </>
      }
    >
      <TwoConversions data={data} windowDays={windowDays} />
      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
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
          title={`Conversion of accepted by ${grain} (%)`}
          description={`Share of accepted recommendations whose customer bought within ${windowDays} days of the decision, by the ${grain} the recommendation was generated; the latest may still convert.`}
          spec={{ type: "bar", x: "week", xKind: grain, xLabel: PERIOD_LABEL[grain], yKind: "pct", yLabel: "% of accepted converted", series: [{ key: "conversionRate", label: "Conversion of accepted" }] }}
          columns={groupColumns(periodColumn(grain, "week"))}
          rows={data.byWeek.map((w) => ({ week: day(w.week), ...perGroup(w) }))}
          csvName={`conversion-by-${grain}`}
        />
        <ChartCard
          title="Conversion of accepted and attributed revenue by action type"
          description="Conversion of accepted (%), with the revenue credited to each action's accepted recommendations in the table."
          spec={{ type: "hbar", x: "action", xKind: "text", xLabel: "Action type", yKind: "pct", yLabel: "% of accepted converted", series: [{ key: "conversionRate", label: "Conversion of accepted" }] }}
          columns={groupColumns({ key: "action", label: "Action type", kind: "text" })}
          rows={data.byAction.map((a) => ({ action: a.actionName, ...perGroup(a) }))}
          csvName="conversion-by-action-type"
          height={300}
        />
        <ChartCard
          title="Attributed revenue by rep (USD)"
          description={`Each purchase is credited once, to the customer's most recent accepted recommendation whose ${windowDays}-day window covers it.`}
          spec={{ type: "hbar", x: "rep", xKind: "text", xLabel: "Rep", yKind: "money", yLabel: "Attributed revenue (USD)", series: [{ key: "revenue", label: "Attributed revenue" }] }}
          columns={groupColumns({ key: "rep", label: "Rep", kind: "text" })}
          rows={data.byRep.map((r) => ({ rep: r.repName, ...perGroup(r) }))}
          csvName="conversion-by-rep"
          height={300}
        />
      </div>
    </ReportSection>
  );
}
