import "server-only";
import { forbidden } from "next/navigation";
import { after } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { rowScope } from "@/lib/auth/permissions";
import { resolveDashboardScope, type MetricsScope } from "@/lib/data/metrics";
import { recordUsage } from "@/lib/data/users";
import type { DayRange } from "@/lib/metrics/periods";
import { first, isoDay, parseDashboardFilters, type DashboardFilters, type Grain } from "@/lib/validation/dashboard-filters";
import type { DashboardKey } from "@/components/dashboards/dashboard-frame";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

interface LoadOptions {
  /** The range when the URL names neither end (the review's last complete period); else the last 90 days. */
  defaultRange?: (grain: Grain, now: Date) => DayRange;
}

/**
 * Guard, parse the URL filters and scope them to what the viewer may see.
 * A manager asking for another team's id gets the 403 page. Records the view
 * once the page is sent (usage, not something the viewer waits for).
 * `segments` is returned apart from `frame`: only pages whose figures honour
 * the segment filter hand it to the frame.
 */
export async function loadDashboard(key: DashboardKey, searchParams: SearchParams, opts: LoadOptions = {}) {
  const user = await requirePermission("dashboards.view");
  const now = new Date();
  const params = await searchParams;
  const { filters: parsed, notes } = parseDashboardFilters(params, now);
  const filters = opts.defaultRange && !params.from && !params.to ? { ...parsed, ...opts.defaultRange(parsed.grain, now) } : parsed;
  const ctx = await resolveDashboardScope(rowScope(user), filters, now);
  if (ctx.kind === "forbidden") forbidden();
  after(() => recordUsage(user.id, "DASHBOARD_VIEW", { dashboard: key }));
  const effective: DashboardFilters = { ...filters, team: ctx.canPickTeam ? ctx.scope.teamId : filters.team, action: ctx.scope.actionKey, segment: ctx.scope.segment };
  const frame = {
    filters: effective,
    teamName: ctx.teamName,
    teams: ctx.teams,
    actions: ctx.actions,
    canPickTeam: ctx.canPickTeam,
    notes: [...notes, ...ctx.notes],
    today: isoDay(now),
  };
  // ?live=1: compute every figure now instead of serving figures computed ahead (lib/services/dashboard-views.ts).
  const live = first(params.live) === "1";
  const liveQuery = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (k !== "live") for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) liveQuery.append(k, one);
  liveQuery.set("live", "1");
  return { scope: ctx.scope satisfies MetricsScope, frame, segments: ctx.segments, params, user, live, liveQuery: liveQuery.toString() };
}

/** ISO date of a week or day bucket. */
export const day = (d: Date) => isoDay(d);
