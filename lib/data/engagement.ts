import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { HABIT_DAYS, SESSION_BUCKETS, type RepWeeks } from "@/lib/metrics/engagement";
import { histogramMediansSql } from "./median-sql";
import { db } from "./db";
import { periodStart, type MetricsScope } from "./metrics";

// The adoption page's engagement figures (issue 15), beside lib/data/usage.ts:
// sessions and key feature use (from UsageEvent), weeks of use per rep for
// retention and adoption speed (from UsageDay), the first-run tour, and the
// pulse survey. Each is one aggregate query over the scope's reps; rules and
// rates are in lib/metrics/engagement.ts. Definitions: README "Adoption".

/** Reps in the scope: on the team (or any team), created before the end date. */
function scopeReps(s: MetricsScope): Prisma.Sql {
  return Prisma.sql`
    SELECT u.id, u."teamId", u.active FROM "User" u
    WHERE u.role = 'REP' AND u."createdAt" < ${s.toExclusive}
      AND (${s.teamId}::uuid IS NULL OR u."teamId" = ${s.teamId}::uuid)`;
}

/** The end of what has happened: the range's end, or now if earlier. */
export function asOf(s: MetricsScope): Date {
  return new Date(Math.min(s.toExclusive.getTime(), s.now.getTime()));
}

/** The period's last day that has begun (ISO): the day before the end date's midnight, or today. */
export function lastDayOf(s: MetricsScope): string {
  return new Date(asOf(s).getTime() - 1).toISOString().slice(0, 10);
}

export interface RepFacts extends RepWeeks {
  teamId: string | null;
  accountActive: boolean;
  lastActive: string | null;
  /** Any activity in the 7 days ending on the period's last day (or today). */
  activeLast7: boolean;
}

/** Per rep: first activity, sign-in and reaction, last activity, and active days per calendar week, over all history up to the end date. */
async function repFacts(s: MetricsScope): Promise<RepFacts[]> {
  const lastDay = lastDayOf(s);
  const rows = await db().$queryRaw<{ repId: string; teamId: string | null; accountActive: boolean; firstActive: string | null; firstSignIn: string | null; firstReaction: string | null; lastActive: string | null; activeLast7: boolean; weeks: { week: string; activeDays: number; habitDay: string | null }[] | null }[]>`
    WITH reps AS (${scopeReps(s)}),
    days AS (
      SELECT d."userId", d.day, d."signIns", d.reactions FROM "UsageDay" d JOIN reps ON reps.id = d."userId"
      WHERE d.day <= ${lastDay}::date
    ),
    weeks AS (
      SELECT "userId", date_trunc('week', day)::date AS week, COUNT(*)::int AS "activeDays", (array_agg(day ORDER BY day))[${HABIT_DAYS}::int] AS "habitDay"
      FROM days GROUP BY 1, 2
    ),
    per AS (
      SELECT "userId", MIN(day) AS "firstActive", MIN(day) FILTER (WHERE "signIns" > 0) AS "firstSignIn",
             MIN(day) FILTER (WHERE reactions > 0) AS "firstReaction", MAX(day) AS "lastActive",
             bool_or(day > ${lastDay}::date - 7) AS "activeLast7"
      FROM days GROUP BY 1
    ),
    -- Each rep's weeks as one JSON array, built in one grouped pass (not one scan of every week per rep).
    per_weeks AS (
      SELECT "userId", json_agg(json_build_object('week', to_char(week, 'YYYY-MM-DD'), 'activeDays', "activeDays", 'habitDay', to_char("habitDay", 'YYYY-MM-DD')) ORDER BY week) AS weeks
      FROM weeks GROUP BY 1
    )
    SELECT reps.id AS "repId", reps."teamId", reps.active AS "accountActive",
           to_char(per."firstActive", 'YYYY-MM-DD') AS "firstActive", to_char(per."firstSignIn", 'YYYY-MM-DD') AS "firstSignIn",
           to_char(per."firstReaction", 'YYYY-MM-DD') AS "firstReaction", to_char(per."lastActive", 'YYYY-MM-DD') AS "lastActive",
           COALESCE(per."activeLast7", false) AS "activeLast7", pw.weeks
    FROM reps LEFT JOIN per ON per."userId" = reps.id LEFT JOIN per_weeks pw ON pw."userId" = reps.id
    ORDER BY reps.id`;
  return rows.map((r) => ({ ...r, weeks: r.weeks ?? [] }));
}

