import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "./db";
import { scopedRecommendations, type MetricsScope } from "./metrics";

// Adoption aggregates for /dashboards/adoption, computed by the database.
// "Active" means any usage event by the rep that day (sign-in, queue view,
// customer view or reaction). A rep counts towards the team on a day if the
// account existed by then and is still active or was used on or after that day,
// so a rep who left does not drag the share down for ever.

export interface ActiveRow {
  bucket: Date;
  activeReps: number;
  teamReps: number;
}
export interface WeeklyUsageRow extends ActiveRow {
  sessions: number;
  queueViews: number;
}
export interface ReactionSummary {
  shown: number;
  reacted: number;
  accepted: number;
  dismissed: number;
  snoozed: number;
  /** Median minutes from shown (shownAt, else createdAt) to the first reaction; null without reactions. */
  medianMinutes: number | null;
}
export interface ActionOutcomeRow extends ReactionSummary {
  actionKey: string;
  actionName: string;
}
export interface DismissReasonRow {
  actionKey: string;
  actionName: string;
  reason: string;
  count: number;
}
export interface CurvePoint {
  repId: string;
  repName: string;
  week: number;
  activeDays: number;
}
export interface RepRow extends ReactionSummary {
  id: string;
  name: string;
  accountActive: boolean;
  firstSignIn: Date | null;
  lastActive: Date | null;
  activeDays: number;
  sessions: number;
  queueViews: number;
}

export interface AdoptionData {
  daily: ActiveRow[];
  weekly: WeeklyUsageRow[];
  reactions: ReactionSummary;
  byAction: ActionOutcomeRow[];
  dismissReasons: DismissReasonRow[];
  curve: CurvePoint[];
  reps: RepRow[];
}

/** Weeks since first sign-in shown on the adoption curve. */
export const CURVE_WEEKS = 26;

function repsInScope(s: MetricsScope): Prisma.Sql {
  return Prisma.sql`
    SELECT u.id, u.name, u.active, u."createdAt",
           (SELECT MAX(e.at) FROM "UsageEvent" e WHERE e."userId" = u.id AND e.type <> 'DASHBOARD_VIEW' AND e.at < ${s.toExclusive}) AS "lastActive"
    FROM "User" u
    WHERE u.role = 'REP' AND u."createdAt" < ${s.toExclusive}
      AND (${s.teamId}::uuid IS NULL OR u."teamId" = ${s.teamId}::uuid)`;
}

const REP_ACTIVITY = Prisma.sql`e.type IN ('SIGN_IN', 'QUEUE_VIEW', 'CUSTOMER_VIEW', 'REACTION')`;

/** Active reps per day and per week, with weekly sessions and queue views. */
async function activity(s: MetricsScope): Promise<{ daily: ActiveRow[]; weekly: WeeklyUsageRow[] }> {
  const rows = await db().$queryRaw<(WeeklyUsageRow & { unit: string })[]>`
    WITH reps AS (${repsInScope(s)}),
    ev AS (
      SELECT e."userId", e.type, e.at FROM "UsageEvent" e JOIN reps ON reps.id = e."userId"
      WHERE ${REP_ACTIVITY} AND e.at >= ${s.from} AND e.at < ${s.toExclusive}
    ),
    buckets AS (
      SELECT 'day' AS unit, d AS bucket, d AS "start", d + interval '1 day' AS "end"
      FROM generate_series(${s.from}::timestamp, ${s.toExclusive}::timestamp - interval '1 day', interval '1 day') d
      UNION ALL
      SELECT 'week', w, GREATEST(w, ${s.from}::timestamp), LEAST(w + interval '7 days', ${s.toExclusive}::timestamp)
      FROM generate_series(date_trunc('week', ${s.from}::timestamp), ${s.toExclusive}::timestamp - interval '1 day', interval '7 days') w
    ),
    counts AS (
      SELECT 'day' AS unit, date_trunc('day', at) AS bucket, COUNT(DISTINCT "userId") AS active,
             COUNT(*) FILTER (WHERE type = 'SIGN_IN') AS sessions, COUNT(*) FILTER (WHERE type = 'QUEUE_VIEW') AS views
      FROM ev GROUP BY 2
      UNION ALL
      SELECT 'week', date_trunc('week', at), COUNT(DISTINCT "userId"),
             COUNT(*) FILTER (WHERE type = 'SIGN_IN'), COUNT(*) FILTER (WHERE type = 'QUEUE_VIEW')
      FROM ev GROUP BY 2
    )
    SELECT b.unit, b.bucket,
           COALESCE(c.active, 0)::int AS "activeReps",
           (SELECT COUNT(*) FROM reps WHERE reps."createdAt" < b."end" AND (reps.active OR reps."lastActive" >= b."start"))::int AS "teamReps",
           COALESCE(c.sessions, 0)::int AS sessions,
           COALESCE(c.views, 0)::int AS "queueViews"
    FROM buckets b LEFT JOIN counts c ON c.unit = b.unit AND c.bucket = b.bucket
    ORDER BY b.unit, b.bucket`;
  return {
    daily: rows.filter((r) => r.unit === "day").map(({ bucket, activeReps, teamReps }) => ({ bucket, activeReps, teamReps })),
    weekly: rows.filter((r) => r.unit === "week").map(({ bucket, activeReps, teamReps, sessions, queueViews }) => ({ bucket, activeReps, teamReps, sessions, queueViews })),
  };
}

