import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { filtersToQuery, type DashboardFilters } from "@/lib/validation/dashboard-filters";
import { FilterBar } from "./filter-bar";

const TABS = [
  { href: "/dashboards/adoption", label: "Adoption", key: "adoption" },
  { href: "/dashboards/conversion", label: "Conversion", key: "conversion" },
  { href: "/dashboards/model", label: "Model quality", key: "model" },
] as const;
export type DashboardKey = (typeof TABS)[number]["key"];

interface FrameProps {
  current: DashboardKey;
  title: string;
  description: string;
  filters: DashboardFilters;
  teamName: string;
  teams: { id: string; name: string }[];
  actions: { key: string; name: string }[];
  canPickTeam: boolean;
  notes: string[];
  today: string;
  children: React.ReactNode;
}

/** Header, dashboard tabs (keeping the filters), filter bar and notes about ignored filters. */
export function DashboardFrame({ current, title, description, filters, teamName, teams, actions, canPickTeam, notes, today, children }: FrameProps) {
  const q = filtersToQuery(filters);
  return (
    <div>
      <nav aria-label="Dashboards" className="mb-3 flex gap-1 overflow-x-auto border-b border-slate-200">
        {TABS.map((t) => (
          <Link
            key={t.key}
            href={`${t.href}?${q}`}
            aria-current={t.key === current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap ${t.key === current ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <PageHeader title={title} description={`${teamName} · ${filters.from} to ${filters.to} · ${description}`} />
      <FilterBar
        filters={filters}
        teams={teams.map((t) => ({ value: t.id, label: t.name }))}
        actions={actions.map((a) => ({ value: a.key, label: a.name }))}
        canPickTeam={canPickTeam}
        today={today}
      />
      {notes.length ? (
        <div role="note" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">{children}</div>
    </div>
  );
}

/** A grid cell spanning both columns at wide widths. */
export function Wide({ children }: { children: React.ReactNode }) {
  return <div className="min-w-0 lg:col-span-2">{children}</div>;
}
