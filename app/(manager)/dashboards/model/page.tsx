import type { Metadata } from "next";
import { DashboardFrame, FiguresPending } from "@/components/dashboards/dashboard-frame";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { modelFigures } from "@/lib/services/dashboard-views";
import { latestDriftCheck, listAlerts, listVersions } from "@/lib/data/model-versions";
import { can } from "@/lib/auth/permissions";
import { ModelLifecycle } from "./model-lifecycle";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { ModelView } from "./model-view";

export const metadata: Metadata = { title: "Model quality" };

export default async function ModelPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame, user, live, liveQuery } = await loadDashboard("model", searchParams);
  const [figures, versions, alerts, check] = await Promise.all([modelFigures(scope, { live }), listVersions(), listAlerts(), latestDriftCheck()]);
  if (figures.unavailable) {
    return (
      <DashboardFrame current="model" title="Model quality" description="are the predictions right?" {...frame}>
        <FiguresPending unavailable={figures.unavailable} defaultHref="/dashboards/model" />
      </DashboardFrame>
    );
  }
  const { model: data, asOf, timedOut } = figures;
  return (
    <DashboardFrame current="model" title="Model quality" description="are the predictions right?" {...frame} computedAhead={{ asOf, timedOut, liveQuery }}>
      <ModelLifecycle versions={versions} alerts={alerts} check={check} data={data} canRollback={can(user.role, "model.manage")} />
      <ModelView data={data} grain={scope.grain} windowDays={ATTRIBUTION_WINDOW_DAYS} />
    </DashboardFrame>
  );
}