type ReactionRaw = ReactionSummary & { g: number; actionKey: string | null; actionName: string | null; repId: string | null };

/** Reaction share, outcome rates and median time to reaction: overall, per action type and per rep. */
async function reactions(s: MetricsScope): Promise<{ total: ReactionSummary; byAction: ActionOutcomeRow[]; byRep: Map<string, ReactionSummary> }> {
  const rows = await db().$queryRaw<ReactionRaw[]>`
    WITH recs AS (${scopedRecommendations(s)}),
    fb AS (
      SELECT f."recommendationId" AS id,
             MIN(f."createdAt") FILTER (WHERE f.kind <> 'UNDO') AS "firstAt",
             bool_or(f.kind = 'SNOOZE') AS snoozed
      FROM "Feedback" f JOIN recs ON recs.id = f."recommendationId"
      WHERE f."createdAt" <= ${s.now}
      GROUP BY f."recommendationId"
    ),
    shown AS (
      SELECT recs.*, fb."firstAt",
             -- GREATEST ignores NULLs, so recommendations without a reaction must stay NULL explicitly.
             CASE WHEN fb."firstAt" IS NOT NULL
                  THEN GREATEST(0, EXTRACT(EPOCH FROM fb."firstAt" - COALESCE(recs."shownAt", recs."createdAt")) / 60.0) END AS minutes,
             COALESCE(fb.snoozed, false) AS "wasSnoozed"
      FROM recs LEFT JOIN fb ON fb.id = recs.id
      WHERE NOT recs."isControl"
    )
    SELECT (GROUPING("actionKey") * 2 + GROUPING("repId"))::int AS g, "actionKey", "actionName", "repId",
           COUNT(*)::int AS shown,
           COUNT("firstAt")::int AS reacted,
           COUNT(*) FILTER (WHERE status IN ('ACCEPTED', 'DONE'))::int AS accepted,
           COUNT(*) FILTER (WHERE status = 'DISMISSED')::int AS dismissed,
           COUNT(*) FILTER (WHERE status NOT IN ('ACCEPTED', 'DONE', 'DISMISSED') AND "wasSnoozed")::int AS snoozed,
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes))::float8 AS "medianMinutes"
    FROM shown
    GROUP BY GROUPING SETS ((), ("actionKey", "actionName"), ("repId"))
    ORDER BY g, "actionName"`;
  const pick = ({ shown, reacted, accepted, dismissed, snoozed, medianMinutes }: ReactionRaw): ReactionSummary => ({ shown, reacted, accepted, dismissed, snoozed, medianMinutes });
  const total = rows.find((r) => r.g === 3);
  return {
    total: total ? pick(total) : { shown: 0, reacted: 0, accepted: 0, dismissed: 0, snoozed: 0, medianMinutes: null },
    byAction: rows.filter((r) => r.g === 1).map((r) => ({ actionKey: r.actionKey ?? "", actionName: r.actionName ?? "", ...pick(r) })),
    byRep: new Map(rows.filter((r) => r.g === 2 && r.repId).map((r) => [r.repId as string, pick(r)])),
  };
}

