import { CatalogChanges } from "@/components/dashboards/catalog-changes";
import { ComparisonGlossary } from "@/components/dashboards/comparison-glossary";
import { intervalText, kpiKinds, pText } from "@/components/dashboards/comparison-table";
import { displayCell } from "@/components/dashboards/format";
import { ReportSection } from "@/components/dashboards/report-section";
import { ReviewTable, type ReviewFigure } from "@/components/dashboards/review-table";
import type { AuditEntry } from "@/lib/data/audit";
import type { ProgramKpi } from "@/lib/data/kpis";
import type { ConversionData, ModelData } from "@/lib/data/metrics";
import type { AdoptionData } from "@/lib/data/usage";
import { expectedCalibrationError } from "@/lib/metrics/calibration";
import { compareKpi, verdictText } from "@/lib/metrics/kpi-comparison";
import { KPIS, type KpiKey } from "@/lib/metrics/kpi-definitions";
import { compareToControl } from "@/lib/metrics/proportions";
import { rate } from "@/lib/metrics/summary";

interface Pair<T> {
  now: T;
  before: T;
}

/** The first sentence of a definition (the rest is on the Impact page). */
const firstSentence = (s: string) => /^.*?\.(?=\s|$)/.exec(s)?.[0] ?? s;

function recommendationFigures(c: Pair<ConversionData>, windowDays: number): ReviewFigure[] {
  const f = (d: ConversionData) => d.total;
  const itt = (d: ConversionData) => compareToControl(f(d).treatedConverted, f(d).treatedN, f(d).controlConverted, f(d).controlN).uplift;
  return [
    { label: "Recommendations shown", definition: "Generated in the period and put in a rep's queue (not held back as control).", current: f(c.now).shown, prior: f(c.before).shown, kind: "int", change: "relative", higherIsBetter: null },
    { label: "Accepted", definition: "Share of shown recommendations a rep accepted or marked done.", current: rate(f(c.now).accepted, f(c.now).shown), prior: rate(f(c.before).accepted, f(c.before).shown), kind: "pct", change: "points", higherIsBetter: true },
    { label: "Conversion of accepted", definition: `Share of accepted recommendations whose customer bought within ${windowDays} days of the decision (not proof the advice caused it).`, current: rate(f(c.now).converted, f(c.now).accepted), prior: rate(f(c.before).converted, f(c.before).accepted), kind: "pct", change: "points", higherIsBetter: true },
    { label: "Attributed revenue", definition: `Purchases credited to accepted recommendations, each purchase once, to the latest accepted recommendation whose ${windowDays}-day window covers it.`, current: f(c.now).revenue, prior: f(c.before).revenue, kind: "money", change: "relative", higherIsBetter: true },
    { label: "Uplift of shown over control", definition: `Conversion within ${windowDays} days of every shown recommendation minus that of those held back (intention to treat; windows closed by today).`, current: itt(c.now), prior: itt(c.before), kind: "pts", change: "points", higherIsBetter: true },
  ];
}

function adoptionFigures(a: Pair<AdoptionData>): ReviewFigure[] {
  const activeShare = (d: AdoptionData) => rate(d.reps.filter((r) => r.activeDays > 0).length, d.reps.filter((r) => r.accountActive || r.activeDays > 0).length);
  const sessionsPerRep = (d: AdoptionData) => rate(d.reps.reduce((s, r) => s + r.sessions, 0), d.reps.filter((r) => r.accountActive || r.activeDays > 0).length);
  return [
    { label: "Reps active", definition: "Share of the team's reps who signed in, viewed the queue or a customer, or reacted on at least one day.", current: activeShare(a.now), prior: activeShare(a.before), kind: "pct", change: "points", higherIsBetter: true },
    { label: "Sessions per rep", definition: "Sign-ins in the period divided by the team's reps.", current: sessionsPerRep(a.now), prior: sessionsPerRep(a.before), kind: "num1", change: "relative", higherIsBetter: true },
    { label: "Got a reaction", definition: "Share of shown recommendations a rep accepted, dismissed, snoozed or marked done.", current: rate(a.now.reactions.reacted, a.now.reactions.shown), prior: rate(a.before.reactions.reacted, a.before.reactions.shown), kind: "pct", change: "points", higherIsBetter: true },
    { label: "Dismissed", definition: "Share of shown recommendations dismissed (with a reason).", current: rate(a.now.reactions.dismissed, a.now.reactions.shown), prior: rate(a.before.reactions.dismissed, a.before.reactions.shown), kind: "pct", change: "points", higherIsBetter: false },
    { label: "Median time to first reaction", definition: "Median minutes from a recommendation being shown to the rep's first reaction, estimated within 1 % of the exact median.", current: a.now.reactions.medianMinutes, prior: a.before.reactions.medianMinutes, kind: "minutes", change: "relative", higherIsBetter: false },
  ];
}

