import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listActionTypes } from "@/lib/data/catalog";
import { formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Action catalog" };

export default async function CatalogPage() {
  await requirePermission("catalog.manage");
  const actions = await listActionTypes();
  return (
    <div>
      <PageHeader title="Action catalog" description="What the engine may suggest, and how much each action is worth." />
      {actions.length === 0 ? (
        <EmptyState title="No action types yet" />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Action types</caption>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Action</th>
                <th scope="col" className="px-3 py-2">Category</th>
                <th scope="col" className="px-3 py-2 text-right">Value</th>
                <th scope="col" className="px-3 py-2 text-right">Lever</th>
                <th scope="col" className="px-3 py-2 text-right">Cool-down</th>
                <th scope="col" className="px-3 py-2 text-right">Control</th>
                <th scope="col" className="px-3 py-2 text-right">Open</th>
                <th scope="col" className="px-3 py-2">Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {actions.map((a) => (
                <tr key={a.id}>
                  <td className="px-3 py-2">
                    <span className="font-medium text-slate-900">{a.name}</span>
                    <span className="block font-mono text-xs text-slate-500">
                      {a.key} · v{a.version}
                    </span>
                  </td>
                  <td className="px-3 py-2 text-slate-700">{a.category.toLowerCase()}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatMoney(a.businessValue)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">×{a.lever}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{a.cooldownDays} d</td>
                  <td className="px-3 py-2 text-right tabular-nums">{a.controlGroupPct}%</td>
                  <td className="px-3 py-2 text-right tabular-nums">{a.openRecommendations}</td>
                  <td className="px-3 py-2">
                    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${a.active ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}>
                      {a.active ? "active" : "inactive"}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
