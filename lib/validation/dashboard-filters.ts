import { z } from "zod";
import { safeIsoDate } from "./postgres-safe";

// Dashboard filters live in the URL (?from=YYYY-MM-DD&to=YYYY-MM-DD&team=<uuid>&action=<key>&segment=<name>&grain=week|month|quarter)
// so a view can be shared. Each parameter is parsed on its own: a bad one falls
// back to its default and adds a note the page shows, it never breaks the page.
// Dates are whole UTC days; `to` is inclusive.

export const DEFAULT_RANGE_DAYS = 90;
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

// Years 1900–2100 only (year 0000 parses in JS but not in Postgres).
const isoDate = safeIsoDate();

export const dashboardFiltersSchema = z.object({
  from: isoDate,
  to: isoDate,
  team: z.string().uuid("not a team id").nullable(),
  action: z.string().regex(/^[a-z0-9_]{1,64}$/, "not an action key").nullable(),
  segment: z.string().regex(/^[A-Za-z0-9_ -]{1,64}$/, "not a segment name").nullable(),
  grain: z.enum(["week", "month", "quarter"]),
});

/** Time buckets of the dashboards' series and of the periodic review. */
export const GRAINS = ["week", "month", "quarter"] as const;
export type Grain = (typeof GRAINS)[number];

export type DashboardFilters = z.infer<typeof dashboardFiltersSchema>;

type SearchParams = Record<string, string | string[] | undefined>;

/** A URL parameter's first value. */
export const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const dayStart = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Parses the URL's filters; invalid values fall back to defaults with a note saying so. */
export function parseDashboardFilters(params: SearchParams, now = new Date()): { filters: DashboardFilters; notes: string[] } {
  const notes: string[] = [];
  const today = isoDay(now);
  const raw = {
    from: first(params.from),
    to: first(params.to),
    team: first(params.team),
    action: first(params.action),
    segment: first(params.segment),
    grain: first(params.grain),
  };

  let to = today;
  if (raw.to) {
    const r = dashboardFiltersSchema.shape.to.safeParse(raw.to);
    if (!r.success) notes.push(`Ignored end date "${raw.to}" (${r.error.issues[0]?.message}); showing up to today.`);
    else if (r.data > today) notes.push(`End date ${r.data} is in the future; showing up to today.`);
    else to = r.data;
  }
  const defaultFrom = isoDay(new Date(dayStart(to).getTime() - (DEFAULT_RANGE_DAYS - 1) * DAY_MS));
  let from = defaultFrom;
  if (raw.from) {
    const r = dashboardFiltersSchema.shape.from.safeParse(raw.from);
    if (!r.success) notes.push(`Ignored start date "${raw.from}" (${r.error.issues[0]?.message}); showing ${DEFAULT_RANGE_DAYS} days.`);
    else if (r.data > to) notes.push(`Start date ${r.data} is after the end date; showing ${DEFAULT_RANGE_DAYS} days.`);
    else if ((dayStart(to).getTime() - dayStart(r.data).getTime()) / DAY_MS + 1 > MAX_RANGE_DAYS) {
      from = isoDay(new Date(dayStart(to).getTime() - (MAX_RANGE_DAYS - 1) * DAY_MS));
      notes.push(`Ranges are limited to ${MAX_RANGE_DAYS} days; showing from ${from}.`);
    } else from = r.data;
  }
  let team: string | null = null;
  if (raw.team) {
    const r = dashboardFiltersSchema.shape.team.safeParse(raw.team);
    if (!r.success) notes.push(`Ignored team "${raw.team}" (${r.error.issues[0]?.message}).`);
    else team = r.data;
  }
  let action: string | null = null;
  if (raw.action) {
    const r = dashboardFiltersSchema.shape.action.safeParse(raw.action);
    if (!r.success) notes.push(`Ignored action type "${raw.action}" (${r.error.issues[0]?.message}).`);
    else action = r.data;
  }
  let segment: string | null = null;
  if (raw.segment) {
    const r = dashboardFiltersSchema.shape.segment.safeParse(raw.segment);
    if (!r.success) notes.push(`Ignored segment "${raw.segment}" (${r.error.issues[0]?.message}).`);
    else segment = r.data;
  }
  let grain: Grain = "week";
  if (raw.grain) {
    const r = dashboardFiltersSchema.shape.grain.safeParse(raw.grain);
    if (!r.success) notes.push(`Ignored grain "${raw.grain}" (use week, month or quarter); showing weeks.`);
    else grain = r.data;
  }
  return { filters: { from, to, team, action, segment, grain }, notes };
}

/** The half-open instant range [from, toExclusive) the filters cover. */
export function filterRange(f: Pick<DashboardFilters, "from" | "to">): { from: Date; toExclusive: Date; days: number } {
  const from = dayStart(f.from);
  const toExclusive = new Date(dayStart(f.to).getTime() + DAY_MS);
  return { from, toExclusive, days: Math.round((toExclusive.getTime() - from.getTime()) / DAY_MS) };
}

/** The query string for a set of filters (defaults included, so a shared link is exact). */
export function filtersToQuery(f: DashboardFilters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  if (f.team) q.set("team", f.team);
  if (f.action) q.set("action", f.action);
  if (f.segment) q.set("segment", f.segment);
  if (f.grain !== "week") q.set("grain", f.grain);
  return q.toString();
}
