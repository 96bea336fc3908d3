"use client";
import { ErrorPanel } from "@/components/ui/error-panel";

// The dashboards' boundary. Besides an outage, a dashboard fails when one of its
// statements runs past DASHBOARD_QUERY_TIMEOUT_MS (a long range or all teams on a
// large database, with no copy computed ahead to fall back on): the hint says what
// makes the figures cheaper to compute.
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="p-6">
      <ErrorPanel error={error} reset={reset} what="this dashboard" hint="On a large database, figures for a long range or for all teams can take too long to compute: a shorter range or one team loads faster." />
    </main>
  );
}
