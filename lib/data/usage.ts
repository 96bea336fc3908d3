import "server-only";
import { Prisma, type DismissReason } from "@/lib/generated/prisma/client";
import { db } from "./db";
import { histogramMediansSql } from "./median-sql";
import { aggregate, createdInRollupSql, periodStart, periodStep, rollupDaysSql, rollupFilters, scopedRecommendations, splitDays, type MetricsScope } from "./metrics";
import { ACTED_ON_SQL, DECIDED_SQL } from "./vocabulary-sql";

// Adoption aggregates for /dashboards/adoption, computed by the database.
// Usage is read from UsageDay (one row per user and UTC day with any rep
// activity: sign-in, queue view, customer view or reaction), which a trigger
// on UsageEvent keeps up to date; reactions from the outcome columns on
// Recommendation. A rep counts towards the team on a day if the account existed
// by then and is still active or was used on or after that day, so a rep who
// left does not drag the share down for ever.

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
  /**
   * Median minutes from shown (shownAt, else createdAt) to the first reaction, estimated within 1 % (relative) of
   * the exact median from a histogram with buckets of bounded relative width (latencyCells); null without reactions.
   */
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
  /** Per day: reps active in the TRAILING_DAYS days ending that day, of the reps on the team in that window. */
  daily: ActiveRow[];
  /** By period of scope.grain (the name predates the grain switch); bucket = the period's start. */
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
           (SELECT MAX(d."lastActiveAt") FROM "UsageDay" d WHERE d."userId" = u.id AND d.day < ${s.toExclusive}::date) AS "lastActive"
    FROM "User" u
    WHERE u.role = 'REP' AND u."createdAt" < ${s.toExclusive}
      AND (${s.teamId}::uuid IS NULL OR u."teamId" = ${s.teamId}::uuid)`;
}

/** Days in the trailing window of "active reps, last 7 days". */
export const TRAILING_DAYS = 7;

/**
 * Active reps per day, over the trailing TRAILING_DAYS days ending that day (a
 * daily count would drop to zero every weekend), and per period of scope.grain
 * (week, month or quarter), with the period's sessions and queue views. Edge
 * periods are cut to the date range: a rep counts towards the team if on it
 * during the window or the cut period.
 */
async function activity(s: MetricsScope): Promise<{ daily: ActiveRow[]; weekly: WeeklyUsageRow[] }> {
  const step = periodStep(s.grain);
  const trail = Prisma.raw(`interval '${TRAILING_DAYS - 1} days'`);
  const rows = await db().$queryRaw<(WeeklyUsageRow & { unit: string })[]>`
    WITH reps AS (${repsInScope(s)}),
    days AS (
      SELECT d."userId", d.day::timestamp AS day, d."signIns", d."queueViews" FROM "UsageDay" d JOIN reps ON reps.id = d."userId"
      WHERE d.day >= (${s.from}::timestamp - ${trail})::date AND d.day < ${s.toExclusive}::date
    ),
    buckets AS (
      SELECT 'day' AS unit, d AS bucket, d - ${trail} AS "start", d + interval '1 day' AS "end"
      FROM generate_series(${s.from}::timestamp, ${s.toExclusive}::timestamp - interval '1 day', interval '1 day') d
      UNION ALL
      SELECT 'period', w, GREATEST(w, ${s.from}::timestamp), LEAST(w + ${step}, ${s.toExclusive}::timestamp)
      FROM generate_series(${periodStart(s.grain, Prisma.sql`${s.from}::timestamp`)}, ${s.toExclusive}::timestamp - interval '1 day', ${step}) w
    ),
    -- A rep is active in daily bucket D when one of their active days falls in D's window [D - 6 days, D + 1 day).
    -- With D at the range start's time of day o, the day at midnight M is in the buckets M + o + k days, k from 0
    -- (-1 when o > 0) to 6 (5): a run of TRAILING_DAYS buckets from M + shift. A rep's runs, each cut at the start
    -- of the next one, do not overlap, so the reps active in D are the runs that started at or before D minus those
    -- that ended by then: +1 at each run's start, -1 at its end, summed up to D (no expansion into day x bucket pairs).
    runs AS (
      SELECT day AS m, LEAD(day) OVER (PARTITION BY "userId" ORDER BY day) AS nxt FROM days
    ),
    shifted AS (
      SELECT (${s.from}::timestamp - date_trunc('day', ${s.from}::timestamp))
             - CASE WHEN ${s.from}::timestamp > date_trunc('day', ${s.from}::timestamp) THEN interval '1 day' ELSE interval '0' END AS shift
    ),
    deltas AS MATERIALIZED (
      SELECT pos, SUM(delta) AS delta
      FROM (
        SELECT r.m + sh.shift AS pos, 1 AS delta FROM runs r CROSS JOIN shifted sh
        UNION ALL
        SELECT LEAST(r.m + ${Prisma.raw(`interval '${TRAILING_DAYS} days'`)}, COALESCE(r.nxt, r.m + ${Prisma.raw(`interval '${TRAILING_DAYS} days'`)})) + sh.shift, -1
        FROM runs r CROSS JOIN shifted sh
      ) x
      GROUP BY pos
    ),
    counts AS (
      SELECT 'day' AS unit, b.bucket, (SELECT COALESCE(SUM(x.delta), 0) FROM deltas x WHERE x.pos <= b.bucket) AS active, 0 AS sessions, 0 AS views
      FROM buckets b WHERE b.unit = 'day'
      UNION ALL
      SELECT 'period', ${periodStart(s.grain, Prisma.sql`day`)}, COUNT(DISTINCT "userId"), SUM("signIns"), SUM("queueViews")
      FROM days WHERE day >= ${s.from}::timestamp GROUP BY 2
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
    weekly: rows.filter((r) => r.unit === "period").map(({ bucket, activeReps, teamReps, sessions, queueViews }) => ({ bucket, activeReps, teamReps, sessions, queueViews })),
  };
}