export interface SessionSummary {
  sessions: number;
  medianMinutes: number | null;
  /** Sessions per SESSION_BUCKETS bucket (length SESSION_BUCKETS.length + 1). */
  buckets: number[];
}
export interface RepSessions {
  repId: string;
  sessions: number;
  medianMinutes: number | null;
  totalMinutes: number;
}

const DAY_MS = 86_400_000;

/**
 * The sessions of the scope's reps in the period, as rows to be summed (CTE
 * `sess`: userId, bucket, wbucket, n, ms, signIns ... keyboard; see below). A
 * session is a rep's usage events (dashboard views aside) in time order, a new
 * one at each sign-in or after SESSION_IDLE_MINUTES without an event; its
 * length is from its first to its last event (a lone event: 0 minutes). Only
 * events in the period count: a session the period's start or end cuts through
 * counts as the part inside. Sessions wholly inside are kept in UsageSession
 * (triggers on UsageEvent, migration 20261205000000_usage_sessions) and summed
 * per day and month of their start in UsageSessionStat (triggers on
 * UsageSession, migration 20261208110000_usage_session_stats): whole months and
 * days come from there, less the at most one session per rep that starts on
 * them and runs past the period's end; sessions starting on a day the period
 * cuts are read one by one, and the at most two per rep that a bound cuts are
 * recounted from their events. bucket: the length's bucket of bounded relative
 * width (nudge_latency_bucket, within 1 %); wbucket: SESSION_BUCKETS'.
 */
