"use client";
import { usePathname } from "next/navigation";
import { ErrorPanel } from "@/components/ui/error-panel";

// The dashboards' boundary. Besides an outage, a dashboard fails when one of its
// statements runs past DASHBOARD_QUERY_TIMEOUT_MS (a long range or all teams on a
// large database, with no copy computed ahead to fall back on): the hint says what
// makes the figures cheaper, and the default view (the last 90 days, whose figures
// are computed ahead) is one click away.
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const pathname = usePathname();
  return (
    <main className="p-6">
      <ErrorPanel
        error={error}
        reset={reset}
        what="this dashboard"
        hint="On a large database, figures for a long range or for all teams can take too long to compute: a shorter range or one team loads faster."
        alternative={
          // A full load: the boundary keeps showing while only the query string changes under the same path.
          <a href={pathname} className="text-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800">
            Open the last 90 days
          </a>
        }
      />
    </main>
  );
}
