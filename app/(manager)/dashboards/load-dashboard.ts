import "server-only";
import { forbidden } from "next/navigation";
import { requirePermission } from "@/lib/auth/guard";
import { rowScope } from "@/lib/auth/permissions";
import { resolveDashboardScope, type MetricsScope } from "@/lib/data/metrics";
import { recordUsage } from "@/lib/data/users";
import { isoDay, parseDashboardFilters, type DashboardFilters } from "@/lib/validation/dashboard-filters";
import type { DashboardKey } from "@/components/dashboards/dashboard-frame";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Guard, parse the URL filters and scope them to what the viewer may see.
 * A manager asking for another team's id gets the 403 page. Records the view.
 */
export async function loadDashboard(key: DashboardKey, searchParams: SearchParams) {
  const user = await requirePermission("dashboards.view");
  const now = new Date();
  const { filters, notes } = parseDashboardFilters(await searchParams, now);
  const ctx = await resolveDashboardScope(rowScope(user), filters, now);
  if (ctx.kind === "forbidden") forbidden();
  await recordUsage(user.id, "DASHBOARD_VIEW", { dashboard: key });
  const effective: DashboardFilters = { ...filters, team: ctx.canPickTeam ? ctx.scope.teamId : filters.team, action: ctx.scope.actionKey };
  const frame = {
    filters: effective,
    teamName: ctx.teamName,
    teams: ctx.teams,
    actions: ctx.actions,
    canPickTeam: ctx.canPickTeam,
    notes: [...notes, ...ctx.notes],
    today: isoDay(now),
  };
  return { scope: ctx.scope satisfies MetricsScope, frame };
}

/** ISO date of a week or day bucket. */
export const day = (d: Date) => isoDay(d);
