import type { Metadata } from "next";
import { DashboardFrame } from "@/components/dashboards/dashboard-frame";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { modelMetrics } from "@/lib/data/metrics";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { ModelView } from "./model-view";

export const metadata: Metadata = { title: "Model quality" };

export default async function ModelPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame } = await loadDashboard("model", searchParams);
  const data = await modelMetrics(scope);
  return (
    <DashboardFrame current="model" title="Model quality" description="are the predictions right?" {...frame}>
      <ModelView data={data} grain={scope.grain} windowDays={ATTRIBUTION_WINDOW_DAYS} />
    </DashboardFrame>
  );
}
