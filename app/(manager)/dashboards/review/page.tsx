import type { Metadata } from "next";
import { DashboardFrame } from "@/components/dashboards/dashboard-frame";
import { PeriodPicker } from "@/components/dashboards/period-picker";
import { PrintButton } from "@/components/dashboards/print-button";
import { listAuditLog } from "@/lib/data/audit";
import { programKpi } from "@/lib/data/kpis";
import { conversionMetrics, modelMetrics, type MetricsScope } from "@/lib/data/metrics";
import { adoptionMetrics } from "@/lib/data/usage";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { KPI_KEYS } from "@/lib/metrics/kpi-definitions";
import { lastCompletePeriod, priorRange, rangeDays, rangeName } from "@/lib/metrics/periods";
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
  const { scope, frame, segments } = await loadDashboard("review", searchParams, { defaultRange: lastCompletePeriod });
  const range = { from: frame.filters.from, to: frame.filters.to };
  const prior = priorRange(scope.grain, range);
  const { from, toExclusive } = filterRange(prior);
  const priorScope: MetricsScope = { ...scope, from, toExclusive };
  const lastDay = new Date(scope.toExclusive.getTime() - 86_400_000);
  // One KPI at a time (both periods at once), beside the other figures: 22 aggregates never queue for the pool together.
  const kpis = (async () => {
    const out = [];
    for (const key of KPI_KEYS) {
      const [now, before] = await Promise.all([programKpi(scope, key), programKpi(priorScope, key)]);
      out.push({ key, now, before });
    }
    return out;
  })();
  const [conversion, conversionBefore, adoption, adoptionBefore, model, modelBefore, audit, kpiRows] = await Promise.all([
    conversionMetrics(scope),
    conversionMetrics(priorScope),
    adoptionMetrics(scope),
    adoptionMetrics(priorScope),
    modelMetrics(scope),
    modelMetrics(priorScope),
    listAuditLog({ entity: "ActionType", from: scope.from, to: lastDay, take: MAX_CHANGES }),
    kpis,
  ]);
  const name = rangeName(scope.grain, range);
  const priorName = rangeName(scope.grain, prior);
  return (
    <DashboardFrame
      current="review"
      title="Periodic review"
      description={`compared with ${priorName}`}
      periodName={`${name} (${rangeDays(range)} days)`}
      {...frame}
      segments={segments}
      lead={<PeriodPicker filters={frame.filters} today={frame.today} />}
      headerActions={<PrintButton />}
      grainSetsPeriod
    >
      <ReviewView
        periodName={name}
        priorName={priorName}
        priorDays={rangeDays(prior)}
        windowDays={ATTRIBUTION_WINDOW_DAYS}
        conversion={{ now: conversion, before: conversionBefore }}
        adoption={{ now: adoption, before: adoptionBefore }}
        model={{ now: model, before: modelBefore }}
        kpis={kpiRows}
        changes={audit.entries}
        changesTruncated={audit.nextBeforeId !== null}
        segment={scope.segment}
      />
    </DashboardFrame>
  );
}