type ReactionRaw = Omit<ReactionSummary, "medianMinutes"> & { g: number; actionTypeId: string | null; actionKey: string | null; actionName: string | null; repId: string | null; reason: string | null };
type MedianRaw = { g: number; actionTypeId: string | null; repId: string | null; medianMinutes: number | null };

/** RecommendationDay's dismissal count per reason (migration 20261204000000_reaction_rollup): every reason has its column. */
const REASON_COLUMNS: Record<DismissReason, string> = {
  NOT_RELEVANT: "dismissedNotRelevant",
  ALREADY_DONE: "dismissedAlreadyDone",
  BAD_TIMING: "dismissedBadTiming",
  CUSTOMER_DECLINED: "dismissedCustomerDeclined",
  OTHER: "dismissedOther",
};
const REASONS = Object.entries(REASON_COLUMNS) as [DismissReason, string][];

/**
 * The reaction counts per action type, rep and dismiss reason (reason only on
 * dismissed rows), as rows to be summed: shown, reacted (first reaction by
 * now), accepted (ACCEPTED or DONE), dismissed, snoozed (not decided, snoozed
 * by now). Whole days come from RecommendationDay, reactions and snoozes dated
 * after `now` subtracted; the days a view cuts through are read row by row
 * (splitDays in lib/data/metrics.ts).
 */