function periodSessions(s: MetricsScope): Prisma.Sql {
  const end = asOf(s);
  const lo = new Date(Math.ceil(s.from.getTime() / DAY_MS) * DAY_MS);
  const hi = new Date(Math.floor(end.getTime() / DAY_MS) * DAY_MS);
  const whole = lo.getTime() < hi.getTime();
  const monthStart = (d: Date, up: boolean) => {
    const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    return up && first.getTime() < d.getTime() ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) : first;
  };
  const m0 = monthStart(lo, true);
  const m1 = monthStart(hi, false);
  const months = whole && m0.getTime() < m1.getTime();
  // One session as a row of sess (sign -1: taken off what the whole days counted).
  const asRow = (alias: string, sign: number) =>
    Prisma.raw(`${alias}."userId", nudge_latency_bucket(${alias}.ms / 60000.0) AS bucket, nudge_session_wbucket(${alias}.ms) AS wbucket, ${sign} AS n, ${sign} * ${alias}.ms AS ms,
             ${sign} * ${alias}."signIns" AS "signIns", ${sign} * ${alias}.accepts AS accepts, ${sign} * ${alias}.dones AS dones, ${sign} * ${alias}.dismisses AS dismisses,
             ${sign} * ${alias}.snoozes AS snoozes, ${sign} * ${alias}."customerViews" AS "customerViews", ${sign} * ${alias}.searches AS searches, ${sign} * ${alias}.keyboard AS keyboard`);
  const single = (from: Date, to: Date) => Prisma.sql`
      SELECT ${asRow("u", 1)} FROM (
        SELECT u.*, nudge_session_ms(u."startedAt", u."endedAt") AS ms FROM "UsageSession" u JOIN reps ON reps.id = u."userId"
        WHERE u."startedAt" >= ${from} AND u."startedAt" < ${to} AND u."endedAt" < ${end}
      ) u`;
  const stat = (cond: Prisma.Sql) => Prisma.sql`
      SELECT l."userId", l.bucket, l.wbucket, l.n, l.ms, l."signIns", l.accepts, l.dones, l.dismisses, l.snoozes, l."customerViews", l.searches, l.keyboard
      FROM "UsageSessionStat" l JOIN reps ON reps.id = l."userId" WHERE ${cond}`;
  const parts: Prisma.Sql[] = [];
  if (!whole) parts.push(single(s.from, end));
  else {
    if (s.from.getTime() < lo.getTime()) parts.push(single(s.from, lo));
    if (hi.getTime() < end.getTime()) parts.push(single(hi, end));
    parts.push(
      months
        ? stat(Prisma.sql`l.level = 0 AND ((l.start >= ${lo}::date AND l.start < ${m0}::date) OR (l.start >= ${m1}::date AND l.start < ${hi}::date))`)
        : stat(Prisma.sql`l.level = 0 AND l.start >= ${lo}::date AND l.start < ${hi}::date`),
    );
    if (months) parts.push(stat(Prisma.sql`l.level = 1 AND l.start >= ${m0}::date AND l.start < ${m1}::date`));
    // Per rep, the session running past the end (the first to end at or after it) if it started on a whole day: not inside.
    parts.push(Prisma.sql`
      SELECT ${asRow("x", -1)} FROM reps CROSS JOIN LATERAL (
        SELECT u.*, nudge_session_ms(u."startedAt", u."endedAt") AS ms FROM "UsageSession" u
        WHERE u."userId" = reps.id AND u."endedAt" >= ${end} ORDER BY u."endedAt" LIMIT 1
      ) x
      WHERE x."startedAt" >= ${lo} AND x."startedAt" < ${hi}`);
  }
  // Sessions a bound cuts, recounted from their events in the period: per rep, the one running over the start (the
  // first to end at or after it, if it began before it) and the one running over the end (likewise, if it began inside
  // the period; one that spans both was found at the start). A user's sessions never overlap, so that is every session
  // that overlaps the period without lying inside it, found by two index lookups per rep (not a scan of every session).
  const cutSessions = Prisma.sql`
        SELECT x.* FROM reps CROSS JOIN LATERAL (
          SELECT u.* FROM "UsageSession" u WHERE u."userId" = reps.id AND u."endedAt" >= ${s.from} ORDER BY u."endedAt" LIMIT 1
        ) x WHERE x."startedAt" < ${s.from}
        UNION ALL
        SELECT x.* FROM reps CROSS JOIN LATERAL (
          SELECT u.* FROM "UsageSession" u WHERE u."userId" = reps.id AND u."endedAt" >= ${end} ORDER BY u."endedAt" LIMIT 1
        ) x WHERE x."startedAt" >= ${s.from} AND x."startedAt" < ${end}`;
  parts.push(Prisma.sql`
      SELECT ${asRow("c", 1)} FROM (
        SELECT u."userId", round(date_part('epoch', MAX(e.at) - MIN(e.at)) * 1000)::bigint AS ms,
               COUNT(*) FILTER (WHERE e.type = 'SIGN_IN')::int AS "signIns",
               COUNT(*) FILTER (WHERE e.type = 'REACTION' AND e.meta->>'kind' = 'ACCEPT')::int AS accepts,
               COUNT(*) FILTER (WHERE e.type = 'REACTION' AND e.meta->>'kind' = 'DONE')::int AS dones,
               COUNT(*) FILTER (WHERE e.type = 'REACTION' AND e.meta->>'kind' = 'DISMISS')::int AS dismisses,
               COUNT(*) FILTER (WHERE e.type = 'REACTION' AND e.meta->>'kind' = 'SNOOZE')::int AS snoozes,
               COUNT(*) FILTER (WHERE e.type = 'CUSTOMER_VIEW')::int AS "customerViews",
               COUNT(*) FILTER (WHERE e.type = 'FEATURE' AND e.meta->>'feature' = 'search')::int AS searches,
               COUNT(*) FILTER (WHERE e.type = 'FEATURE' AND e.meta->>'feature' = 'keyboard')::int AS keyboard
        FROM (${cutSessions}) u
        JOIN "UsageEvent" e ON e."userId" = u."userId" AND e.at >= GREATEST(u."startedAt", ${s.from}) AND e.at <= u."endedAt"
         AND (e.at, e.id) >= (u."startedAt", u."firstEventId") AND (e.at, e.id) <= (u."endedAt", u."lastEventId")
         AND e.at >= ${s.from} AND e.at < ${end} AND e.type <> 'DASHBOARD_VIEW'
        GROUP BY u."userId", u."firstEventId"
      ) c`);
  // NOT MATERIALIZED: the statement reads sess twice (counts, medians), and Postgres would otherwise write all of its
  // rows (about 28,000 on the large data set) to a tuplestore first, every column of every row; inlined, each read
  // streams only the columns it uses. Measured on the large set: 80 ms -> 47 ms for the statement (README, issue 17).
  return Prisma.sql`
    reps AS (${scopeReps(s)}),
    sess AS NOT MATERIALIZED (${Prisma.join(parts, " UNION ALL ")})`;
}