function modelFigures(m: Pair<ModelData>, windowDays: number): ReviewFigure[] {
  const resolved = (d: ModelData) => d.calibration.reduce((s, b) => s + b.n, 0);
  const weighted = (d: ModelData, f: (b: ModelData["calibration"][number]) => number) => (resolved(d) ? d.calibration.reduce((s, b) => s + b.n * f(b), 0) / resolved(d) : null);
  const ece = (d: ModelData) => {
    const e = expectedCalibrationError(d.calibration);
    return e === null ? null : e * 100;
  };
  const precision = (d: ModelData) => rate(d.precisionByWeek.reduce((s, w) => s + w.converted, 0), d.precisionByWeek.reduce((s, w) => s + w.accepted, 0));
  return [
    { label: "Resolved recommendations", definition: "Accepted, done, dismissed, or expired after a rep saw them: what the model learns from.", current: resolved(m.now), prior: resolved(m.before), kind: "int", change: "relative", higherIsBetter: null },
    { label: "Predicted acceptance", definition: "Mean propensity the model gave the resolved recommendations.", current: weighted(m.now, (b) => b.meanPredicted), prior: weighted(m.before, (b) => b.meanPredicted), kind: "pct", change: "points", higherIsBetter: null },
    { label: "Observed acceptance", definition: "Share of the resolved recommendations that were accepted or done.", current: weighted(m.now, (b) => b.observed), prior: weighted(m.before, (b) => b.observed), kind: "pct", change: "points", higherIsBetter: null },
    { label: "Calibration error (ECE, points)", definition: "Mean gap between predicted and observed acceptance over 10-point bands, weighted by recommendations; 0 is perfect.", current: ece(m.now), prior: ece(m.before), kind: "num1", change: "relative", higherIsBetter: false },
    { label: "Precision", definition: `Share of accepted recommendations (window closed) whose customer bought within ${windowDays} days.`, current: precision(m.now), prior: precision(m.before), kind: "pct", change: "points", higherIsBetter: true },
  ];
}

function kpiFigures(kpis: { key: KpiKey; now: ProgramKpi; before: ProgramKpi }[]): ReviewFigure[] {
  const value = (p: ProgramKpi) => (p.total.treated.n ? p.total.treated.sum / p.total.treated.n : null);
  return kpis.map(({ key, now, before }) => {
    const k = KPIS[key];
    return {
      label: k.label,
      definition: firstSentence(k.definition),
      current: value(now),
      prior: value(before),
      kind: kpiKinds(k.unit).value,
      change: k.unit === "percent" ? "points" : "relative",
      higherIsBetter: k.higherIsBetter,
    };
  });
}

