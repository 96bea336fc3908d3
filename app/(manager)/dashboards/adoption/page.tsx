import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { repActivity } from "@/lib/data/usage";
import { recordUsage } from "@/lib/data/users";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Adoption" };

export default async function AdoptionPage() {
  const user = await requirePermission("dashboards.view");
  const [reps] = await Promise.all([repActivity(user, 7), recordUsage(user.id, "DASHBOARD_VIEW", { page: "adoption" })]);
  const activeReps = reps.filter((r) => r.activeDays > 0).length;
  return (
    <div>
      <PageHeader
        title="Adoption"
        description={`${user.role === "ADMIN" ? "All teams" : "Your team"} · last 7 days · ${activeReps} of ${reps.length} reps active`}
      />
      {reps.length === 0 ? (
        <EmptyState title="No reps to show">Reps appear here once they are assigned to your team.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Rep activity over the last 7 days</caption>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Rep</th>
                <th scope="col" className="px-3 py-2 text-right">Active days</th>
                <th scope="col" className="px-3 py-2 text-right">Queue views</th>
                <th scope="col" className="px-3 py-2 text-right">Reactions</th>
                <th scope="col" className="px-3 py-2">Last seen</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {reps.map((r) => (
                <tr key={r.id}>
                  <td className="px-3 py-2">
                    <span className="font-medium text-slate-900">{r.name}</span>
                    {!r.active ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">deactivated</span> : null}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.activeDays}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.queueViews}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.reactions}</td>
                  <td className="px-3 py-2 text-slate-600">{r.lastSeenAt ? formatDate(r.lastSeenAt) : "never"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
