import type { Metadata } from "next";
import { DashboardFrame } from "@/components/dashboards/dashboard-frame";
import { adoptionMetrics } from "@/lib/data/usage";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { AdoptionView } from "./adoption-view";

export const metadata: Metadata = { title: "Adoption" };

export default async function AdoptionPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame } = await loadDashboard("adoption", searchParams);
  const data = await adoptionMetrics(scope);
  return (
    <DashboardFrame
      current="adoption"
      title="Adoption"
      description={scope.actionKey ? "are reps using Nudge? (the action type filter applies to recommendation figures, not to sign-ins and views)" : "are reps using Nudge?"}
      {...frame}
    >
      <AdoptionView data={data} grain={scope.grain} periodEnd={new Date(Math.min(scope.toExclusive.getTime(), scope.now.getTime()))} />
    </DashboardFrame>
  );
}
