import type { Metadata } from "next";
import { DashboardFrame, FiguresPending } from "@/components/dashboards/dashboard-frame";
import { PeriodPicker } from "@/components/dashboards/period-picker";
import { PrintButton } from "@/components/dashboards/print-button";
import { listAuditLog } from "@/lib/data/audit";
import type { MetricsScope } from "@/lib/data/metrics";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { lastCompletePeriod, priorRange, rangeDays, rangeName } from "@/lib/metrics/periods";
import { reviewFigures } from "@/lib/services/dashboard-views";
import { filterRange } from "@/lib/validation/dashboard-filters";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { ReviewView } from "./review-view";

export const metadata: Metadata = { title: "Periodic review" };

/** Catalog changes listed at most (the audit log has the rest). */
const MAX_CHANGES = 100;

/**
 * /dashboards/review: what a manager takes into a weekly, monthly or quarterly
 * review. The period is the last complete week, month or quarter (the grain)
 * unless the URL names a range; everything is compared with the period before.
 */
export default async function ReviewPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame, segments, live, liveQuery } = await loadDashboard("review", searchParams, { defaultRange: lastCompletePeriod });
  const range = { from: frame.filters.from, to: frame.filters.to };
  const prior = priorRange(scope.grain, range);
  const { from, toExclusive } = filterRange(prior);
  const priorScope: MetricsScope = { ...scope, from, toExclusive };
  const lastDay = new Date(scope.toExclusive.getTime() - 86_400_000);
  const [figures, audit] = await Promise.all([reviewFigures(scope, priorScope, { live }), listAuditLog({ entity: "ActionType", from: scope.from, to: lastDay, take: MAX_CHANGES })]);
  const name = rangeName(scope.grain, range);
  const priorName = rangeName(scope.grain, prior);
  const frameProps = {
    current: "review" as const,
    title: "Periodic review",
    description: `compared with ${priorName}`,
    periodName: `${name} (${rangeDays(range)} days)`,
    ...frame,
    segments,
    lead: <PeriodPicker filters={frame.filters} today={frame.today} />,
    grainSetsPeriod: true,
  };
  if (figures.unavailable) {
    return (
      <DashboardFrame {...frameProps}>
        <FiguresPending unavailable={figures.unavailable} defaultHref="/dashboards/review" defaultLabel="the last complete period" />
      </DashboardFrame>
    );
  }
  const { now, before: prev, asOf, timedOut } = figures;
  return (
    <DashboardFrame {...frameProps} headerActions={<PrintButton />} computedAhead={{ asOf, timedOut, liveQuery }}>
      <ReviewView
        periodName={name}
        priorName={priorName}
        priorDays={rangeDays(prior)}
        windowDays={ATTRIBUTION_WINDOW_DAYS}
        conversion={{ now: now.conversion, before: prev.conversion }}
        adoption={{ now: now.adoption, before: prev.adoption }}
        model={{ now: now.model, before: prev.model }}
        kpis={now.kpis.map(({ key, program }, i) => ({ key, now: program, before: prev.kpis[i]!.program }))}
        changes={audit.entries}
        changesTruncated={audit.nextBeforeId !== null}
        segment={scope.segment}
      />
    </DashboardFrame>
  );
}
