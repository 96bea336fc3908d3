import type { Metadata } from "next";
import { DashboardFrame } from "@/components/dashboards/dashboard-frame";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { conversionMetrics } from "@/lib/data/metrics";
import { loadDashboard, type SearchParams } from "../load-dashboard";
import { ConversionView } from "./conversion-view";

export const metadata: Metadata = { title: "Conversion" };

export default async function ConversionPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope, frame } = await loadDashboard("conversion", searchParams);
  const data = await conversionMetrics(scope);
  return (
    <DashboardFrame current="conversion" title="Conversion" description="does it sell, against the control group?" {...frame}>
      <ConversionView data={data} grain={scope.grain} windowDays={ATTRIBUTION_WINDOW_DAYS} />
    </DashboardFrame>
  );
}