function reactionCells(s: MetricsScope): Prisma.Sql {
  const perRow = ([from, toExclusive]: readonly [Date, Date]) => Prisma.sql`
      SELECT "actionTypeId", "repId", CASE WHEN status = 'DISMISSED' THEN "dismissReason"::text END AS reason,
             1 AS shown, COALESCE("firstReactionAt" <= ${s.now}, false)::int AS reacted, (status IN ${ACTED_ON_SQL})::int AS accepted,
             (status = 'DISMISSED')::int AS dismissed, (status NOT IN ${DECIDED_SQL} AND COALESCE("snoozedAt" <= ${s.now}, false))::int AS snoozed
      FROM (${scopedRecommendations({ ...s, from, toExclusive })}) r WHERE NOT "isControl"`;
  const split = splitDays(s);
  if (split === null) return perRow([s.from, s.toExclusive]);
  const days = rollupDaysSql(split, Prisma.raw("d.day"));
  const dayFilters = rollupFilters(s, Prisma.raw('d."repId"'), Prisma.raw('d."actionTypeId"'));
  const recFilters = Prisma.sql`AND ${createdInRollupSql(split, Prisma.raw('r."createdAt"'))} ${rollupFilters(s, Prisma.raw('r."repId"'), Prisma.raw('r."actionTypeId"'))}`;
  const col = (name: string) => Prisma.raw(`d."${name}"`);
  const withReason = Prisma.join(REASONS.map(([, c]) => col(c)), " + ");
  return Prisma.join(
    [
      // Whole days; dismissals without a reason stay on the row without one.
      Prisma.sql`
      SELECT d."actionTypeId", d."repId", NULL::text AS reason, d.shown, d.reacted, d.accepted, d.dismissed - (${withReason}) AS dismissed, d.snoozed
      FROM "RecommendationDay" d WHERE ${days} ${dayFilters}`,
      Prisma.sql`
      SELECT d."actionTypeId", d."repId", v.reason, 0, 0, 0, v.n, 0
      FROM "RecommendationDay" d CROSS JOIN LATERAL (VALUES ${Prisma.join(REASONS.map(([reason, c]) => Prisma.sql`(${reason}::text, ${col(c)})`))}) v(reason, n)
      WHERE ${days} ${dayFilters} AND v.n <> 0`,
      // What the rollup counted that lies after now (only a back-dated view has any).
      Prisma.sql`
      SELECT r."actionTypeId", r."repId", NULL, 0, -1, 0, 0, 0 FROM "Recommendation" r
      WHERE NOT r."isControl" AND r."firstReactionAt" > ${s.now} ${recFilters}`,
      Prisma.sql`
      SELECT r."actionTypeId", r."repId", NULL, 0, 0, 0, 0, -1 FROM "Recommendation" r
      WHERE NOT r."isControl" AND r."snoozedAt" > ${s.now} AND r.status NOT IN ${DECIDED_SQL} ${recFilters}`,
      ...split.rows.map(perRow),
    ],
    " UNION ALL ",
  );
}

/** A shown recommendation's time to first reaction in minutes, and its histogram bucket (SQL functions of migration 20261208100000_reaction_latency). */
const latencyBucket = (r: string) => Prisma.raw(`nudge_latency_bucket(nudge_reaction_minutes(${r}."isControl", ${r}."firstReactionAt", ${r}."shownAt", ${r}."createdAt"))`);

/** The first day of the month holding `d` (UTC), or of the next month when `up` and `d` is not a first. */
function monthStart(d: Date, up: boolean): Date {
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  return up && first.getTime() < d.getTime() ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) : first;
}

/**
 * The histograms of times to first reaction (shown recommendations reacted to
 * by now) in scope, as rows (g, actionTypeId, repId, bucket, n) to be summed,
 * g as the medians' grouping (1 = per action type, 2 = per rep, 3 = in all).
 * Whole days come from ReactionLatency (kept by triggers): whole calendar months
 * as one histogram per rep and per action type (per rep and action type when
 * the view picks an action type, and for one team's per-action medians), the
 * other whole days per day; reactions dated after
 * `now` are subtracted; the days a view cuts through are bucketed row by row
 * (splitDays in lib/data/metrics.ts). Buckets are DDSketch's: each stands for a
 * value within 1 % of every time in it.
 */