export interface FeatureUse {
  repId: string;
  signIns: number;
  accepts: number;
  dones: number;
  dismisses: number;
  snoozes: number;
  customerViews: number;
  searches: number;
  keyboard: number;
}
export const FEATURE_KEYS = ["accepts", "dones", "dismisses", "snoozes", "customerViews", "searches", "keyboard"] as const;

/**
 * The period's sessions (periodSessions): their count, median length and
 * length buckets, in all and per rep, and key feature use per rep (the events
 * of those sessions; reps with none of these events left out). The medians are
 * read from the sessions' length buckets (each standing for a length within 1 %
 * of every length in it), so they are within 1 % of the exact medians.
 */
async function sessionsAndFeatures(s: MetricsScope): Promise<{ sessions: { total: SessionSummary; byRep: RepSessions[] }; features: FeatureUse[] }> {
  const rows = await db().$queryRaw<(Omit<FeatureUse, "repId"> & { g: number; repId: string | null; bucket: number | null; sessions: number; medianMinutes: number | null; totalMinutes: number })[]>`
    WITH ${periodSessions(s)},
    -- Counts and sums by rep and by length bucket (g 1 = per rep, 2 = per bucket, 3 = in all).
    counts AS (
      SELECT (GROUPING("userId") * 2 + GROUPING(wbucket))::int AS g, "userId", wbucket AS bucket,
             SUM(n)::int AS sessions, (COALESCE(SUM(ms), 0) / 60000.0)::float8 AS "totalMinutes",
             SUM("signIns")::int AS "signIns", SUM(accepts)::int AS accepts, SUM(dones)::int AS dones,
             SUM(dismisses)::int AS dismisses, SUM(snoozes)::int AS snoozes, SUM("customerViews")::int AS "customerViews",
             SUM(searches)::int AS searches, SUM(keyboard)::int AS keyboard
      FROM sess
      GROUP BY GROUPING SETS ((), ("userId"), (wbucket))
    ),
    medians AS (${histogramMediansSql(Prisma.sql`SELECT GROUPING("userId")::int * 2 + 1 AS g, "userId", bucket, SUM(n) AS n FROM sess GROUP BY GROUPING SETS (("userId", bucket), (bucket))`, ["g", "userId"])})
    SELECT c.g, c."userId" AS "repId", c.bucket, c.sessions, m."medianMinutes", c."totalMinutes", c."signIns", c.accepts, c.dones,
           c.dismisses, c.snoozes, c."customerViews", c.searches, c.keyboard
    FROM counts c LEFT JOIN medians m ON m.g = c.g AND m."userId" IS NOT DISTINCT FROM c."userId"
    WHERE c.g = 2 OR c.sessions <> 0 OR c.g = 3
    ORDER BY c.g, c."userId", c.bucket`;
  const total = rows.find((r) => r.g === 3);
  const buckets = Array.from({ length: SESSION_BUCKETS.length + 1 }, (_, i) => rows.find((r) => r.g === 2 && r.bucket === i)?.sessions ?? 0);
  const perRep = rows.filter((r) => r.g === 1 && r.repId && r.sessions > 0);
  return {
    sessions: {
      total: { sessions: total?.sessions ?? 0, medianMinutes: total?.medianMinutes ?? null, buckets },
      byRep: perRep.map((r) => ({ repId: r.repId as string, sessions: r.sessions, medianMinutes: r.medianMinutes, totalMinutes: r.totalMinutes })),
    },
    features: perRep
      .map(({ repId, signIns, accepts, dones, dismisses, snoozes, customerViews, searches, keyboard }) => ({ repId: repId as string, signIns, accepts, dones, dismisses, snoozes, customerViews, searches, keyboard }))
      .filter((f) => f.signIns + FEATURE_KEYS.reduce((n, k) => n + f[k], 0) > 0),
  };
}

