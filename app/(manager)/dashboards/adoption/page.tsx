import type { Metadata } from "next";
import { DashboardFrame, FiguresPending } from "@/components/dashboards/dashboard-frame";
import { asOf, lastDayOf } from "@/lib/data/engagement";
import { listTargets, loadPulseEveryWeeks } from "@/lib/data/engagement-inputs";
import { adoptionFigures } from "@/lib/services/dashboard-views";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { AdoptionView } from "./adoption-view";
import { EngagementView } from "./engagement-view";

export const metadata: Metadata = { title: "Adoption" };

export default async function AdoptionPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame, user, live, liveQuery } = await loadDashboard("adoption", searchParams);
  const [figures, targets, pulseEveryWeeks] = await Promise.all([adoptionFigures(scope, { live }), listTargets(scope.teamId), loadPulseEveryWeeks()]);
  const description = scope.actionKey ? "are reps using Nudge? (the action type filter applies to recommendation figures, not to sign-ins and views)" : "are reps using Nudge?";
  if (figures.unavailable) {
    return (
      <DashboardFrame current="adoption" title="Adoption" description={description} {...frame}>
        <FiguresPending unavailable={figures.unavailable} defaultHref="/dashboards/adoption" />
      </DashboardFrame>
    );
  }
  const { usage: data, engagement } = figures;
  // Figures computed ahead are as of their computation, not this request.
  const shown = figures.asOf ? { ...scope, now: figures.asOf } : scope;
  const end = asOf(shown);
  return (
    <DashboardFrame
      current="adoption"
      title="Adoption"
      description={description}
      {...frame}
      computedAhead={{ asOf: figures.asOf, timedOut: figures.timedOut, liveQuery }}
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
        lastDay={lastDayOf(shown)}
        viewer={{ role: user.role === "ADMIN" ? "ADMIN" : "MANAGER", teamId: user.teamId }}
        pulseEveryWeeks={pulseEveryWeeks}
      />
      <AdoptionView data={data} grain={scope.grain} periodEnd={end} />
    </DashboardFrame>
  );
}