function latencyCells(s: MetricsScope): Prisma.Sql {
  const perRow = ([from, toExclusive]: readonly [Date, Date]) => Prisma.sql`
      SELECT "actionTypeId", "repId", ${latencyBucket("r")} AS bucket, 1 AS n
      FROM (${scopedRecommendations({ ...s, from, toExclusive })}) r
      WHERE NOT "isControl" AND "firstReactionAt" IS NOT NULL AND "firstReactionAt" <= ${s.now}`;
  const everyGroup = (detail: Prisma.Sql) => Prisma.sql`
      SELECT (GROUPING("actionTypeId") * 2 + GROUPING("repId"))::int AS g, "actionTypeId", "repId", bucket, SUM(n) AS n
      FROM (${detail}) d GROUP BY GROUPING SETS ((bucket), ("actionTypeId", bucket), ("repId", bucket))`;
  const split = splitDays(s);
  if (split === null) return everyGroup(perRow([s.from, s.toExclusive]));
  const { lo, hi } = split;
  const m0 = monthStart(lo, true);
  const m1 = monthStart(hi, false);
  const months = m0.getTime() < m1.getTime();
  // As arrays, so that the rep-led index is searched for the team's reps (an IN subquery was hash-joined to every rep's rows).
  const team = s.teamId === null ? Prisma.empty : Prisma.sql`AND l."repId" = ANY(ARRAY(SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid))`;
  const action = s.actionKey === null ? Prisma.empty : Prisma.sql`AND l."actionTypeId" = ANY(ARRAY(SELECT id FROM "ActionType" WHERE key = ${s.actionKey}))`;
  // Level 0 rows of the whole days outside the whole months, level 1 rows of the months.
  const days = months
    ? Prisma.sql`l.level = 0 AND l.start >= ${lo}::date AND l.start < ${hi}::date AND NOT (l.start >= ${m0}::date AND l.start < ${m1}::date)`
    : Prisma.sql`l.level = 0 AND l.start >= ${lo}::date AND l.start < ${hi}::date`;
  const periods = (kind: number, filter: Prisma.Sql) =>
    months
      ? Prisma.sql`SELECT * FROM "ReactionLatency" l WHERE l.kind = ${kind}::smallint AND ${days} ${filter}
        UNION ALL SELECT * FROM "ReactionLatency" l WHERE l.kind = ${kind}::smallint AND l.level = 1 AND l.start >= ${m0}::date AND l.start < ${m1}::date ${filter}`
      : Prisma.sql`SELECT * FROM "ReactionLatency" l WHERE l.kind = ${kind}::smallint AND ${days} ${filter}`;
  const detailDays = Prisma.sql`
      SELECT l."actionTypeId", l."repId", l.bucket, l.n
      FROM (${periods(0, Prisma.sql`${team} ${action}`)}) l`;
  const detail: Prisma.Sql[] = [
    // Reactions the rollup counted that lie after now (only a back-dated view has any).
    Prisma.sql`
      SELECT r."actionTypeId", r."repId", ${latencyBucket("r")} AS bucket, -1 AS n FROM "Recommendation" r
      WHERE NOT r."isControl" AND r."firstReactionAt" > ${s.now}
        AND ${createdInRollupSql(split, Prisma.raw('r."createdAt"'))} ${rollupFilters(s, Prisma.raw('r."repId"'), Prisma.raw('r."actionTypeId"'))}`,
    ...split.rows.map(perRow),
  ];
  const parts: Prisma.Sql[] = [];
  if (s.actionKey !== null) {
    // One action type: its (rep, action type) histograms of the whole months and days count in every grouping.
    parts.push(everyGroup(Prisma.join([detailDays, ...detail], " UNION ALL ")));
  } else {
    parts.push(everyGroup(Prisma.join(detail, " UNION ALL ")));
    // Per rep and in all: each rep's histograms over every action type, months and days.
    parts.push(Prisma.sql`
      SELECT (2 + GROUPING(l."repId"))::int, NULL::uuid, l."repId", l.bucket, SUM(l.n)
      FROM (${periods(1, team)}) l GROUP BY GROUPING SETS ((l."repId", l.bucket), (l.bucket))`);
    // Per action type: every rep's (every team), or the team's reps' per day.
    parts.push(
      s.teamId === null
        ? Prisma.sql`
      SELECT 1, l."actionTypeId", NULL::uuid, l.bucket, l.n FROM (${periods(2, Prisma.empty)}) l`
        : Prisma.sql`
      SELECT 1, l."actionTypeId", NULL::uuid, l.bucket, l.n FROM (${detailDays}) l`,
    );
  }
  return Prisma.join(parts, " UNION ALL ");
}

