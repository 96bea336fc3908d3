import type { Metadata } from "next";
import { DashboardFrame } from "@/components/dashboards/dashboard-frame";
import { asOf, engagementMetrics, lastDayOf } from "@/lib/data/engagement";
import { listTargets, loadPulseEveryWeeks } from "@/lib/data/engagement-inputs";
import { adoptionMetrics } from "@/lib/data/usage";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { AdoptionView } from "./adoption-view";
import { EngagementView } from "./engagement-view";

export const metadata: Metadata = { title: "Adoption" };

export default async function AdoptionPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame, user } = await loadDashboard("adoption", searchParams);
  const [data, engagement, targets, pulseEveryWeeks] = await Promise.all([adoptionMetrics(scope), engagementMetrics(scope), listTargets(scope.teamId), loadPulseEveryWeeks()]);
  const end = asOf(scope);
  return (
    <DashboardFrame
      current="adoption"
      title="Adoption"
      description={scope.actionKey ? "are reps using Nudge? (the action type filter applies to recommendation figures, not to sign-ins and views)" : "are reps using Nudge?"}
      {...frame}
    >
      <EngagementView
        adoption={data}
        data={engagement}
        targets={targets}
        teams={frame.teams}
        teamId={scope.teamId}
        grain={scope.grain}
        from={scope.from}
        asOf={end}
        lastDay={lastDayOf(scope)}
        viewer={{ role: user.role === "ADMIN" ? "ADMIN" : "MANAGER", teamId: user.teamId }}
        pulseEveryWeeks={pulseEveryWeeks}
      />
      <AdoptionView data={data} grain={scope.grain} periodEnd={end} />
    </DashboardFrame>
  );
}
