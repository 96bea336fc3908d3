import type { Metadata } from "next";
import { DashboardFrame } from "@/components/dashboards/dashboard-frame";
import { intrusiveWindowCounts, recentComments, sentimentMetrics } from "@/lib/data/sentiment";
import { intrusiveFlag } from "@/lib/metrics/sentiment";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { SentimentView, type ActionFlag } from "./sentiment-view";

export const metadata: Metadata = { title: "Customer sentiment" };

export default async function SentimentPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame, segments } = await loadDashboard("sentiment", searchParams);
  const [data, comments, windows] = await Promise.all([sentimentMetrics(scope), recentComments(scope), intrusiveWindowCounts(scope, scope.now)]);
  const flags: ActionFlag[] = windows.map((w) => ({
    actionKey: w.actionKey,
    actionName: w.actionName,
    ...intrusiveFlag({ verdicts: w.lastVerdicts, intrusive: w.lastIntrusive }, { verdicts: w.previousVerdicts, intrusive: w.previousIntrusive }),
  }));
  return (
    <DashboardFrame current="sentiment" title="Customer sentiment" description="what customers think of the contacts" {...frame} segments={segments}>
      <SentimentView data={data} comments={comments} flags={flags} grain={scope.grain} />
    </DashboardFrame>
  );
}