/**
 * Reaction share, outcome rates, dismiss reasons (per action type) and median
 * time to reaction: overall, per action type and per rep. Counts come from the
 * daily rollup (reactionCells) and are rolled up once; the medians are read
 * alongside from the merged histogram of times (latencyCells), within 1 % of
 * the exact medians, instead of sorting every reacted recommendation.
 */
async function reactions(s: MetricsScope): Promise<{ total: ReactionSummary; byAction: ActionOutcomeRow[]; byRep: Map<string, ReactionSummary>; dismissReasons: DismissReasonRow[] }> {
  const [counts, medians] = await Promise.all([
    aggregate<ReactionRaw[]>(Prisma.sql`
      WITH cells AS (
        SELECT "actionTypeId", "repId", reason, SUM(shown) AS shown, SUM(reacted) AS reacted, SUM(accepted) AS accepted,
               SUM(dismissed) AS dismissed, SUM(snoozed) AS snoozed
        FROM (${reactionCells(s)}) c
        GROUP BY 1, 2, 3
      ),
      rolled AS (
        SELECT (GROUPING("actionTypeId") * 4 + GROUPING("repId") * 2 + GROUPING(reason))::int AS g, "actionTypeId", "repId", reason,
               SUM(shown)::int AS shown, SUM(reacted)::int AS reacted, SUM(accepted)::int AS accepted,
               SUM(dismissed)::int AS dismissed, SUM(snoozed)::int AS snoozed
        FROM cells
        GROUP BY GROUPING SETS ((), ("actionTypeId"), ("repId"), ("actionTypeId", reason))
      )
      SELECT rolled.*, a.key AS "actionKey", a.name AS "actionName"
      FROM rolled LEFT JOIN "ActionType" a ON a.id = rolled."actionTypeId"
      ORDER BY g, a.name, reason`,
      { parallel: false },
    ),
    aggregate<MedianRaw[]>(
      Prisma.sql`
      ${histogramMediansSql(Prisma.sql`SELECT g, "actionTypeId", "repId", bucket, SUM(n) AS n FROM (${latencyCells(s)}) c GROUP BY 1, 2, 3, 4`, ["g", "actionTypeId", "repId"])}`,
      { parallel: false },
    ),
  ]);
  const median = new Map(medians.map((m) => [`${m.g}:${m.actionTypeId ?? ""}:${m.repId ?? ""}`, m.medianMinutes]));
  const pick = (r: ReactionRaw): ReactionSummary => ({
    shown: r.shown,
    reacted: r.reacted,
    accepted: r.accepted,
    dismissed: r.dismissed,
    snoozed: r.snoozed,
    medianMinutes: median.get(`${r.g === 7 ? 3 : r.g === 3 ? 1 : 2}:${r.actionTypeId ?? ""}:${r.repId ?? ""}`) ?? null,
  });
  // g is a bitmask of the columns rolled up: 7 = total, 3 = by action, 5 = by rep, 2 = by action and reason.
  const total = counts.find((r) => r.g === 7);
  return {
    total: total ? pick(total) : { shown: 0, reacted: 0, accepted: 0, dismissed: 0, snoozed: 0, medianMinutes: null },
    byAction: counts.filter((r) => r.g === 3).map((r) => ({ actionKey: r.actionKey ?? "", actionName: r.actionName ?? "", ...pick(r) })),
    byRep: new Map(counts.filter((r) => r.g === 5 && r.repId).map((r) => [r.repId as string, pick(r)])),
    dismissReasons: counts
      .filter((r) => r.g === 2 && r.reason !== null && r.dismissed > 0)
      .map((r) => ({ actionKey: r.actionKey ?? "", actionName: r.actionName ?? "", reason: r.reason as string, count: r.dismissed })),
  };
}

