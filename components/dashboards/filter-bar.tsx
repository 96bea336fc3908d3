"use client";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { filtersToQuery, isoDay, type DashboardFilters } from "@/lib/validation/dashboard-filters";

interface Option {
  value: string;
  label: string;
}

const PRESETS = [30, 90, 180] as const;

/** Date range, team and action type, kept in the URL so a view can be shared. */
export function FilterBar({ filters, teams, actions, canPickTeam, today }: { filters: DashboardFilters; teams: Option[]; actions: Option[]; canPickTeam: boolean; today: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, start] = useTransition();
  const go = (patch: Partial<DashboardFilters>) => start(() => router.push(`${pathname}?${filtersToQuery({ ...filters, ...patch })}`));
  const preset = (days: number) => ({ from: isoDay(new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000)), to: today });
  const field = "mt-0.5 block w-full rounded-md border-0 bg-white px-2 py-1.5 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500";
  return (
    <form
      aria-label="Dashboard filters"
      aria-busy={pending}
      className="mb-4 grid grid-cols-2 items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:flex sm:flex-wrap sm:gap-3"
      onSubmit={(e) => e.preventDefault()}
    >
      <label className="text-xs font-medium text-slate-700">
        From
        <input type="date" className={field} value={filters.from} max={filters.to} onChange={(e) => e.target.value && go({ from: e.target.value })} />
      </label>
      <label className="text-xs font-medium text-slate-700">
        To
        <input type="date" className={field} value={filters.to} min={filters.from} max={today} onChange={(e) => e.target.value && go({ to: e.target.value })} />
      </label>
      <div className="col-span-2 flex gap-1 sm:col-span-1" role="group" aria-label="Quick ranges">
        {PRESETS.map((d) => {
          const p = preset(d);
          const on = p.from === filters.from && p.to === filters.to;
          return (
            <button
              key={d}
              type="button"
              aria-pressed={on}
              onClick={() => go(p)}
              className={`rounded-md px-2 py-1.5 text-xs font-medium ring-1 ring-inset ${on ? "bg-brand-50 text-brand-700 ring-brand-500" : "text-slate-700 ring-slate-300 hover:bg-slate-50"}`}
            >
              {d} days
            </button>
          );
        })}
      </div>
      {canPickTeam ? (
        <label className="text-xs font-medium text-slate-700">
          Team
          <select className={field} value={filters.team ?? ""} onChange={(e) => go({ team: e.target.value || null })}>
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="text-xs font-medium text-slate-700">
        Action type
        <select className={field} value={filters.action ?? ""} onChange={(e) => go({ action: e.target.value || null })}>
          <option value="">All action types</option>
          {actions.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      {pending ? (
        <span role="status" className="text-xs text-slate-500">
          Updating…
        </span>
      ) : null}
    </form>
  );
}
