import { ChartCard } from "@/components/dashboards/chart-card";
import { ComparisonGlossary } from "@/components/dashboards/comparison-glossary";
import { ComparisonTable, intervalText, kpiKinds, mdeText, pText } from "@/components/dashboards/comparison-table";
import { displayCell, periodColumn } from "@/components/dashboards/format";
import { Kpi } from "@/components/dashboards/kpi";
import { ReportSection } from "@/components/dashboards/report-section";
import type { AdopterTierRow, KpiArms, ProgramKpi } from "@/lib/data/kpis";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import type { Comparison } from "@/lib/metrics/experiment";
import { armInterval, compareKpi, detectionSentence, detectionText, splitText, verdictText } from "@/lib/metrics/kpi-comparison";
import type { KpiDefinition } from "@/lib/metrics/kpi-definitions";
import type { Grain } from "@/lib/validation/dashboard-filters";
import { day } from "../load-dashboard";

/** The chosen KPI: its name, direction and written definition. */
export function KpiDefinitionCard({ kpi }: { kpi: KpiDefinition }) {
  return (
    <section aria-label={`Definition of ${kpi.label}`} className="min-w-0 rounded-lg border border-brand-100 bg-brand-50/60 px-3 py-2.5 text-sm lg:col-span-2">
      <p className="font-semibold text-slate-900">
        {kpi.label} <span className="font-normal text-slate-600">· {kpi.higherIsBetter ? "higher is better" : "lower is better"} · {kpi.kind === "proportion" ? "a rate" : "a mean per unit"}</span>
      </p>
      <p className="mt-0.5 text-slate-700" data-kpi-definition>
        {kpi.definition}
      </p>
      <p className="mt-0.5 text-xs text-slate-600">Unit of analysis: {kpi.unitOfAnalysis}.</p>
    </section>
  );
}

/** The warning a broken split deserves, above everything else in its section. */
export function SrmBanner({ comparison, what }: { comparison: Comparison; what: string }) {
  if (!comparison.srm?.flagged) return null;
  return (
    <div role="alert" className="mb-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
      <p className="font-semibold">Sample ratio mismatch in {what}</p>
      <p>{comparison.srm.statement}</p>
    </div>
  );
}

/** Headline tiles of one comparison, each with what it means. */
export function ComparisonTiles({ c, kpi, arms }: { c: Comparison; kpi: KpiDefinition; arms: { treated: string; control: string } }) {
  const k = kpiKinds(kpi.unit);
  const srm = c.srm;
  return (
    <dl aria-label={`${kpi.label}: ${arms.treated.toLowerCase()} against ${arms.control.toLowerCase()}`} className="grid grid-cols-2 gap-2 sm:grid-cols-4">
      <Kpi label={arms.treated} value={displayCell(c.treated.value, k.value)} detail={`n = ${displayCell(c.treated.n, "int")}`} />
      <Kpi label={arms.control} value={displayCell(c.control.value, k.value)} detail={`n = ${displayCell(c.control.n, "int")}`} />
      <Kpi
        label="Difference"
        value={displayCell(c.difference, k.diff)}
        detail={c.relative !== null ? `${c.relative > 0 ? "+" : ""}${(c.relative * 100).toFixed(1)}% relative · ${verdictText(c, kpi.higherIsBetter).toLowerCase()}` : verdictText(c, kpi.higherIsBetter)}
      />
      <Kpi label="95% interval" value={intervalText(c.ci, kpi.unit) ?? "—"} detail="true differences compatible with the data" />
      <Kpi label="p-value" value={pText(c.pValue) ?? "—"} detail="chance of a difference this large with no effect" />
      <Kpi label="Detectable now (MDE)" value={mdeText(c.mde, kpi.unit) ?? "—"} detail="smallest true difference this sample detects (80% power)" />
      <Kpi label="Time to detect" value={detectionText(c)} detail="until the observed difference would be detectable, at the current pace" />
      <Kpi
        label="Split check"
        value={splitText(c)}
        detail={srm ? `control ${(srm.observedControlShare * 100).toFixed(1)}% of units, ${(srm.expectedControlShare * 100).toFixed(1)}% expected` : "no assignment share to check against"}
      />
    </dl>
  );
}

