"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, useTransition } from "react";
import { lastCompletePeriod } from "@/lib/metrics/periods";
import { dayStart, filtersToQuery, GRAINS, isoDay, type DashboardFilters, type Grain } from "@/lib/validation/dashboard-filters";
import { PERIOD_LABEL } from "./format";

interface Option {
  value: string;
  label: string;
}

const PRESETS = [30, 90, 180] as const;
const FILTER_KEYS = ["from", "to", "team", "action", "segment", "grain"] as const;

export interface FilterBarProps {
  filters: DashboardFilters;
  teams: Option[];
  actions: Option[];
  /** Customer segments; the picker shows only where the page's figures honour it. */
  segments?: Option[];
  canPickTeam: boolean;
  today: string;
  /** A page-specific control (the KPI picker, the review's period) shown first in the bar. */
  lead?: React.ReactNode;
  /** Switching the grain also moves the range to the last complete period of the new grain (the review). */
  grainSetsPeriod?: boolean;
}

/** Navigates to the page with these filters, keeping the page's other parameters (e.g. ?kpi=). */
export function useFilterNavigation(filters: DashboardFilters) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, start] = useTransition();
  const go = (patch: Partial<DashboardFilters>, extra: Record<string, string | null> = {}) => {
    const q = new URLSearchParams(params.toString());
    for (const k of FILTER_KEYS) q.delete(k);
    for (const [k, v] of new URLSearchParams(filtersToQuery({ ...filters, ...patch }))) q.set(k, v);
    for (const [k, v] of Object.entries(extra)) {
      if (v === null) q.delete(k);
      else q.set(k, v);
    }
    start(() => router.push(`${pathname}?${q.toString()}`));
  };
  return { go, pending };
}

export const fieldClass = "mt-0.5 block w-full rounded-md border-0 bg-white px-2 py-1.5 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500";

/** Date range, grain, team, action type and segment, kept in the URL so a view can be shared. */
export function FilterBar({ filters, teams, actions, segments, canPickTeam, today, lead, grainSetsPeriod }: FilterBarProps) {
  const { go, pending } = useFilterNavigation(filters);
  const grainLabel = useId();
  const preset = (days: number) => ({ from: isoDay(new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000)), to: today });
  const toggle = (on: boolean) => `rounded-md px-2 py-1.5 text-xs font-medium ring-1 ring-inset ${on ? "bg-brand-50 text-brand-700 ring-brand-500" : "text-slate-700 ring-slate-300 hover:bg-slate-50"}`;
  return (
    <form
      aria-label="Dashboard filters"
      data-tour="filters"
      aria-busy={pending}
      data-print="hide"
      className="mb-4 grid grid-cols-2 items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:flex sm:flex-wrap sm:gap-3"
      onSubmit={(e) => e.preventDefault()}
    >
      {lead ? <div className="col-span-2 sm:col-span-1 sm:min-w-56">{lead}</div> : null}
      <label className="text-xs font-medium text-slate-700">
        From
        <input type="date" className={fieldClass} value={filters.from} max={filters.to} onChange={(e) => e.target.value && go({ from: e.target.value })} />
      </label>
      <label className="text-xs font-medium text-slate-700">
        To
        <input type="date" className={fieldClass} value={filters.to} min={filters.from} max={today} onChange={(e) => e.target.value && go({ to: e.target.value })} />
      </label>
      <div className="col-span-2 flex gap-1 sm:col-span-1" role="group" aria-label="Quick ranges">
        {PRESETS.map((d) => {
          const p = preset(d);
          const on = p.from === filters.from && p.to === filters.to;
          return (
            <button key={d} type="button" aria-pressed={on} onClick={() => go(p)} className={toggle(on)}>
              {d} days
            </button>
          );
        })}
      </div>
      <div className="col-span-2 sm:col-span-1">
        <span id={grainLabel} className="block text-xs font-medium text-slate-700">
          Group by
        </span>
        <div className="mt-0.5 flex gap-1" role="group" aria-labelledby={grainLabel}>
          {GRAINS.map((g: Grain) => (
            <button key={g} type="button" aria-pressed={filters.grain === g} onClick={() => go({ grain: g, ...(grainSetsPeriod ? lastCompletePeriod(g, dayStart(today)) : {}) })} className={toggle(filters.grain === g)}>
              {PERIOD_LABEL[g]}
            </button>
          ))}
        </div>
      </div>
      {canPickTeam ? (
        <label className="text-xs font-medium text-slate-700">
          Team
          <select className={fieldClass} value={filters.team ?? ""} onChange={(e) => go({ team: e.target.value || null })}>
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
        <select className={fieldClass} value={filters.action ?? ""} onChange={(e) => go({ action: e.target.value || null })}>
          <option value="">All action types</option>
          {actions.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      {segments ? (
        <label className="text-xs font-medium text-slate-700">
          Segment
          <select className={fieldClass} value={filters.segment ?? ""} onChange={(e) => go({ segment: e.target.value || null })}>
            <option value="">All segments</option>
            {segments.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {pending ? (
        <span role="status" className="text-xs text-slate-500">
          Updating…
        </span>
      ) : null}
    </form>
  );
}
