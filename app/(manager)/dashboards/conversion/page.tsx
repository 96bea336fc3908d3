import type { Metadata } from "next";
import { DashboardFrame, FiguresPending } from "@/components/dashboards/dashboard-frame";
import { KpiPicker } from "@/components/dashboards/kpi-picker";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { impactFigures } from "@/lib/services/dashboard-views";
import { KPI_KEYS, KPIS } from "@/lib/metrics/kpi-definitions";
import { parseKpiParam } from "@/lib/validation/kpi-param";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { FunnelView } from "./funnel-view";
import { ActionsSection, AdoptersSection, KpiDefinitionCard, ProgramSection } from "./impact-view";

export const metadata: Metadata = { title: "Impact" };

/** /dashboards/conversion: does it sell? One business KPI (?kpi=) for the program, each action and the adopters; then the recommendation funnel. */
export default async function ImpactPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame, segments, params, live, liveQuery } = await loadDashboard("conversion", searchParams);
  const { kpi: key, notes } = parseKpiParam(params);
  const kpi = KPIS[key];
  const figures = await impactFigures(scope, key, { live });
  const frameProps = {
    current: "conversion" as const,
    title: "Impact",
    description: "does it sell? Treated customers against the holdout",
    ...frame,
    notes: [...frame.notes, ...notes],
    segments,
    lead: <KpiPicker value={key} options={KPI_KEYS.map((k) => ({ value: k, label: KPIS[k].label }))} />,
  };
  if (figures.unavailable) {
    return (
      <DashboardFrame {...frameProps}>
        <FiguresPending unavailable={figures.unavailable} defaultHref={`/dashboards/conversion?kpi=${key}`} />
      </DashboardFrame>
    );
  }
  const { program, actions, tiers, conversion, asOf, timedOut } = figures;
  return (
    <DashboardFrame {...frameProps} computedAhead={{ asOf, timedOut, liveQuery }}>
      <KpiDefinitionCard kpi={kpi} />
      <ProgramSection kpi={kpi} program={program} grain={scope.grain} showTeams={frame.canPickTeam && scope.teamId === null} />
      <ActionsSection kpi={kpi} actions={actions} />
      <AdoptersSection kpi={kpi} tiers={tiers} />
      <FunnelView data={conversion} windowDays={ATTRIBUTION_WINDOW_DAYS} grain={scope.grain} segment={scope.segment} />
    </DashboardFrame>
  );
}