const cmp = (kpi: KpiDefinition, a: KpiArms) => compareKpi(kpi.kind, a, kpi.label.toLowerCase());

/** "The program": treated customers against the global holdout, in total and broken down. */
export function ProgramSection({ kpi, program, grain, showTeams }: { kpi: KpiDefinition; program: ProgramKpi; grain: Grain; showTeams: boolean }) {
  const total = cmp(kpi, program.total);
  const arms = { treated: "Treated customers", control: "Global holdout" };
  const detection = detectionSentence(total);
  return (
    <ReportSection
      plain
      title="The program: treated customers vs the global holdout"
      description={`Every customer is drawn, per holdout period, into the global holdout (never contacted through Nudge) or treated. This compares ${kpi.label.toLowerCase()} between the two, over the part of the date range each draw covers: what Nudge as a whole changes.`}
    >
      <SrmBanner comparison={total} what="the global holdout" />
      <ComparisonTiles c={total} kpi={kpi} arms={arms} />
      <p className="mt-3 text-sm text-slate-800" data-statement>
        {total.statement}
        {detection ? ` ${detection}` : ""}
      </p>
      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div className="min-w-0 lg:col-span-2">
          <ComparisonTable
            title={`The program by ${grain}: ${kpi.label.toLowerCase()}, treated vs holdout`}
            description={`Each ${grain} on its own: a unit is a customer in a draw, with its window cut to the ${grain}.`}
            first={periodColumn(grain)}
            kpi={kpi}
            arms={{ treated: "Treated", control: "Holdout" }}
            rows={program.byPeriod.map((p) => ({ name: day(p.start), comparison: cmp(kpi, p) }))}
            csvName={`program-${kpi.key}-by-${grain}`}
            emptyText="No customer was in a holdout draw in this period (is the global holdout switched on?)."
            chart
          />
        </div>
        {showTeams ? (
          <div className="min-w-0 lg:col-span-2">
            <ComparisonTable
              title={`The program by team: ${kpi.label.toLowerCase()}`}
              description="Customers by the team of their owner today."
              first={{ key: "name", label: "Team", kind: "text" }}
              kpi={kpi}
              arms={{ treated: "Treated", control: "Holdout" }}
              rows={program.byTeam.map((t) => ({ name: t.teamName, comparison: cmp(kpi, t) }))}
              csvName={`program-${kpi.key}-by-team`}
              emptyText="No team has customers in a holdout draw in this period."
            />
          </div>
        ) : null}
        <div className="min-w-0 lg:col-span-2">
          <ComparisonTable
            title={`The program by segment: ${kpi.label.toLowerCase()}`}
            description="Customers by their segment; the segment filter narrows this to one."
            first={{ key: "name", label: "Segment", kind: "text" }}
            kpi={kpi}
            arms={{ treated: "Treated", control: "Holdout" }}
            rows={program.bySegment.map((s) => ({ name: s.segment, comparison: cmp(kpi, s) }))}
            csvName={`program-${kpi.key}-by-segment`}
            emptyText="No customer in a holdout draw in this period."
          />
        </div>
      </div>
      <ComparisonGlossary />
    </ReportSection>
  );
}

/** "Each action": every action's shown recommendations against its own control group. */
export function ActionsSection({ kpi, actions }: { kpi: KpiDefinition; actions: (KpiArms & { actionKey: string; actionName: string })[] }) {
  const rows = actions.map((a) => ({ name: a.actionName, comparison: cmp(kpi, a) }));
  return (
    <ReportSection
      plain
      title="Each action against its own control group"
      description={`Each action type holds back a share of the recommendations it would make (its control group). Unit: a recommendation generated in the range, shown (acted on or not) or held back; ${kpi.label.toLowerCase()} counted in the ${ATTRIBUTION_WINDOW_DAYS} days after it was created, for windows closed by today. Where a sample is still small, read the detectable effect and the time to detect instead of the verdict.`}
    >
      <ComparisonTable
        title={`${kpi.label} by action type: shown vs held back`}
        description="Difference with its 95% interval per action; the zero line is no effect."
        first={{ key: "name", label: "Action type", kind: "text" }}
        kpi={kpi}
        arms={{ treated: "Shown", control: "Control" }}
        rows={rows}
        csvName={`actions-${kpi.key}`}
        emptyText={`No recommendations in this range whose ${ATTRIBUTION_WINDOW_DAYS}-day window has closed.`}
        chart
      />
    </ReportSection>
  );
}

