import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { can } from "@/lib/auth/permissions";
import { filterRange, type DashboardFilters } from "@/lib/validation/dashboard-filters";
import { db } from "./db";
import { ATTRIBUTION_WINDOW_DAYS } from "./generation";
import type { SessionUser } from "./users";

// Aggregate SQL behind the manager dashboards. Everything is counted by the
// database (GROUP BY / GROUPING SETS / NTILE / percentile_cont) and only the
// aggregated rows come back; lib/metrics turns counts into rates, intervals and
// verdicts.
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
//   after the decision (decidedAt, else createdAt): the definition lib/data/generation.ts learns from.
// - attributed revenue: each purchase is credited once, to the most recent
//   accepted recommendation for that customer whose window covers it.
// - treated vs control (intention to treat): a PURCHASE within the window after
//   createdAt, for every shown recommendation (acted on or not) against every
//   control one; only recommendations whose window has closed are compared.

export interface MetricsScope {
  from: Date;
  toExclusive: Date;
  /** null: every team (admins only; resolveDashboardScope enforces it). */
  teamId: string | null;
  actionKey: string | null;
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
  | { kind: "ok"; scope: MetricsScope; teams: TeamOption[]; actions: ActionOption[]; teamName: string; notes: string[]; canPickTeam: boolean };

// A team id that matches nothing, for a manager who has no team.
const NO_TEAM = "00000000-0000-0000-0000-000000000000";

/**
 * Turns URL filters into a scope the viewer may see. A manager asking for any
 * team but their own is refused (the page answers 403), never clamped
 * silently; an admin may pick any existing team or all of them.
 */
export async function resolveDashboardScope(viewer: SessionUser, filters: DashboardFilters, now = new Date()): Promise<DashboardContext> {
  const notes: string[] = [];
  const allTeams = can(viewer.role, "dashboards.allTeams");
  const [teams, actions] = await Promise.all([
    db().team.findMany({ where: allTeams ? {} : { id: viewer.teamId ?? NO_TEAM }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db().actionType.findMany({ select: { key: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  let teamId: string | null;
  if (!allTeams) {
    if (filters.team && filters.team !== viewer.teamId) return { kind: "forbidden" };
    teamId = viewer.teamId ?? NO_TEAM;
  } else if (filters.team && !teams.some((t) => t.id === filters.team)) {
    notes.push("That team does not exist; showing all teams.");
    teamId = null;
  } else teamId = filters.team;
  let actionKey = filters.action;
  if (actionKey && !actions.some((a) => a.key === actionKey)) {
    notes.push(`Unknown action type "${actionKey}"; showing all action types.`);
    actionKey = null;
  }
  const { from, toExclusive } = filterRange(filters);
  const teamName = teamId === null ? "All teams" : (teams.find((t) => t.id === teamId)?.name ?? "No team");
  return { kind: "ok", scope: { from, toExclusive, teamId, actionKey, now }, teams, actions, teamName, notes, canPickTeam: allTeams };
}

const WINDOW = ATTRIBUTION_WINDOW_DAYS;

/** The cohort CTE body: recommendations in scope, with rep and action names. */
export function scopedRecommendations(s: MetricsScope): Prisma.Sql {
  return Prisma.sql`
    SELECT r.id, r."customerId", r."repId", u.name AS "repName", a.key AS "actionKey", a.name AS "actionName",
           r.status::text AS status, r."isControl", r.propensity, r."modelVersion", r."createdAt", r."shownAt", r."decidedAt"
    FROM "Recommendation" r
    JOIN "ActionType" a ON a.id = r."actionTypeId"
    JOIN "User" u ON u.id = r."repId"
    WHERE r."createdAt" >= ${s.from} AND r."createdAt" < ${s.toExclusive} AND r."createdAt" <= ${s.now}
      AND (${s.teamId}::uuid IS NULL OR u."teamId" = ${s.teamId}::uuid)
      AND (${s.actionKey}::text IS NULL OR a.key = ${s.actionKey}::text)`;
}

/** A PURCHASE by the recommendation's customer in (start, start + window], start being the given SQL expression. */
function purchaseWithin(start: Prisma.Sql, now: Date): Prisma.Sql {
  return Prisma.sql`EXISTS (
    SELECT 1 FROM "CustomerEvent" e
    WHERE e."customerId" = recs."customerId" AND e.type = 'PURCHASE'
      AND e."occurredAt" > ${start} AND e."occurredAt" <= ${start} + make_interval(days => ${WINDOW}::int)
      AND e."occurredAt" <= ${now})`;
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
  byWeek: (ConversionGroupRow & { week: Date })[];
}

const EMPTY_GROUP: ConversionGroupRow = { generated: 0, shown: 0, accepted: 0, done: 0, converted: 0, revenue: 0, treatedN: 0, treatedConverted: 0, controlN: 0, controlConverted: 0 };

type ConversionRaw = ConversionGroupRow & { g: number; actionKey: string | null; actionName: string | null; repId: string | null; repName: string | null; week: Date | null };

/** Funnel, conversion, attributed revenue and treated-vs-control counts, by action, rep and week, in one query. */
export async function conversionMetrics(s: MetricsScope): Promise<ConversionData> {
  const decision = Prisma.sql`COALESCE(recs."decidedAt", recs."createdAt")`;
  const rows = await db().$queryRaw<ConversionRaw[]>`
    WITH recs AS (${scopedRecommendations(s)}),
    flags AS (
      SELECT recs.id, recs."actionKey", recs."actionName", recs."repId", recs."repName",
             date_trunc('week', recs."createdAt") AS week,
             recs."isControl",
             NOT recs."isControl" AND recs.status IN ('ACCEPTED', 'DONE') AS accepted,
             NOT recs."isControl" AND recs.status = 'DONE' AS done,
             NOT recs."isControl" AND recs.status IN ('ACCEPTED', 'DONE') AND ${purchaseWithin(decision, s.now)} AS converted,
             recs."createdAt" + make_interval(days => ${WINDOW}::int) <= ${s.now} AS matured,
             ${purchaseWithin(Prisma.sql`recs."createdAt"`, s.now)} AS "purchasedAfter"
      FROM recs
    ),
    -- Each purchase is credited once: to the accepted recommendation for that customer with the
    -- latest decision whose window covers it (ties: lowest id), searched among all of the
    -- customer's recommendations, then kept when that winner is in scope.
    credited AS (
      SELECT recs.id AS "recId", e.amount
      FROM recs
      JOIN "CustomerEvent" e ON e."customerId" = recs."customerId" AND e.type = 'PURCHASE'
       AND e."occurredAt" > ${decision} AND e."occurredAt" <= ${decision} + make_interval(days => ${WINDOW}::int)
       AND e."occurredAt" <= ${s.now}
      WHERE NOT recs."isControl" AND recs.status IN ('ACCEPTED', 'DONE')
        AND NOT EXISTS (
          SELECT 1 FROM "Recommendation" r2
          WHERE r2."customerId" = recs."customerId" AND NOT r2."isControl" AND r2.status IN ('ACCEPTED', 'DONE') AND r2.id <> recs.id
            AND e."occurredAt" > COALESCE(r2."decidedAt", r2."createdAt")
            AND e."occurredAt" <= COALESCE(r2."decidedAt", r2."createdAt") + make_interval(days => ${WINDOW}::int)
            AND (COALESCE(r2."decidedAt", r2."createdAt") > ${decision}
                 OR (COALESCE(r2."decidedAt", r2."createdAt") = ${decision} AND r2.id < recs.id)))
    ),
    revenue AS (SELECT "recId", SUM(amount) AS amount FROM credited GROUP BY "recId")
    SELECT (GROUPING(f."actionKey") * 4 + GROUPING(f."repId") * 2 + GROUPING(f.week))::int AS g,
           f."actionKey", f."actionName", f."repId", f."repName", f.week,
           COUNT(*)::int AS generated,
           COUNT(*) FILTER (WHERE NOT f."isControl")::int AS shown,
           COUNT(*) FILTER (WHERE f.accepted)::int AS accepted,
           COUNT(*) FILTER (WHERE f.done)::int AS done,
           COUNT(*) FILTER (WHERE f.converted)::int AS converted,
           COALESCE(SUM(rv.amount), 0)::float8 AS revenue,
           COUNT(*) FILTER (WHERE f.matured AND NOT f."isControl")::int AS "treatedN",
           COUNT(*) FILTER (WHERE f.matured AND NOT f."isControl" AND f."purchasedAfter")::int AS "treatedConverted",
           COUNT(*) FILTER (WHERE f.matured AND f."isControl")::int AS "controlN",
           COUNT(*) FILTER (WHERE f.matured AND f."isControl" AND f."purchasedAfter")::int AS "controlConverted"
    FROM flags f LEFT JOIN revenue rv ON rv."recId" = f.id
    GROUP BY GROUPING SETS ((), (f."actionKey", f."actionName"), (f."repId", f."repName"), (f.week))
    ORDER BY g, f."actionName", f."repName", f.week`;
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
  decile: number;
  n: number;
  meanPredicted: number;
  observed: number;
  minPredicted: number;
  maxPredicted: number;
}
export interface PrecisionRow {
  accepted: number;
  converted: number;
}
export interface ModelData {
  calibration: CalibrationRow[];
  precisionByWeek: (PrecisionRow & { week: Date })[];
  precisionByVersion: (PrecisionRow & { modelVersion: string; firstUsed: Date })[];
  acceptanceByWeek: { week: Date; actionKey: string; actionName: string; resolved: number; accepted: number }[];
}

/**
 * Model quality. "Resolved" is the population the model learns from
 * (lib/data/generation.ts loadStats): shown recommendations accepted, done or
 * dismissed, or expired after a rep saw them. Precision counts accepted
 * recommendations whose attribution window has closed.
 */
export async function modelMetrics(s: MetricsScope): Promise<ModelData> {
  const resolved = Prisma.sql`(NOT recs."isControl" AND (recs.status IN ('ACCEPTED', 'DONE', 'DISMISSED') OR (recs.status = 'EXPIRED' AND recs."shownAt" IS NOT NULL)))`;
  const decision = Prisma.sql`COALESCE(recs."decidedAt", recs."createdAt")`;
  const [calibration, grouped] = await Promise.all([
    db().$queryRaw<CalibrationRow[]>`
      WITH recs AS (${scopedRecommendations(s)}),
      ranked AS (
        SELECT recs.propensity, (recs.status IN ('ACCEPTED', 'DONE'))::int AS outcome,
               NTILE(10) OVER (ORDER BY recs.propensity, recs."createdAt", recs.id) AS decile
        FROM recs WHERE ${resolved}
      )
      SELECT decile::int, COUNT(*)::int AS n, AVG(propensity)::float8 AS "meanPredicted", AVG(outcome)::float8 AS observed,
             MIN(propensity)::float8 AS "minPredicted", MAX(propensity)::float8 AS "maxPredicted"
      FROM ranked GROUP BY decile ORDER BY decile`,
    db().$queryRaw<
      { g: number; week: Date | null; modelVersion: string | null; actionKey: string | null; actionName: string | null; firstUsed: Date; resolved: number; accepted: number; precisionN: number; precisionConverted: number }[]
    >`
      WITH recs AS (${scopedRecommendations(s)}),
      flags AS (
        SELECT date_trunc('week', recs."createdAt") AS week, recs."modelVersion", recs."actionKey", recs."actionName", recs."createdAt",
               ${resolved} AS resolved,
               (NOT recs."isControl" AND recs.status IN ('ACCEPTED', 'DONE')) AS accepted,
               (NOT recs."isControl" AND recs.status IN ('ACCEPTED', 'DONE') AND ${decision} + make_interval(days => ${WINDOW}::int) <= ${s.now}) AS "precisionEligible",
               (NOT recs."isControl" AND recs.status IN ('ACCEPTED', 'DONE') AND ${purchaseWithin(decision, s.now)}) AS converted
        FROM recs
      )
      SELECT (GROUPING(week) * 4 + GROUPING("modelVersion") * 2 + GROUPING("actionKey"))::int AS g,
             week, "modelVersion", "actionKey", "actionName", MIN("createdAt") AS "firstUsed",
             COUNT(*) FILTER (WHERE resolved)::int AS resolved,
             COUNT(*) FILTER (WHERE resolved AND accepted)::int AS accepted,
             COUNT(*) FILTER (WHERE "precisionEligible")::int AS "precisionN",
             COUNT(*) FILTER (WHERE "precisionEligible" AND converted)::int AS "precisionConverted"
      FROM flags
      GROUP BY GROUPING SETS ((week), ("modelVersion"), (week, "actionKey", "actionName"))
      ORDER BY g, week, "firstUsed", "actionName"`,
  ]);
  // g: 3 = by week, 5 = by model version, 2 = by week and action.
  return {
    calibration,
    precisionByWeek: grouped.filter((r) => r.g === 3 && r.week).map((r) => ({ week: r.week as Date, accepted: r.precisionN, converted: r.precisionConverted })),
    precisionByVersion: grouped
      .filter((r) => r.g === 5 && r.modelVersion !== null)
      .map((r) => ({ modelVersion: r.modelVersion as string, firstUsed: r.firstUsed, accepted: r.precisionN, converted: r.precisionConverted })),
    acceptanceByWeek: grouped
      .filter((r) => r.g === 2 && r.week && r.actionKey)
      .map((r) => ({ week: r.week as Date, actionKey: r.actionKey as string, actionName: r.actionName ?? "", resolved: r.resolved, accepted: r.accepted })),
  };
}