/** Active days in each complete week since the rep's first sign-in (week 0 = the first 7 days), up to the end date. */
async function adoptionCurve(s: MetricsScope): Promise<CurvePoint[]> {
  return db().$queryRaw<CurvePoint[]>`
    WITH reps AS (${repsInScope(s)}),
    first AS (
      SELECT reps.id, reps.name, MIN(d.day)::timestamp AS day
      FROM reps JOIN "UsageDay" d ON d."userId" = reps.id AND d."signIns" > 0 AND d.day < ${s.toExclusive}::date
      GROUP BY reps.id, reps.name
    ),
    weeks AS (
      SELECT first.id, first.name, w
      FROM first, generate_series(0, LEAST(${CURVE_WEEKS - 1}::int,
        FLOOR(EXTRACT(EPOCH FROM ${s.toExclusive}::timestamp - first.day) / 604800.0)::int - 1)) w
    ),
    active AS (
      SELECT d."userId", ((d.day - first.day::date) / 7)::int AS w, COUNT(*) AS days
      FROM "UsageDay" d JOIN first ON first.id = d."userId"
      WHERE d.day >= first.day::date AND d.day < ${s.toExclusive}::date
      GROUP BY 1, 2
    )
    SELECT weeks.id AS "repId", weeks.name AS "repName", weeks.w::int AS week,
           COALESCE(active.days, 0)::int AS "activeDays"
    FROM weeks
    LEFT JOIN active ON active."userId" = weeks.id AND active.w = weeks.w
    ORDER BY weeks.name, weeks.w`;
}

/** Per-rep usage in the period plus first sign-in and last activity (up to the end date). */
async function repUsage(s: MetricsScope) {
  return db().$queryRaw<{ id: string; name: string; accountActive: boolean; firstSignIn: Date | null; lastActive: Date | null; activeDays: number; sessions: number; queueViews: number }[]>`
    WITH reps AS (${repsInScope(s)})
    SELECT reps.id, reps.name, reps.active AS "accountActive", reps."lastActive",
           (SELECT MIN(d."firstSignInAt") FROM "UsageDay" d WHERE d."userId" = reps.id AND d.day < ${s.toExclusive}::date) AS "firstSignIn",
           COALESCE(u."activeDays", 0)::int AS "activeDays", COALESCE(u.sessions, 0)::int AS sessions, COALESCE(u."queueViews", 0)::int AS "queueViews"
    FROM reps
    LEFT JOIN LATERAL (
      SELECT COUNT(*) AS "activeDays", SUM(d."signIns") AS sessions, SUM(d."queueViews") AS "queueViews"
      FROM "UsageDay" d
      WHERE d."userId" = reps.id AND d.day >= ${s.from}::date AND d.day < ${s.toExclusive}::date
    ) u ON true
    ORDER BY reps.name`;
}

/** Everything /dashboards/adoption shows. */
export async function adoptionMetrics(s: MetricsScope): Promise<AdoptionData> {
  const [act, react, curve, usage] = await Promise.all([activity(s), reactions(s), adoptionCurve(s), repUsage(s)]);
  const none: ReactionSummary = { shown: 0, reacted: 0, accepted: 0, dismissed: 0, snoozed: 0, medianMinutes: null };
  return {
    ...act,
    reactions: react.total,
    byAction: react.byAction,
    dismissReasons: react.dismissReasons,
    curve,
    reps: usage.map((u) => ({ ...u, ...(react.byRep.get(u.id) ?? none) })),
  };
}
