import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { filtersToQuery, type DashboardFilters } from "@/lib/validation/dashboard-filters";
import type { Unavailable } from "@/lib/services/dashboard-views";
import { ComputeNowLink } from "./compute-now";
import { FiguresUnavailable } from "./figures-unavailable";
import { FilterBar } from "./filter-bar";

const TABS = [
  { href: "/dashboards/adoption", label: "Adoption", key: "adoption" },
  { href: "/dashboards/conversion", label: "Impact", key: "conversion" },
  { href: "/dashboards/sentiment", label: "Customer sentiment", key: "sentiment" },
  { href: "/dashboards/model", label: "Model quality", key: "model" },
  { href: "/dashboards/review", label: "Periodic review", key: "review" },
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
  /** Customer segments; pass only where the page's figures honour the segment filter. */
  segments?: string[];
  canPickTeam: boolean;
  notes: string[];
  today: string;
  /** Replaces "from to to" in the subtitle (e.g. "2026 Q3"). */
  periodName?: string;
  /** A page-specific control first in the filter bar (the KPI picker). */
  lead?: React.ReactNode;
  /** Buttons beside the title (e.g. Print). */
  headerActions?: React.ReactNode;
  /** Switching the grain moves to the last complete period of it (the review). */
  grainSetsPeriod?: boolean;
  /** When the figures were computed ahead of the request (lib/services/dashboard-views.ts), and the query that computes them now. */
  computedAhead?: { asOf: Date | null; timedOut: boolean; liveQuery: string };
  children: React.ReactNode;
}

/** Header, dashboard tabs (keeping the filters), filter bar and notes about ignored filters. Tabs and filters are left out of print. */
export function DashboardFrame({ current, title, description, filters, teamName, teams, actions, segments, canPickTeam, notes, today, periodName, lead, headerActions, grainSetsPeriod, computedAhead, children }: FrameProps) {
  const q = filtersToQuery(filters);
  return (
    <div>
      <nav aria-label="Dashboards" data-tour="dashboards" data-print="hide" className="mb-3 flex gap-1 overflow-x-auto border-b border-slate-200">
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
      <PageHeader title={title} description={`${teamName} · ${periodName ?? `${filters.from} to ${filters.to}`} · ${description}`} actions={headerActions} />
      <FilterBar
        filters={filters}
        teams={teams.map((t) => ({ value: t.id, label: t.name }))}
        actions={actions.map((a) => ({ value: a.key, label: a.name }))}
        segments={segments?.map((s) => ({ value: s, label: s }))}
        canPickTeam={canPickTeam}
        today={today}
        lead={lead}
        grainSetsPeriod={grainSetsPeriod}
      />
      {computedAhead?.asOf ? (
        <ComputedAhead asOf={computedAhead.asOf} timedOut={computedAhead.timedOut} href={`${TABS.find((t) => t.key === current)?.href ?? ""}?${computedAhead.liveQuery}`} />
      ) : null}
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

const asOfFmt = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC", timeZoneName: "short" });

/** Says that the figures were computed ahead of time, and when; links to computing them now. */
function ComputedAhead({ asOf, href, timedOut }: { asOf: Date; href: string; timedOut: boolean }) {
  if (timedOut) {
    // Computing them for this request ran past the dashboards' timeout: the last copy computed ahead is shown, and
    // offering to compute them now again would only time out again.
    return (
      <p role="status" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900">
        Computing these figures now took too long at this size, so they are the ones computed ahead on {asOfFmt.format(asOf)}. For figures
        computed now, pick one team or a shorter range.
      </p>
    );
  }
  return (
    <p role="status" className="mb-3 text-xs text-slate-600">
      Figures as of {asOfFmt.format(asOf)}: computed ahead, as they take a while at this size.{" "}
      <ComputeNowLink href={href} /> <span className="text-slate-500">(may take a few seconds)</span>
    </p>
  );
}

/** A grid cell spanning both columns at wide widths. */
export function Wide({ children }: { children: React.ReactNode }) {
  return <div className="min-w-0 lg:col-span-2">{children}</div>;
}

/** In place of the figures when they are being computed in the background, that failed, or the server is busy with others (lib/services/dashboard-views.ts). */
export function FiguresPending({ unavailable: u, defaultHref, defaultLabel }: { unavailable: Unavailable; defaultHref: string; defaultLabel?: string }) {
  const fallback = { defaultHref, defaultLabel };
  if (u.state === "computing")
    return <FiguresUnavailable state="computing" since={asOfFmt.format(u.since)} untakenSince={u.untakenSince ? asOfFmt.format(u.untakenSince) : undefined} {...fallback} />;
  if (u.state === "busy") return <FiguresUnavailable state="busy" {...fallback} />;
  return <FiguresUnavailable state="failed" at={asOfFmt.format(u.at)} retryFrom={asOfFmt.format(u.retryFrom)} reason={u.reason} {...fallback} />;
}