export interface TourSummary {
  /** Reps who started the tour in the period. */
  started: number;
  /** Of those, reps who finished it (by now). */
  finished: number;
  /** Skips in the period by the step the tour was closed at. */
  skippedAtStep: { step: number; count: number }[];
  /** Per rep: "finished" | "skipped" | "started" (latest tour event up to now), absent: never started. */
  byRep: Map<string, "finished" | "skipped" | "started">;
}

/** The first-run tour: starts, finishes and skips recorded as usage (type TOUR). */
async function tour(s: MetricsScope): Promise<TourSummary> {
  const [counts, latest] = await Promise.all([
    db().$queryRaw<{ g: number; step: number | null; started: number; finished: number; skipped: number }[]>`
      WITH reps AS (${scopeReps(s)}),
      ev AS (
        SELECT e."userId", e.at, e.meta->>'event' AS event, (e.meta->>'step')::int AS step
        FROM "UsageEvent" e JOIN reps ON reps.id = e."userId"
        WHERE e.type = 'TOUR' AND e.at < ${s.now}
      ),
      starters AS (SELECT "userId", MIN(at) AS first FROM ev WHERE event = 'started' AND at >= ${s.from} AND at < ${s.toExclusive} GROUP BY 1)
      SELECT 0 AS g, NULL::int AS step, (SELECT COUNT(*) FROM starters)::int AS started,
             (SELECT COUNT(*) FROM starters st WHERE EXISTS (SELECT 1 FROM ev WHERE ev."userId" = st."userId" AND ev.event = 'finished' AND ev.at >= st.first))::int AS finished,
             0 AS skipped
      UNION ALL
      SELECT 1, step, 0, 0, COUNT(*)::int FROM ev WHERE event = 'skipped' AND at >= ${s.from} AND at < ${s.toExclusive} GROUP BY step
      ORDER BY 1, 2`,
    db().$queryRaw<{ repId: string; event: "finished" | "skipped" | "started" }[]>`
      WITH reps AS (${scopeReps(s)})
      SELECT DISTINCT ON (e."userId") e."userId" AS "repId", e.meta->>'event' AS event
      FROM "UsageEvent" e JOIN reps ON reps.id = e."userId"
      WHERE e.type = 'TOUR' AND e.at < ${s.now}
      ORDER BY e."userId", (e.meta->>'event' = 'finished') DESC, e.at DESC, e.id DESC`,
  ]);
  const total = counts.find((c) => c.g === 0);
  return {
    started: total?.started ?? 0,
    finished: total?.finished ?? 0,
    skippedAtStep: counts.filter((c) => c.g === 1 && c.step !== null).map((c) => ({ step: c.step as number, count: c.skipped })),
    byRep: new Map(latest.map((l) => [l.repId, l.event])),
  };
}

export interface PulseCounts {
  promoters: number;
  passives: number;
  detractors: number;
  csatN: number;
  csatSatisfied: number;
}
export interface PulseData {
  total: PulseCounts;
  byTeam: (PulseCounts & { teamId: string | null; teamName: string | null })[];
  byPeriod: (PulseCounts & { bucket: Date })[];
  comments: { at: Date; score: number; comment: string; teamName: string | null }[];
  /** Dismissals in the period (NPS and CSAT). */
  dismissed: number;
}

