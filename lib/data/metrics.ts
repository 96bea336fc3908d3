import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { dashboardTimeouts } from "@/lib/config/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { filterRange, type DashboardFilters, type Grain } from "@/lib/validation/dashboard-filters";
import { db } from "./db";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { NO_TEAM, type RowScope } from "./scope";
import { ACTED_ON_SQL, resolvedSql } from "./vocabulary-sql";

// Aggregate SQL behind the manager dashboards. Everything is counted by the
// database (GROUP BY / GROUPING SETS / percentile_cont) and only the
// aggregated rows come back; lib/metrics turns counts into rates, intervals and
// verdicts. Each query is one pass over the date range of
// Recommendation_dashboard_idx: per-recommendation outcomes (first reaction,
// conversion, credited revenue) are stored on the row by triggers, not joined
// at read time (migration 20261124000000_dashboard_facts).
//
// Definitions (shown on the pages too):
// - The cohort: recommendations generated (createdAt) in [from, to], for reps
//   currently on the team, optionally one action type, and everything that has
//   happened to them since (reactions after the end date count).
// - generated: every recommendation, control group included.
// - shown: non-control recommendations. The queue does not stamp shownAt yet,
//   so "put in a rep's queue" stands in for "seen"; times to reaction are
//   measured from shownAt where it is set, else from createdAt.
// - accepted: status ACCEPTED or DONE; done: status DONE.
// - converted (accepted): a PURCHASE by the customer within ATTRIBUTION_WINDOW_DAYS
//   after the decision (decidedAt, else createdAt): the definition lib/data/decisions.ts loadStats learns from.
// - attributed revenue: each purchase is credited once, to the most recent
//   accepted recommendation for that customer whose window covers it (every
//   recorded purchase, including any dated after `now`).
// - treated vs control (intention to treat): a PURCHASE within the window after
//   createdAt, for every shown recommendation (acted on or not) against every
//   control one; only recommendations whose window has closed are compared.

export interface MetricsScope {
  from: Date;
  toExclusive: Date;
  /** null: every team (admins only; resolveDashboardScope enforces it). */
  teamId: string | null;
  actionKey: string | null;
  /** Customers of this segment only (KPIs); null: every segment. */
  segment: string | null;
  /** Bucket of the time series: periodStart(grain, ...). */
  grain: Grain;
  /** The instant figures are computed as of (tests pin it). */
  now: Date;
}

export interface TeamOption {
  id: string;
  name: string;
}
export interface ActionOption {
  key: string;
  name: string;
}

export type DashboardContext =
  | { kind: "forbidden" }
  | { kind: "ok"; scope: MetricsScope; teams: TeamOption[]; actions: ActionOption[]; segments: string[]; teamName: string; notes: string[]; canPickTeam: boolean };

/**
 * Turns URL filters into a scope the viewer may see. A manager asking for any
 * team but their own is refused (the page answers 403), never clamped
 * silently; an admin may pick any existing team or all of them. `viewer` is
 * the viewer's row scope (rowScope in lib/auth/permissions.ts).
 */