const TIER_LABEL = { heavy: "Heavy adopters", medium: "Medium adopters", light: "Light adopters" } as const;

/** "Heavy vs light adopters": reps in terciles of use, their treated customers' KPI, and each tier's own before/after. Descriptive only. */
export function AdoptersSection({ kpi, tiers }: { kpi: KpiDefinition; tiers: AdopterTierRow[] }) {
  const k = kpiKinds(kpi.unit);
  const rows = tiers.map((t) => {
    const during = armInterval(kpi.kind, t.during);
    const change = compareKpi(kpi.kind, { treated: t.during, control: t.before, accrualDays: 0, expectedControlShare: 0 });
    return {
      tier: TIER_LABEL[t.tier],
      reps: t.reps,
      activeDays: t.minActiveDays === t.maxActiveDays ? `${t.minActiveDays}` : `${t.minActiveDays}–${t.maxActiveDays}`,
      during: t.during.n ? t.during.sum / t.during.n : null,
      duringN: t.during.n,
      // The tier's value interval reads as values (12.0% to 15.1%), not as a difference.
      duringInterval: during ? `${displayCell(during.lower, k.value)} to ${displayCell(during.upper, k.value)}` : null,
      before: t.before.n ? t.before.sum / t.before.n : null,
      beforeN: t.before.n,
      change: change.difference,
      lower: change.ci?.lower ?? null,
      upper: change.ci?.upper ?? null,
      changeInterval: intervalText(change.ci, kpi.unit),
    };
  });
  return (
    <ReportSection
      plain
      title="Heavy vs light adopters"
      description={`Reps split into three equal groups by days they used Nudge in the range (queue views or reactions), with ${kpi.label.toLowerCase()} among their treated customers (held-out customers left out), and each group's own change against the equally long period before.`}
    >
      <div role="note" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        <strong>Not a causal comparison.</strong> Better reps may simply adopt more: heavy adopters can have better customers or better habits whether or not Nudge helps. The
        within-group before/after change removes some of that, but not what else changed over time. For what Nudge causes, read the program and the actions above.
      </div>
      <ChartCard
        title={`${kpi.label} by adoption tier: change against the period before (95% interval)`}
        description="Each tier's value in the range minus its value in the equally long period before, same reps and their customers."
        spec={
          rows.some((r) => r.change !== null)
            ? { type: "interval", category: "tier", value: "change", lower: "lower", upper: "upper", kind: k.diff, xLabel: `Change in ${kpi.label.toLowerCase()} (range − period before)`, yLabel: "Change" }
            : undefined
        }
        chartData={rows.filter((r) => r.change !== null)}
        alwaysTable
        dense
        height={170}
        columns={[
          { key: "tier", label: "Tier", kind: "text" },
          { key: "reps", label: "Reps", kind: "int" },
          { key: "activeDays", label: "Active days", kind: "text" },
          { key: "during", label: "In range", kind: k.value },
          { key: "duringInterval", label: "95% interval", kind: "text" },
          { key: "duringN", label: "n", kind: "int" },
          { key: "before", label: "Period before", kind: k.value },
          { key: "beforeN", label: "n before", kind: "int" },
          { key: "change", label: "Change", kind: k.diff },
          { key: "changeInterval", label: "Change 95% interval", kind: "text" },
        ]}
        rows={rows.filter((r) => r.reps > 0)}
        csvName={`adopters-${kpi.key}`}
        emptyText="No reps on this team in the range."
      />
    </ReportSection>
  );
}