/** Pulse answers of the period by the answering user's team at the time (NPS 0-10, CSAT 1-5; dismissals apart). */
async function pulse(s: MetricsScope): Promise<PulseData> {
  const [rows, comments] = await Promise.all([
    db().$queryRaw<(PulseCounts & { g: number; teamId: string | null; teamName: string | null; bucket: Date | null; dismissed: number })[]>`
      WITH p AS (
        SELECT r.kind, r.score, r."teamId", ${periodStart(s.grain, Prisma.sql`r.at`)} AS bucket
        FROM "PulseResponse" r
        WHERE r.at >= ${s.from} AND r.at < ${s.toExclusive} AND (${s.teamId}::uuid IS NULL OR r."teamId" = ${s.teamId}::uuid)
      ),
      agg AS (
        SELECT (GROUPING("teamId") * 2 + GROUPING(bucket))::int AS g, "teamId", bucket,
               COUNT(*) FILTER (WHERE kind = 'NPS' AND score >= 9)::int AS promoters,
               COUNT(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 7 AND 8)::int AS passives,
               COUNT(*) FILTER (WHERE kind = 'NPS' AND score <= 6)::int AS detractors,
               COUNT(*) FILTER (WHERE kind = 'CSAT' AND score IS NOT NULL)::int AS "csatN",
               COUNT(*) FILTER (WHERE kind = 'CSAT' AND score >= 4)::int AS "csatSatisfied",
               COUNT(*) FILTER (WHERE score IS NULL)::int AS dismissed
        FROM p GROUP BY GROUPING SETS ((), ("teamId"), (bucket))
      )
      SELECT agg.*, t.name AS "teamName" FROM agg LEFT JOIN "Team" t ON t.id = agg."teamId"
      ORDER BY g, t.name, bucket`,
    db().$queryRaw<{ at: Date; score: number; comment: string; teamName: string | null }[]>`
      SELECT r.at, r.score, r.comment, t.name AS "teamName"
      FROM "PulseResponse" r LEFT JOIN "Team" t ON t.id = r."teamId"
      WHERE r.kind = 'NPS' AND r.comment IS NOT NULL AND r.score IS NOT NULL
        AND r.at >= ${s.from} AND r.at < ${s.toExclusive} AND (${s.teamId}::uuid IS NULL OR r."teamId" = ${s.teamId}::uuid)
      ORDER BY r.at DESC LIMIT 50`,
  ]);
  const pick = ({ promoters, passives, detractors, csatN, csatSatisfied }: PulseCounts): PulseCounts => ({ promoters, passives, detractors, csatN, csatSatisfied });
  const total = rows.find((r) => r.g === 3);
  return {
    total: total ? pick(total) : { promoters: 0, passives: 0, detractors: 0, csatN: 0, csatSatisfied: 0 },
    byTeam: rows.filter((r) => r.g === 1).map((r) => ({ ...pick(r), teamId: r.teamId, teamName: r.teamName })),
    byPeriod: rows.filter((r) => r.g === 2 && r.bucket).map((r) => ({ ...pick(r), bucket: r.bucket as Date })),
    comments,
    dismissed: total?.dismissed ?? 0,
  };
}

export interface EngagementData {
  reps: RepFacts[];
  sessions: { total: SessionSummary; byRep: RepSessions[] };
  features: FeatureUse[];
  tour: TourSummary;
  pulse: PulseData;
}

/** Everything the adoption page shows beyond lib/data/usage.ts adoptionMetrics. */
export async function engagementMetrics(s: MetricsScope): Promise<EngagementData> {
  const [reps, { sessions, features }, t, p] = await Promise.all([repFacts(s), sessionsAndFeatures(s), tour(s), pulse(s)]);
  return { reps, sessions, features, tour: t, pulse: p };
}