export async function resolveDashboardScope(viewer: RowScope, filters: DashboardFilters, now = new Date()): Promise<DashboardContext> {
  const notes: string[] = [];
  const allTeams = viewer.kind === "all";
  const ownTeam = viewer.kind === "all" ? null : viewer.teamId;
  const [teams, actions, segmentRows] = await Promise.all([
    db().team.findMany({ where: allTeams ? {} : { id: ownTeam ?? NO_TEAM }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db().actionType.findMany({ select: { key: true, name: true }, orderBy: { name: "asc" } }),
    // In SQL: Prisma's `distinct` would fetch every customer and de-duplicate in JS.
    db().$queryRaw<{ segment: string }[]>`SELECT DISTINCT segment FROM "Customer" ORDER BY 1`,
  ]);
  const segments = segmentRows.map((r) => r.segment);
  let teamId: string | null;
  if (!allTeams) {
    if (filters.team && filters.team !== ownTeam) return { kind: "forbidden" };
    teamId = ownTeam ?? NO_TEAM;
  } else if (filters.team && !teams.some((t) => t.id === filters.team)) {
    notes.push("That team does not exist; showing all teams.");
    teamId = null;
  } else teamId = filters.team;
  let actionKey = filters.action;
  if (actionKey && !actions.some((a) => a.key === actionKey)) {
    notes.push(`Unknown action type "${actionKey}"; showing all action types.`);
    actionKey = null;
  }
  let segment = filters.segment;
  if (segment && !segments.includes(segment)) {
    notes.push(`Unknown segment "${segment}"; showing every segment.`);
    segment = null;
  }
  const { from, toExclusive } = filterRange(filters);
  const teamName = teamId === null ? "All teams" : (teams.find((t) => t.id === teamId)?.name ?? "No team");
  return { kind: "ok", scope: { from, toExclusive, teamId, actionKey, segment, grain: filters.grain, now }, teams, actions, segments, teamName, notes, canPickTeam: allTeams };
}

// ---------------------------------------------------------------- grain

/**
 * The SQL for a grain, from a fixed table: the grain never reaches SQL as
 * text, so an unexpected value (it comes from a URL) throws instead of
 * being spliced in. Weeks start on Monday (ISO), months and quarters on the
 * 1st, all in UTC (timestamps are stored as UTC).
 */
function grainSql(grain: Grain): { unit: Prisma.Sql; step: Prisma.Sql } {
  switch (grain) {
    case "week":
      return { unit: Prisma.sql`'week'`, step: Prisma.sql`interval '7 days'` };
    case "month":
      return { unit: Prisma.sql`'month'`, step: Prisma.sql`interval '1 month'` };
    case "quarter":
      return { unit: Prisma.sql`'quarter'`, step: Prisma.sql`interval '3 months'` };
    default:
      throw new Error(`Unknown grain ${JSON.stringify(grain satisfies never)}`);
  }
}

/** Start of the grain's period holding `expr` (a timestamp expression): date_trunc('week' | 'month' | 'quarter', expr). */
export function periodStart(grain: Grain, expr: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`date_trunc(${grainSql(grain).unit}, ${expr})`;
}

/** The length of one period, as an SQL interval (for generate_series). */
export function periodStep(grain: Grain): Prisma.Sql {
  return grainSql(grain).step;
}

const WINDOW_MS = ATTRIBUTION_WINDOW_DAYS * 86_400_000;

/**
 * Runs one dashboard aggregate in its own transaction with enough memory to
 * hash and sort a large cohort in RAM (work_mem applies per hash or sort node,
 * and only inside this transaction); with the default 4 MB Postgres spills a
 * quarter of a million rows to disk and takes twice as long. A page that runs
 * several aggregates at once passes `parallel: false`: they already share the
 * cores, and parallel workers on top only add start-up and contention.
 */
export async function aggregate<T>(query: Prisma.Sql, opts: { parallel?: boolean } = {}): Promise<T> {
  const workers = opts.parallel === false ? "0" : "2";
  const timeoutMs = aggregateTimeout.getStore() ?? dashboardTimeouts().queryMs;
  const settings = db().$queryRaw`SELECT set_config('work_mem', '64MB', true), set_config('max_parallel_workers_per_gather', ${workers}, true),
    set_config('statement_timeout', ${String(timeoutMs)}, true)`;
  // The database cancels the statement at the timeout (SQLSTATE 57014, isQueryTimeout); the transaction is given a
  // second more, so the cancellation is what the caller sees, not Prisma's own transaction timeout.
  const [, rows] = await db().$transaction([settings, db().$queryRaw<T>(query)], { timeout: timeoutMs + 1000 });
  return rows;
}

const aggregateTimeout = new AsyncLocalStorage<number>();

/**
 * Runs `fn` with every aggregate it starts allowed `ms` per statement instead of DASHBOARD_QUERY_TIMEOUT_MS
 * (the refresher of figures computed ahead: DASHBOARD_REFRESH_TIMEOUT_MS).
 */
export function withAggregateTimeout<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return aggregateTimeout.run(ms, fn);
}

/** Windows that started before this instant have closed at `now`. */
function windowsClosedBefore(s: MetricsScope): Date {
  return new Date(s.now.getTime() - WINDOW_MS);
}

/**
 * The cohort CTE body: recommendations in scope. It reads only columns of
 * Recommendation_dashboard_idx, so a date range is one index-only scan;
 * grouping is done on ids and names are joined to the few aggregated rows. The
 * outcome columns (firstReactionAt, convertedAt, attributedRevenue...) are kept
 * up to date by triggers (migration 20261124000000_dashboard_facts).
 */
export function scopedRecommendations(s: MetricsScope): Prisma.Sql {
  return Prisma.sql`
    SELECT r."repId", r."actionTypeId", r.status, r."isControl", r.propensity, r."modelVersion", r."createdAt", r."shownAt", r."decidedAt",
           r."firstReactionAt", r."snoozedAt", r."dismissReason", r."purchasedAt", r."convertedAt", r."attributedRevenue",
           NOT r."isControl" AND r.status IN ${ACTED_ON_SQL} AS accepted
    FROM "Recommendation" r
    WHERE r."createdAt" >= ${s.from} AND r."createdAt" < ${s.toExclusive} AND r."createdAt" <= ${s.now}
      ${s.teamId === null ? Prisma.empty : Prisma.sql`AND r."repId" IN (SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid)`}
      ${s.actionKey === null ? Prisma.empty : Prisma.sql`AND r."actionTypeId" IN (SELECT id FROM "ActionType" WHERE key = ${s.actionKey})`}`;
}

// ---------------------------------------------------------------- conversion

export interface ConversionGroupRow {
  generated: number;
  shown: number;
  accepted: number;
  done: number;
  converted: number;
  revenue: number;
  /** Intention to treat, windows closed: shown recommendations and those followed by a purchase. */
  treatedN: number;
  treatedConverted: number;
  controlN: number;
  controlConverted: number;
}

export interface ConversionData {
  total: ConversionGroupRow;
  byAction: (ConversionGroupRow & { actionKey: string; actionName: string })[];
  byRep: (ConversionGroupRow & { repId: string; repName: string })[];
  /** By period of scope.grain; `week` is the period's start (the name predates the grain switch). */
  byWeek: (ConversionGroupRow & { week: Date })[];
}

const EMPTY_GROUP: ConversionGroupRow = { generated: 0, shown: 0, accepted: 0, done: 0, converted: 0, revenue: 0, treatedN: 0, treatedConverted: 0, controlN: 0, controlConverted: 0 };

type ConversionRaw = ConversionGroupRow & { g: number; actionKey: string | null; actionName: string | null; repId: string | null; repName: string | null; week: Date | null };

const DAY_MS = 86_400_000;
const dayFloor = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
const dayCeil = (d: Date) => new Date(Math.ceil(d.getTime() / DAY_MS) * DAY_MS);

/**
 * How a view splits between a daily rollup (RecommendationDay, kept by
 * triggers per creation day) and the recommendations themselves: whole UTC
 * days [lo, hi) that are over by `now` come from the rollup, except `skip` (a
 * day the caller must read row by row, e.g. the one in which attribution
 * windows close); `rows` are the [from, toExclusive) ranges read row by row (the
 * range's partial ends, today, `skip`). null: no whole day, read everything row by row.
 */
export interface DaySplit {
  lo: Date;
  hi: Date;
  skip: Date | null;
  rows: (readonly [Date, Date])[];
}

export function splitDays(s: MetricsScope, cutDay: Date | null = null): DaySplit | null {
  const lo = dayCeil(s.from);
  const hi = new Date(Math.min(dayFloor(s.toExclusive).getTime(), dayFloor(s.now).getTime()));
  if (hi.getTime() <= lo.getTime()) return null;
  const skip = cutDay !== null && cutDay.getTime() >= lo.getTime() && cutDay.getTime() < hi.getTime() ? cutDay : null;
  const rows: (readonly [Date, Date])[] = [];
  if (s.from.getTime() < lo.getTime()) rows.push([s.from, lo]);
  if (skip) rows.push([skip, new Date(skip.getTime() + DAY_MS)]);
  if (hi.getTime() < s.toExclusive.getTime()) rows.push([hi, s.toExclusive]);
  return { lo, hi, skip, rows };
}

/** SQL: a rollup's `day` column is one of the split's whole days. */
export function rollupDaysSql(split: DaySplit, day: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${day} >= ${split.lo}::date AND ${day} < ${split.hi}::date ${split.skip ? Prisma.sql`AND ${day} <> ${split.skip}::date` : Prisma.empty}`;
}

/** SQL: a recommendation's createdAt lies in one of the split's whole days (for corrections to what the rollup counted). */
export function createdInRollupSql(split: DaySplit, createdAt: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${createdAt} >= ${split.lo} AND ${createdAt} < ${split.hi}
    ${split.skip ? Prisma.sql`AND NOT (${createdAt} >= ${split.skip} AND ${createdAt} < ${new Date(split.skip.getTime() + DAY_MS)})` : Prisma.empty}`;
}

/** The scope's team and action filters on a rollup's (or a recommendation's) rep and action type columns. */
export function rollupFilters(s: MetricsScope, rep: Prisma.Sql, action: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    ${s.teamId === null ? Prisma.empty : Prisma.sql`AND ${rep} IN (SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid)`}
    ${s.actionKey === null ? Prisma.empty : Prisma.sql`AND ${action} IN (SELECT id FROM "ActionType" WHERE key = ${s.actionKey})`}`;
}

/**
 * The conversion dashboard's counts per period, rep and action type, as rows
 * to be summed (columns as ConversionGroupRow, revenue unrounded). Whole UTC
 * days come from RecommendationDay (kept by triggers: one row per day, rep and
 * action type instead of every recommendation); recommendations are read one
 * by one only where the view cuts a day: the range's partial ends, today
 * (created after `now` excluded) and the day in which the attribution windows
 * close (created by `closed` or after it). The rollup counts every recorded
 * outcome, so outcomes dated after `now` (a back-dated view, or a purchase
 * recorded ahead of time) are subtracted, found through their own index.
 */
function conversionCells(s: MetricsScope): Prisma.Sql {
  const closed = windowsClosedBefore(s);
  const week = (expr: Prisma.Sql) => periodStart(s.grain, expr);
  const perRow = ([from, toExclusive]: readonly [Date, Date]) => Prisma.sql`
      SELECT ${week(Prisma.sql`"createdAt"`)} AS week, "repId", "actionTypeId",
             1 AS generated, (NOT "isControl")::int AS shown, accepted::int AS accepted, (NOT "isControl" AND status = 'DONE')::int AS done,
             (accepted AND COALESCE("convertedAt" <= ${s.now}, false))::int AS converted, CASE WHEN accepted THEN "attributedRevenue" ELSE 0 END AS revenue,
             ("createdAt" <= ${closed} AND NOT "isControl")::int AS "treatedN",
             ("createdAt" <= ${closed} AND NOT "isControl" AND COALESCE("purchasedAt" <= ${s.now}, false))::int AS "treatedConverted",
             ("createdAt" <= ${closed} AND "isControl")::int AS "controlN",
             ("createdAt" <= ${closed} AND "isControl" AND COALESCE("purchasedAt" <= ${s.now}, false))::int AS "controlConverted"
      FROM (${scopedRecommendations({ ...s, from, toExclusive })}) r`;
  const split = splitDays(s, dayFloor(closed));
  if (split === null) return perRow([s.from, s.toExclusive]);
  const closedDay = dayFloor(closed);
  const parts: Prisma.Sql[] = [
    Prisma.sql`
      SELECT ${week(Prisma.sql`d.day::timestamp`)} AS week, d."repId", d."actionTypeId",
             d.generated, d.shown, d.accepted, d.done, d.converted, d.revenue,
             CASE WHEN d.day < ${closedDay}::date THEN d.shown ELSE 0 END AS "treatedN",
             CASE WHEN d.day < ${closedDay}::date THEN d."treatedConverted" ELSE 0 END AS "treatedConverted",
             CASE WHEN d.day < ${closedDay}::date THEN d."controlN" ELSE 0 END AS "controlN",
             CASE WHEN d.day < ${closedDay}::date THEN d."controlConverted" ELSE 0 END AS "controlConverted"
      FROM "RecommendationDay" d
      WHERE ${rollupDaysSql(split, Prisma.raw("d.day"))} ${rollupFilters(s, Prisma.raw('d."repId"'), Prisma.raw('d."actionTypeId"'))}`,
    // Conversions the rollup counted that lie after now (a rep may decide days after the suggestion was made, and the
    // window runs from the decision). Purchases for treated vs control need none: they fall within 14 days of createdAt,
    // so for a day before the one in which windows close they are all at or before now.
    Prisma.sql`
      SELECT ${week(Prisma.sql`r."createdAt"`)}, r."repId", r."actionTypeId", 0, 0, 0, 0, -1, 0, 0, 0, 0, 0
      FROM "Recommendation" r
      WHERE r."convertedAt" > ${s.now} AND NOT r."isControl" AND r.status IN ${ACTED_ON_SQL}
        AND ${createdInRollupSql(split, Prisma.raw('r."createdAt"'))}
        ${rollupFilters(s, Prisma.raw('r."repId"'), Prisma.raw('r."actionTypeId"'))}`,
    ...split.rows.map(perRow),
  ];
  return Prisma.join(parts, " UNION ALL ");
}

/**
 * Funnel, conversion, attributed revenue and treated-vs-control counts, by
 * action, rep and week, in one pass: counted per week, rep and action first,
 * then rolled up. Periods are of scope.grain.
 */
export async function conversionMetrics(s: MetricsScope): Promise<ConversionData> {
  const rows = await aggregate<ConversionRaw[]>(Prisma.sql`
    WITH cells AS (
      SELECT week, "repId", "actionTypeId",
             SUM(generated) AS generated, SUM(shown) AS shown, SUM(accepted) AS accepted, SUM(done) AS done,
             SUM(converted) AS converted, SUM(revenue) AS revenue,
             SUM("treatedN") AS "treatedN", SUM("treatedConverted") AS "treatedConverted",
             SUM("controlN") AS "controlN", SUM("controlConverted") AS "controlConverted"
      FROM (${conversionCells(s)}) c
      GROUP BY 1, 2, 3
    ),
    rolled AS (
      SELECT (GROUPING("actionTypeId") * 4 + GROUPING("repId") * 2 + GROUPING(week))::int AS g, "actionTypeId", "repId", week,
             SUM(generated)::int AS generated, SUM(shown)::int AS shown, SUM(accepted)::int AS accepted, SUM(done)::int AS done,
             SUM(converted)::int AS converted, COALESCE(SUM(revenue), 0)::float8 AS revenue,
             SUM("treatedN")::int AS "treatedN", SUM("treatedConverted")::int AS "treatedConverted",
             SUM("controlN")::int AS "controlN", SUM("controlConverted")::int AS "controlConverted"
      FROM cells
      GROUP BY GROUPING SETS ((), ("actionTypeId"), ("repId"), (week))
    )
    SELECT rolled.*, a.key AS "actionKey", a.name AS "actionName", u.name AS "repName"
    FROM rolled LEFT JOIN "ActionType" a ON a.id = rolled."actionTypeId" LEFT JOIN "User" u ON u.id = rolled."repId"
    ORDER BY g, a.name, u.name, week`);
  const pick = ({ generated, shown, accepted, done, converted, revenue, treatedN, treatedConverted, controlN, controlConverted }: ConversionRaw): ConversionGroupRow => ({
    generated,
    shown,
    accepted,
    done,
    converted,
    revenue: Math.round(revenue * 100) / 100,
    treatedN,
    treatedConverted,
    controlN,
    controlConverted,
  });
  // g is a bitmask of the columns rolled up: 7 = grand total, 3 = by action, 5 = by rep, 6 = by week.
  const total = rows.find((r) => r.g === 7);
  return {
    total: total ? pick(total) : EMPTY_GROUP,
    byAction: rows.filter((r) => r.g === 3).map((r) => ({ actionKey: r.actionKey ?? "", actionName: r.actionName ?? "", ...pick(r) })),
    byRep: rows.filter((r) => r.g === 5).map((r) => ({ repId: r.repId ?? "", repName: r.repName ?? "", ...pick(r) })),
    byWeek: rows.filter((r) => r.g === 6 && r.week).map((r) => ({ week: r.week as Date, ...pick(r) })),
  };
}

// ---------------------------------------------------------------- model

export interface CalibrationRow {
  /** 1..10: predicted propensity in [(band-1)/10, band/10). */
  band: number;
  n: number;
  meanPredicted: number;
  observed: number;
}
export interface PrecisionRow {
  accepted: number;
  converted: number;
}
export interface ModelData {
  calibration: CalibrationRow[];
  /** By period of scope.grain (`week` = the period's start), as acceptanceByWeek. */
  precisionByWeek: (PrecisionRow & { week: Date })[];
  /**
   * Per model version, on the recommendations it made (its logged propensity
   * against what happened afterwards: data the version was not trained on):
   * precision as above, and over resolved ones the sums behind the Brier
   * score (mean (p − y)²), the log loss (mean −ln p or −ln(1 − p), p clipped
   * to [1e-6, 1 − 1e-6]) and the accuracy (share right when p ≥ 0.5 is read
   * as "will accept"). firstUsed: the UTC day of its first recommendation in the range.
   */
  precisionByVersion: (PrecisionRow & { modelVersion: string; firstUsed: Date; resolved: number; brierSum: number; logLossSum: number; correct: number; resolvedAccepted: number; predictedSum: number })[];
  acceptanceByWeek: { week: Date; actionKey: string; actionName: string; resolved: number; accepted: number }[];
}

/**
 * Model quality. "Resolved" is the population the model learns from
 * (lib/data/decisions.ts loadStats): shown recommendations accepted, done or
 * dismissed, or expired after a rep saw them. Precision counts accepted
 * recommendations whose attribution window has closed.
 */
/** lib/metrics/calibration.ts calibrationBand(propensity) in SQL (held to it by tests/integration/sql-matches-engine.test.ts). */
export const CALIBRATION_BAND_SQL = Prisma.sql`(LEAST(9, GREATEST(0, floor(propensity * 10))) + 1)::int`;

/**
 * The model dashboard's sums per period, model version, action type and
 * calibration band, as rows to be summed. Whole UTC days come from
 * RecommendationModelDay (kept by triggers); the days a view cuts through
 * (the range's partial ends, today, and the day in which attribution windows
 * close) are read row by row. Precision needs the decision time and the
 * conversion time against the view's cut-offs, so the acted-on
 * recommendations of whole days decided after `closed` or converted after
 * `now` are corrected one by one (a partial index and the convertedAt index
 * find them).
 */
function modelCells(s: MetricsScope): Prisma.Sql {
  const resolved = resolvedSql();
  const closed = windowsClosedBefore(s);
  const closedDay = dayFloor(closed);
  const week = (expr: Prisma.Sql) => periodStart(s.grain, expr);
  const perRow = ([from, toExclusive]: readonly [Date, Date]) => Prisma.sql`
      SELECT ${week(Prisma.sql`"createdAt"`)} AS week, "modelVersion", "actionTypeId", ${CALIBRATION_BAND_SQL} AS band, "createdAt" AS "firstUsed",
             (${resolved})::int AS resolved, (${resolved} AND accepted)::int AS accepted,
             (accepted AND COALESCE("decidedAt", "createdAt") <= ${closed})::int AS "precisionN",
             (accepted AND COALESCE("decidedAt", "createdAt") <= ${closed} AND COALESCE("convertedAt" <= ${s.now}, false))::int AS "precisionConverted",
             CASE WHEN ${resolved} THEN propensity ELSE 0 END AS "propensitySum",
             CASE WHEN ${resolved} THEN power(propensity - accepted::int, 2) ELSE 0 END AS "brierSum",
             CASE WHEN NOT ${resolved} THEN 0 WHEN accepted THEN -ln(LEAST(GREATEST(propensity, 1e-6), 1 - 1e-6)) ELSE -ln(1 - LEAST(GREATEST(propensity, 1e-6), 1 - 1e-6)) END AS "logLossSum",
             (${resolved} AND (propensity >= 0.5) = accepted)::int AS correct
      FROM (${scopedRecommendations({ ...s, from, toExclusive })}) r`;
  const split = splitDays(s, closedDay);
  if (split === null) return perRow([s.from, s.toExclusive]);
  return Prisma.join(
    [
      Prisma.sql`
      SELECT ${week(Prisma.sql`d.day::timestamp`)} AS week, d."modelVersion", d."actionTypeId", d.band, CASE WHEN d.generated > 0 THEN d.day::timestamp END AS "firstUsed",
             d.resolved, d.accepted,
             CASE WHEN d.day < ${closedDay}::date THEN d.accepted ELSE 0 END AS "precisionN", CASE WHEN d.day < ${closedDay}::date THEN d.converted ELSE 0 END AS "precisionConverted",
             d."propensitySum", d."brierSum", d."logLossSum", d.correct
      FROM "RecommendationModelDay" d
      WHERE ${rollupDaysSql(split, Prisma.raw("d.day"))} ${rollupFilters(s, Prisma.raw('d."repId"'), Prisma.raw('d."actionTypeId"'))}`,
      // Acted-on recommendations of whole days before the closing day that the rollup counted for precision as if decided
      // by `closed` and converted by `now`: the difference between the definition and that count.
      Prisma.sql`
      SELECT ${week(Prisma.sql`r."createdAt"`)}, r."modelVersion", r."actionTypeId", ${CALIBRATION_BAND_SQL}, NULL::timestamp, 0, 0,
             -(COALESCE(r."decidedAt", r."createdAt") > ${closed})::int,
             (COALESCE(r."decidedAt", r."createdAt") <= ${closed} AND COALESCE(r."convertedAt" <= ${s.now}, false))::int - (r."convertedAt" IS NOT NULL)::int,
             0, 0, 0, 0
      FROM "Recommendation" r
      WHERE NOT r."isControl" AND r.status IN ${ACTED_ON_SQL} AND (r."decidedAt" > ${closed} OR r."convertedAt" > ${s.now})
        AND r."createdAt" < ${closedDay} AND ${createdInRollupSql(split, Prisma.raw('r."createdAt"'))}
        ${rollupFilters(s, Prisma.raw('r."repId"'), Prisma.raw('r."actionTypeId"'))}`,
      ...split.rows.map(perRow),
    ],
    " UNION ALL ",
  );
}

export async function modelMetrics(s: MetricsScope): Promise<ModelData> {
  const rows = await aggregate<
    {
      g: number;
      band: number | null;
      week: Date | null;
      modelVersion: string | null;
      actionKey: string | null;
      actionName: string | null;
      firstUsed: Date | null;
      resolved: number;
      accepted: number;
      precisionN: number;
      precisionConverted: number;
      propensitySum: number;
      brierSum: number;
      logLossSum: number;
      correct: number;
    }[]
  >(Prisma.sql`
    WITH cells AS (
      SELECT week, "modelVersion", "actionTypeId", band, MIN("firstUsed") AS "firstUsed",
             SUM(resolved) AS resolved, SUM(accepted) AS accepted, SUM("precisionN") AS "precisionN", SUM("precisionConverted") AS "precisionConverted",
             SUM("propensitySum") AS "propensitySum", SUM("brierSum") AS "brierSum", SUM("logLossSum") AS "logLossSum", SUM(correct) AS correct
      FROM (${modelCells(s)}) c
      GROUP BY 1, 2, 3, 4
    ),
    rolled AS (
      SELECT (GROUPING(band) * 8 + GROUPING(week) * 4 + GROUPING("modelVersion") * 2 + GROUPING("actionTypeId"))::int AS g,
             band, week, "modelVersion", "actionTypeId", MIN("firstUsed") AS "firstUsed",
             SUM(resolved)::int AS resolved, SUM(accepted)::int AS accepted,
             SUM("precisionN")::int AS "precisionN", SUM("precisionConverted")::int AS "precisionConverted",
             SUM("propensitySum")::float8 AS "propensitySum", SUM("brierSum")::float8 AS "brierSum", SUM("logLossSum")::float8 AS "logLossSum", SUM(correct)::int AS correct
      FROM cells
      GROUP BY GROUPING SETS ((band), (week), ("modelVersion"), (week, "actionTypeId"))
    )
    SELECT rolled.*, a.key AS "actionKey", a.name AS "actionName"
    FROM rolled LEFT JOIN "ActionType" a ON a.id = rolled."actionTypeId"
    ORDER BY g, band, week, "firstUsed", "modelVersion", a.name`);
  // g: 7 = by band, 11 = by week, 13 = by model version, 10 = by week and action.
  return {
    calibration: rows
      .filter((r) => r.g === 7 && r.band !== null && r.resolved > 0)
      .map((r) => ({ band: r.band as number, n: r.resolved, meanPredicted: r.propensitySum / r.resolved, observed: r.accepted / r.resolved })),
    precisionByWeek: rows.filter((r) => r.g === 11 && r.week).map((r) => ({ week: r.week as Date, accepted: r.precisionN, converted: r.precisionConverted })),
    precisionByVersion: rows
      .filter((r) => r.g === 13 && r.modelVersion !== null && r.firstUsed !== null)
      .map((r) => ({
        modelVersion: r.modelVersion as string,
        firstUsed: dayFloor(r.firstUsed as Date),
        accepted: r.precisionN,
        converted: r.precisionConverted,
        resolved: r.resolved,
        brierSum: r.brierSum,
        logLossSum: r.logLossSum,
        correct: r.correct,
        resolvedAccepted: r.accepted,
        predictedSum: r.propensitySum,
      })),
    acceptanceByWeek: rows
      .filter((r) => r.g === 10 && r.week && r.actionKey)
      .map((r) => ({ week: r.week as Date, actionKey: r.actionKey as string, actionName: r.actionName ?? "", resolved: r.resolved, accepted: r.accepted })),
  };
}