/** Dismissals per action type and reason (the last dismissal of each dismissed recommendation). */
async function dismissReasons(s: MetricsScope): Promise<DismissReasonRow[]> {
  return db().$queryRaw<DismissReasonRow[]>`
    WITH recs AS (${scopedRecommendations(s)}),
    last AS (
      SELECT DISTINCT ON (f."recommendationId") recs."actionKey", recs."actionName", COALESCE(f."dismissReason"::text, 'OTHER') AS reason
      FROM "Feedback" f JOIN recs ON recs.id = f."recommendationId"
      WHERE recs.status = 'DISMISSED' AND f.kind = 'DISMISS' AND NOT recs."isControl"
      ORDER BY f."recommendationId", f."createdAt" DESC, f.id DESC
    )
    SELECT "actionKey", "actionName", reason, COUNT(*)::int AS count
    FROM last GROUP BY "actionKey", "actionName", reason ORDER BY "actionName", reason`;
}

/** Active days in each complete week since the rep's first sign-in (week 0 = the first 7 days), up to the end date. */
async function adoptionCurve(s: MetricsScope): Promise<CurvePoint[]> {
  return db().$queryRaw<CurvePoint[]>`
    WITH reps AS (${repsInScope(s)}),
    first AS (
      SELECT reps.id, reps.name, date_trunc('day', MIN(e.at)) AS day
      FROM reps JOIN "UsageEvent" e ON e."userId" = reps.id AND e.type = 'SIGN_IN' AND e.at < ${s.toExclusive}
      GROUP BY reps.id, reps.name
    ),
    weeks AS (
      SELECT first.id, first.name, first.day, w
      FROM first, generate_series(0, LEAST(${CURVE_WEEKS - 1}::int,
        FLOOR(EXTRACT(EPOCH FROM ${s.toExclusive}::timestamp - first.day) / 604800.0)::int - 1)) w
    ),
    days AS (
      SELECT DISTINCT e."userId", date_trunc('day', e.at) AS day
      FROM "UsageEvent" e JOIN first ON first.id = e."userId"
      WHERE ${REP_ACTIVITY} AND e.at >= first.day AND e.at < ${s.toExclusive}
    )
    SELECT weeks.id AS "repId", weeks.name AS "repName", weeks.w::int AS week,
           COUNT(days.day)::int AS "activeDays"
    FROM weeks
    LEFT JOIN days ON days."userId" = weeks.id
      AND days.day >= weeks.day + make_interval(days => weeks.w * 7)
      AND days.day < weeks.day + make_interval(days => weeks.w * 7 + 7)
    GROUP BY weeks.id, weeks.name, weeks.w
    ORDER BY weeks.name, weeks.w`;
}

/** Per-rep usage in the period plus first sign-in and last activity (up to the end date). */
async function repUsage(s: MetricsScope) {
  return db().$queryRaw<{ id: string; name: string; accountActive: boolean; firstSignIn: Date | null; lastActive: Date | null; activeDays: number; sessions: number; queueViews: number }[]>`
    WITH reps AS (${repsInScope(s)})
    SELECT reps.id, reps.name, reps.active AS "accountActive", reps."lastActive",
           (SELECT MIN(e.at) FROM "UsageEvent" e WHERE e."userId" = reps.id AND e.type = 'SIGN_IN' AND e.at < ${s.toExclusive}) AS "firstSignIn",
           COALESCE(u."activeDays", 0)::int AS "activeDays", COALESCE(u.sessions, 0)::int AS sessions, COALESCE(u."queueViews", 0)::int AS "queueViews"
    FROM reps
    LEFT JOIN LATERAL (
      SELECT COUNT(DISTINCT date_trunc('day', e.at)) AS "activeDays",
             COUNT(*) FILTER (WHERE e.type = 'SIGN_IN') AS sessions,
             COUNT(*) FILTER (WHERE e.type = 'QUEUE_VIEW') AS "queueViews"
      FROM "UsageEvent" e
      WHERE e."userId" = reps.id AND ${REP_ACTIVITY} AND e.at >= ${s.from} AND e.at < ${s.toExclusive}
    ) u ON true
    ORDER BY reps.name`;
}

/** Everything /dashboards/adoption shows. */
export async function adoptionMetrics(s: MetricsScope): Promise<AdoptionData> {
  const [act, react, reasons, curve, usage] = await Promise.all([activity(s), reactions(s), dismissReasons(s), adoptionCurve(s), repUsage(s)]);
  const none: ReactionSummary = { shown: 0, reacted: 0, accepted: 0, dismissed: 0, snoozed: 0, medianMinutes: null };
  return {
    ...act,
    reactions: react.total,
    byAction: react.byAction,
    dismissReasons: reasons,
    curve,
    reps: usage.map((u) => ({ ...u, ...(react.byRep.get(u.id) ?? none) })),
  };
}
