import type { Metadata } from "next";
import { DashboardFrame } from "@/components/dashboards/dashboard-frame";
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
  const { program, actions, tiers, conversion, asOf, timedOut } = await impactFigures(scope, key, { live });
  return (
    <DashboardFrame
      current="conversion"
      title="Impact"
      description="does it sell? Treated customers against the holdout"
      {...frame}
      notes={[...frame.notes, ...notes]}
      segments={segments}
      computedAhead={{ asOf, timedOut, liveQuery }}
      lead={<KpiPicker value={key} options={KPI_KEYS.map((k) => ({ value: k, label: KPIS[k].label }))} />}
    >
      <KpiDefinitionCard kpi={kpi} />
      <ProgramSection kpi={kpi} program={program} grain={scope.grain} showTeams={frame.canPickTeam && scope.teamId === null} />
      <ActionsSection kpi={kpi} actions={actions} />
      <AdoptersSection kpi={kpi} tiers={tiers} />
      <FunnelView data={conversion} windowDays={ATTRIBUTION_WINDOW_DAYS} grain={scope.grain} segment={scope.segment} />
    </DashboardFrame>
  );
}