/** Program uplift for every KPI: treated against the global holdout, this period and the one before. */
function UpliftTable({ kpis, priorName }: { kpis: { key: KpiKey; now: ProgramKpi; before: ProgramKpi }[]; priorName: string }) {
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Program uplift against the global holdout, by KPI">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Program uplift against the global holdout, by KPI</caption>
        <thead className="bg-slate-50 text-left text-xs font-medium text-slate-600">
          <tr>
            {["KPI", "Treated", "Holdout", "Difference", "95% interval", "p-value", "Verdict", `Difference, ${priorName}`].map((h, i) => (
              <th key={h} scope="col" className={`px-3 py-2 ${i > 0 && i < 6 ? "text-right" : ""} ${i === 7 ? "text-right" : ""}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {kpis.map(({ key, now, before }) => {
            const k = KPIS[key];
            const kinds = kpiKinds(k.unit);
            const c = compareKpi(k.kind, now.total, k.label.toLowerCase());
            const b = compareKpi(k.kind, before.total, k.label.toLowerCase());
            return (
              <tr key={key}>
                <th scope="row" className="px-3 py-1.5 text-left font-medium text-slate-900">
                  {k.label}
                </th>
                <td className="px-3 py-1.5 text-right tabular-nums whitespace-nowrap">{displayCell(c.treated.value, kinds.value)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums whitespace-nowrap">{displayCell(c.control.value, kinds.value)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums whitespace-nowrap font-medium">{displayCell(c.difference, kinds.diff)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums whitespace-nowrap">{intervalText(c.ci, k.unit) ?? "—"}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{pText(c.pValue) ?? "—"}</td>
                <td className="px-3 py-1.5">{verdictText(c, k.higherIsBetter)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums whitespace-nowrap text-slate-700">{displayCell(b.difference, kinds.diff)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export interface ReviewViewProps {
  periodName: string;
  priorName: string;
  priorDays: number;
  windowDays: number;
  conversion: Pair<ConversionData>;
  adoption: Pair<AdoptionData>;
  model: Pair<ModelData>;
  kpis: { key: KpiKey; now: ProgramKpi; before: ProgramKpi }[];
  changes: AuditEntry[];
  changesTruncated: boolean;
  segment: string | null;
}

/** The review's sections: recommendations, business KPIs, program uplift, adoption, model quality, catalog changes. */
export function ReviewView(p: ReviewViewProps) {
  const cols = { currentLabel: p.periodName, priorLabel: p.priorName };
  const conversion = p.kpis.find((k) => k.key === "conversion");
  const srm = conversion ? compareKpi("proportion", conversion.now.total).srm : null;
  return (
    <>
      <ReportSection title="Recommendations" description={`Generated in the period, against ${p.priorName} (${p.priorDays} days).${p.segment ? " The segment filter applies to the business KPIs only." : ""}`}>
        <ReviewTable caption="Recommendations against the prior period" {...cols} figures={recommendationFigures(p.conversion, p.windowDays)} />
      </ReportSection>
      <ReportSection title="Business KPIs of treated customers" description="Each KPI among customers not in the global holdout, this period against the one before. Full definitions are on the Impact page.">
        <ReviewTable caption="Business KPIs against the prior period" {...cols} figures={kpiFigures(p.kpis)} />
      </ReportSection>
      <ReportSection title="Program uplift: treated vs the global holdout" description="What Nudge changed: the same KPIs, treated customers against those held out of every action, this period; the last column is the same difference in the period before.">
        {srm?.flagged ? (
          <div role="alert" className="mb-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
            <p className="font-semibold">Sample ratio mismatch in the global holdout</p>
            <p>{srm.statement}</p>
          </div>
        ) : null}
        <UpliftTable kpis={p.kpis} priorName={p.priorName} />
        <ComparisonGlossary />
      </ReportSection>
      <ReportSection title="Adoption" description="Are reps using Nudge? Reps on the team now.">
        <ReviewTable caption="Adoption against the prior period" {...cols} figures={adoptionFigures(p.adoption)} />
      </ReportSection>
      <ReportSection title="Model quality" description="Are the predictions right? Recommendations generated in the period.">
        <ReviewTable caption="Model quality against the prior period" {...cols} figures={modelFigures(p.model, p.windowDays)} />
      </ReportSection>
      <ReportSection title="Catalog changes" description="Every change to the action catalog in the period, from the audit log: who changed what, and when.">
        <CatalogChanges entries={p.changes} truncated={p.changesTruncated} />
      </ReportSection>
    </>
  );
}
