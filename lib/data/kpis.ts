import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import type { ArmCounts } from "@/lib/metrics/experiment";
import { RETENTION_LOOKBACK_DAYS, type KpiKey } from "@/lib/metrics/kpi-definitions";
import { GRAINS } from "@/lib/validation/dashboard-filters";
import { db } from "./db";
import { aggregate, periodStep, rollupDaysSql, rollupFilters, scopedRecommendations, splitDays, type MetricsScope } from "./metrics";

// The SQL behind "does it sell?": each business KPI (lib/metrics/kpi-definitions.ts,
// whose definitions this module implements word for word) counted per arm as
// n, sum and sum of squares, so lib/metrics/experiment.ts can compare treated
// against control. Three comparisons:
// - programKpi: customers treated vs held out by the global holdout. The unit
//   is a customer in one draw (HoldoutAssignment); all units of a draw share
//   the window [max(from, draw start), min(to, draw end, now)), so a unit
//   without events is counted from the assignments alone. Purchase KPIs
//   without lookback (conversion, order value, purchases, revenue, cross- and
//   up-sell) read each unit's purchases per whole UTC day from HoldoutUnitDay
//   (kept by triggers, carrying the unit's arm, owner and segment: no join to
//   the assignments) and only the days the window cuts from the events; the
//   other KPIs read the events and join each unit with events to its
//   assignment (source "events", also the reference the tests hold the facts
//   to). A customer without an
//   assignment row for a draw is not counted for it. Team = customers whose
//   owner is on the team now (as the other dashboards count reps currently on
//   the team); segment = Customer.segment.
// - actionKpis: each action's shown recommendations vs its control group
//   (intention to treat), outcomes in (createdAt, createdAt + 14 days], only
//   windows closed by `now` (as conversionMetrics' treated vs control; for
//   conversion without a segment filter it reads the trigger-kept purchasedAt
//   instead of joining events: the same figure, held to it by the fixture test
//   and equal on the large data set).
// - adopterTiers: reps in terciles of active days, and the program KPI of
//   their treated customers during the range and in the equal period before.
//
// Expected control share (for a sample-ratio check): the mean, over the units
// counted, of each unit's own assignment probability: the draw's pct for the
// global holdout, the action's current controlGroupPct for a recommendation
// (the percentage is not stamped on the recommendation; an action whose
// percentage was edited in the range is judged against today's). Pooling
// draws or actions this way gives the exact expected share of control units.

/** One arm's sufficient statistics (lib/metrics/experiment.ts): units, sum and sum of squares of the outcome (a proportion: sum = sumSq = successes). */
export type { ArmCounts };

export interface KpiArms {
  treated: ArmCounts;
  control: ArmCounts;
  /** Days from the first unit's window start to the last unit's window end (0 without units). */
  accrualDays: number;
  /** 0..1: the share of control units the assignment alone would give (see the header). */
  expectedControlShare: number;
}

export interface ProgramKpi {
  total: KpiArms;
  byPeriod: (KpiArms & { start: Date })[];
  byTeam: (KpiArms & { teamId: string; teamName: string })[];
  bySegment: (KpiArms & { segment: string })[];
}

/** aggregate()'s options: a page that runs several KPI queries at once passes `parallel: false` (see lib/data/metrics.ts). */
export interface AggregateOptions {
  parallel?: boolean;
}

const DAY_MS = 86_400_000;
const LOOKBACK = Prisma.raw(`interval '${Number(RETENTION_LOOKBACK_DAYS)} days'`);
const WINDOW = Prisma.raw(`interval '${Number(ATTRIBUTION_WINDOW_DAYS)} days'`);
const EMPTY_ARMS: KpiArms = { treated: { n: 0, sum: 0, sumSq: 0 }, control: { n: 0, sum: 0, sumSq: 0 }, accrualDays: 0, expectedControlShare: 0 };

function grainSql(grain: MetricsScope["grain"]): { unit: Prisma.Sql; step: Prisma.Sql } {
  if (!GRAINS.includes(grain)) throw new Error(`Unknown grain ${String(grain)}`);
  // periodStep: Postgres has no "interval '1 quarter'".
  return { unit: Prisma.raw(`'${grain}'`), step: periodStep(grain) };
}

/**
 * How one KPI reads the events joined to a unit (columns at, amount; the
 * unit's window start in `lo`): which events, how far back before the window,
 * the unit's outcome `y` and whether the unit counts (`inc`), both aggregate
 * expressions over the unit's events. `zeroFill`: a unit without any of those
 * events counts, with y = 0.
 */
interface KpiSql {
  events: Prisma.Sql;
  lookback: "none" | "retention" | "all";
  y: Prisma.Sql;
  inc: Prisma.Sql;
  zeroFill: boolean;
}

/** `inWindow`: SQL true for an event in the unit's window (program [lo, hi); per action (lo, hi]); `before`: in the lookback before it. */
function kpiSql(kpi: KpiKey, inWindow: Prisma.Sql, before: Prisma.Sql): KpiSql {
  // Amounts are summed as float8: each unit's y is a float8 anyway, and a numeric aggregate over every matched
  // purchase cost the per-action revenue query a fifth of its time (60,000-customer set).
  const purchase = Prisma.sql`e.type = 'PURCHASE'`;
  const count = Prisma.sql`COUNT(*) FILTER (WHERE ${inWindow})`;
  switch (kpi) {
    case "conversion":
      return { events: purchase, lookback: "none", y: Prisma.sql`(${count} > 0)::int`, inc: Prisma.sql`true`, zeroFill: true };
    case "orderValue":
      return {
        events: Prisma.sql`${purchase} AND e.amount IS NOT NULL`,
        lookback: "none",
        y: Prisma.sql`AVG(amount::float8) FILTER (WHERE ${inWindow})`,
        inc: Prisma.sql`(${count} > 0)`,
        zeroFill: false,
      };
    case "purchaseFrequency":
      return { events: purchase, lookback: "none", y: count, inc: Prisma.sql`true`, zeroFill: true };
    case "revenuePerCustomer":
      return { events: purchase, lookback: "none", y: Prisma.sql`COALESCE(SUM(amount::float8) FILTER (WHERE ${inWindow}), 0)`, inc: Prisma.sql`true`, zeroFill: true };
    case "lifetimeValue":
      return { events: Prisma.sql`${purchase} AND e.amount IS NOT NULL`, lookback: "all", y: Prisma.sql`COALESCE(SUM(amount::float8), 0)`, inc: Prisma.sql`true`, zeroFill: true };
    case "retention":
    case "churn":
      return {
        events: purchase,
        lookback: "retention",
        y: kpi === "retention" ? Prisma.sql`(${count} > 0)::int` : Prisma.sql`(${count} = 0)::int`,
        inc: Prisma.sql`COALESCE(BOOL_OR(${before}), false)`,
        zeroFill: false,
      };
    case "crossSell":
    case "upSell":
      return {
        events: kpi === "crossSell" ? Prisma.sql`${purchase} AND e."crossSell"` : Prisma.sql`${purchase} AND e."upSell"`,
        lookback: "none",
        y: Prisma.sql`(${count} > 0)::int`,
        inc: Prisma.sql`true`,
        zeroFill: true,
      };
    case "emailClicks":
    case "webVisits":
      return { events: Prisma.sql`e.type = ${kpi === "emailClicks" ? "EMAIL_CLICK" : "WEB_VISIT"}::"EventType"`, lookback: "none", y: count, inc: Prisma.sql`true`, zeroFill: true };
  }
}

interface ArmRow {
  level: string;
  key: string | null;
  start: Date | null;
  held: boolean;
  n: number;
  sum: number;
  sumSq: number;
  p: number;
  ws: Date | null;
  we: Date | null;
}

/** Folds one group's treated and control rows into KpiArms. */
function toArms(rows: ArmRow[]): KpiArms {
  const arm = (held: boolean): ArmCounts => {
    const r = rows.find((x) => x.held === held);
    return r ? { n: Number(r.n), sum: Number(r.sum), sumSq: Number(r.sumSq) } : { n: 0, sum: 0, sumSq: 0 };
  };
  const n = rows.reduce((a, r) => a + Number(r.n), 0);
  const p = rows.reduce((a, r) => a + Number(r.p), 0);
  const starts = rows.flatMap((r) => (r.ws ? [r.ws.getTime()] : []));
  const ends = rows.flatMap((r) => (r.we ? [r.we.getTime()] : []));
  const accrual = starts.length && ends.length ? (Math.max(...ends) - Math.min(...starts)) / DAY_MS : 0;
  return { treated: arm(false), control: arm(true), accrualDays: Math.round(accrual * 100) / 100, expectedControlShare: n > 0 ? p / n : 0 };
}

function groupBy<R, K>(rows: R[], key: (r: R) => K): Map<K, R[]> {
  const m = new Map<K, R[]>();
  for (const r of rows) {
    const k = key(r);
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
}

// ---------------------------------------------------------------- unit days

/**
 * Where a program or adopter figure reads its units' outcomes: "facts" (HoldoutUnitDay where the KPI allows;
 * retention and churn by bucket from each unit's purchases in order, retentionBuckets) or "events" (the
 * reference path: every purchase matched to every bucket it bears on).
 */
export type KpiSource = "facts" | "events";

/** programKpi and adopterTiers options: `source` "events" recounts from the raw events (the reference the tests compare the facts to). */
export interface ProgramKpiOptions extends AggregateOptions {
  source?: KpiSource;
}

/**
 * How a purchase KPI without lookback reads unit-day rows (columns purchases,
 * pwa = purchases with an amount, revenue, xsell, usell; several rows per unit):
 * which rows, the unit's y and whether it counts, as kpiSql's fields (aggregates
 * over the unit's rows), and `rowY` / `rowInc`, the same for a unit with a single
 * row (plain expressions of that row: the aggregate over one row). null: the KPI
 * is not kept by day (lookback KPIs, email clicks, web visits).
 */
type FactKpiSql = Omit<KpiSql, "events" | "lookback"> & { rows: Prisma.Sql; rowY: Prisma.Sql; rowInc: Prisma.Sql };
function factKpiSql(kpi: KpiKey): FactKpiSql | null {
  const yes = Prisma.sql`true`;
  switch (kpi) {
    case "conversion":
      return { rows: yes, y: Prisma.sql`(SUM(purchases) > 0)::int`, inc: yes, rowY: Prisma.sql`(purchases > 0)::int`, rowInc: yes, zeroFill: true };
    case "orderValue":
      return {
        rows: Prisma.sql`pwa > 0`,
        y: Prisma.sql`SUM(revenue) / NULLIF(SUM(pwa), 0)`,
        inc: Prisma.sql`(SUM(pwa) > 0)`,
        rowY: Prisma.sql`revenue / NULLIF(pwa, 0)`,
        rowInc: Prisma.sql`(pwa > 0)`,
        zeroFill: false,
      };
    case "purchaseFrequency":
      return { rows: yes, y: Prisma.sql`SUM(purchases)`, inc: yes, rowY: Prisma.sql`purchases`, rowInc: yes, zeroFill: true };
    case "revenuePerCustomer":
      return { rows: yes, y: Prisma.sql`COALESCE(SUM(revenue), 0)`, inc: yes, rowY: Prisma.sql`COALESCE(revenue, 0)`, rowInc: yes, zeroFill: true };
    case "crossSell":
      return { rows: Prisma.sql`xsell > 0`, y: Prisma.sql`(SUM(xsell) > 0)::int`, inc: yes, rowY: Prisma.sql`(xsell > 0)::int`, rowInc: yes, zeroFill: true };
    case "upSell":
      return { rows: Prisma.sql`usell > 0`, y: Prisma.sql`(SUM(usell) > 0)::int`, inc: yes, rowY: Prisma.sql`(usell > 0)::int`, rowInc: yes, zeroFill: true };
    default:
      return null;
  }
}

/**
 * The purchases of the units of \`draws\` (columns draw, ws, we and, with
 * \`period\`, period) in their windows [ws, we), as rows cid, draw, [period,]
 * held, owner, segment, at, purchases, pwa, revenue, xsell, usell, whole, single,
 * prev, next, tlo, thi: whole UTC days from HoldoutUnitDay (at = the day), the days the
 * window cuts (its start or end not at midnight, a window within one day) from
 * the purchases themselves joined to their assignment (at = the purchase's
 * time). \`filter\` applies to the owner and segment columns (SQL with a
 * placeholder-free expression of them).
 *
 * Days the window touches: [tlo, thi) (its start's day up to the day after its
 * last instant). \`prev\` and \`next\` are the unit's previous and next day with
 * purchases in the draw (HoldoutUnitDay, kept by triggers; NULL on rows read from
 * the events; \`whole\` false there). \`single\`: a whole-day row whose unit has no other day with
 * purchases in [tlo, thi), so no other row in the window (a purchase on a day
 * the window cuts has a HoldoutUnitDay row on that day too): the unit's outcome
 * is this row's, and it needs no grouping. Every row of a unit with two or more
 * days there has a neighbour there, so no row of such a unit is single. The
 * same test against a sub-window's touched days (a period bucket) says whether
 * the row is its unit's only one in that bucket.
 */
function unitDays(draws: string, period: boolean, filter: (owner: Prisma.Sql, segment: Prisma.Sql) => Prisma.Sql, materialized = true): Prisma.Sql {
  const d = Prisma.raw(draws);
  const per = period ? Prisma.raw("d.period, ") : Prisma.empty;
  const perC = period ? Prisma.raw("c.period, ") : Prisma.empty;
  return Prisma.sql`
    dd AS (
      SELECT d.*, CASE WHEN d.ws = date_trunc('day', d.ws) THEN d.ws ELSE date_trunc('day', d.ws) + interval '1 day' END AS dlo, date_trunc('day', d.we) AS dhi,
             date_trunc('day', d.ws)::date AS tlo,
             (CASE WHEN d.we = date_trunc('day', d.we) THEN d.we ELSE date_trunc('day', d.we) + interval '1 day' END)::date AS thi
      FROM ${d} d
    ),
    cuts AS (
      SELECT ${per}d.draw, r.lo, r.hi
      FROM dd d CROSS JOIN LATERAL (VALUES (d.ws, CASE WHEN d.dlo < d.dhi THEN d.dlo ELSE d.we END), (CASE WHEN d.dlo < d.dhi THEN d.dhi ELSE d.we END, d.we)) r(lo, hi)
      WHERE r.lo < r.hi
    ),
    fx AS ${materialized ? Prisma.raw("MATERIALIZED") : Prisma.raw("NOT MATERIALIZED")} (
      SELECT f."customerId" AS cid, ${per}d.draw, f."heldOut" AS held, f."ownerId" AS owner, f.segment, f.day::timestamp AS at,
             f.purchases, f."purchasesWithAmount" AS pwa, f.revenue, f."crossSells" AS xsell, f."upSells" AS usell,
             true AS whole, (f."prevDay" IS NULL OR f."prevDay" < d.tlo) AND (f."nextDay" IS NULL OR f."nextDay" >= d.thi) AS single,
             f."prevDay" AS prev, f."nextDay" AS next, d.tlo, d.thi
      FROM dd d JOIN "HoldoutUnitDay" f ON f."periodId" = d.draw AND f.day >= d.dlo::date AND f.day < d.dhi::date
      WHERE d.dlo < d.dhi ${filter(Prisma.raw('f."ownerId"'), Prisma.raw("f.segment"))}
      UNION ALL
      SELECT e."customerId", ${perC}c.draw, ha."heldOut", ha."ownerId", ha.segment, e."occurredAt",
             1, (e.amount IS NOT NULL)::int, COALESCE(e.amount, 0), e."crossSell"::int, e."upSell"::int,
             false, false, NULL::date, NULL::date, NULL::date, NULL::date
      FROM cuts c JOIN "CustomerEvent" e ON e.type = 'PURCHASE' AND e."occurredAt" >= c.lo AND e."occurredAt" < c.hi
      JOIN "HoldoutAssignment" ha ON ha."periodId" = c.draw AND ha."customerId" = e."customerId"
      WHERE true ${filter(Prisma.raw('ha."ownerId"'), Prisma.raw("ha.segment"))}
    )`;
}

// ---------------------------------------------------------------- program

/** Team and segment filters on a unit's owner and segment columns (HoldoutAssignment or HoldoutArmCount, both kept by triggers). */
function unitFilter(s: MetricsScope, owner: Prisma.Sql, segment: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${s.teamId === null ? Prisma.empty : Prisma.sql`AND ${owner} IN (SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid)`}
        ${s.segment === null ? Prisma.empty : Prisma.sql`AND ${segment} = ${s.segment}`}`;
}

/**
 * Units of the global holdout in scope: customer × draw, with the draw's window
 * [max(from, start), min(to, end, now)). Every unit of a draw shares its window,
 * so events are matched to draws (a handful of rows) and only then to units.
 * `units` are the unit counts per arm, owner and segment (HoldoutArmCount, kept
 * by triggers): units without events are counted, never read one by one.
 */
function programDraws(s: MetricsScope): Prisma.Sql {
  const end = new Date(Math.min(s.toExclusive.getTime(), s.now.getTime()));
  const { unit, step } = grainSql(s.grain);
  return Prisma.sql`
    draws AS (
      SELECT id AS draw, pct / 100.0 AS p, GREATEST("startsAt", ${s.from}) AS ws, LEAST("endsAt", ${end}) AS we
      FROM "HoldoutPeriod" WHERE "startsAt" < ${end} AND "endsAt" > ${s.from} AND GREATEST("startsAt", ${s.from}) < LEAST("endsAt", ${end})
    ),
    units AS (
      SELECT "heldOut" AS held, "ownerId" AS owner, segment, "periodId" AS draw, n
      FROM "HoldoutArmCount"
      WHERE "periodId" IN (SELECT draw FROM draws) AND n <> 0
        ${unitFilter(s, Prisma.raw('"ownerId"'), Prisma.raw("segment"))}
    ),
    slices AS (
      SELECT d.draw, b AS bucket, GREATEST(d.ws, b) AS bws, LEAST(d.we, b + ${step}) AS bwe
      FROM draws d CROSS JOIN LATERAL generate_series(date_trunc(${unit}, d.ws), d.we, ${step}) b
      WHERE b < d.we
    )`;
}

/**
 * Customers in the scope's team and segment now, as a filter on a customer id column (empty for all teams and segments).
 * A unit's owner and segment (HoldoutAssignment) are its customer's, kept so by a trigger on Customer (migration
 * 20261203000000_holdout_units), so the events of a one-team view can be narrowed to its customers before they are
 * matched to their units (Customer_owner_segment_idx), instead of matching every customer's and dropping the others'.
 */
function scopeCustomers(s: MetricsScope, cid: Prisma.Sql): Prisma.Sql {
  if (s.teamId === null && s.segment === null) return Prisma.empty;
  return Prisma.sql`AND ${cid} IN (SELECT c.id FROM "Customer" c WHERE true
        ${s.teamId === null ? Prisma.empty : Prisma.sql`AND c."ownerId" IN (SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid)`}
        ${s.segment === null ? Prisma.empty : Prisma.sql`AND c.segment = ${s.segment}`})`;
}

/**
 * The events a KPI reads, matched to the draws whose window (and lookback) they fall in: columns cid, draw, ws, at, amount.
 * `customers`: a filter on e."customerId" (scopeCustomers), or empty.
 */
function drawEvents(k: KpiSql, from: Date, end: Date, customers: Prisma.Sql = Prisma.empty): Prisma.Sql {
  const low =
    k.lookback === "all"
      ? Prisma.empty
      : k.lookback === "retention"
        ? Prisma.sql`AND e."occurredAt" >= ${from}::timestamp - ${LOOKBACK} AND e."occurredAt" >= d.ws - ${LOOKBACK}`
        : Prisma.sql`AND e."occurredAt" >= ${from} AND e."occurredAt" >= d.ws`;
  return Prisma.sql`
    ev AS MATERIALIZED (
      SELECT e."customerId" AS cid, d.draw, d.ws, e."occurredAt" AS at, e.amount
      FROM "CustomerEvent" e JOIN draws d ON e."occurredAt" < d.we ${low}
      WHERE ${k.events} AND e."occurredAt" < ${end} ${customers}
    )`;
}

type RetentionKpi = "retention" | "churn";
const isRetention = (kpi: KpiKey): kpi is RetentionKpi => kpi === "retention" || kpi === "churn";

/**
 * Retention and churn per unit from one pass over each unit's purchases in time
 * order (CTE evl: every purchase of ev with its unit's previous, next and first
 * one, which retentionBuckets reads too), as CTE uf (cid, draw, y, inc): the
 * unit counts when its first purchase is before the window (ev holds only the
 * lookback's and the window's), and is retained when its last one is in it.
 * One row per unit, read off its last purchase, instead of grouping the purchases.
 */
function retentionUnits(kpi: RetentionKpi): Prisma.Sql {
  return Prisma.sql`
    evl AS (
      SELECT cid, draw, ws, at, lag(at) OVER w AS prev, lead(at) OVER w AS next, first_value(at) OVER w AS earliest
      FROM ev WINDOW w AS (PARTITION BY cid, draw ORDER BY at)
    ),
    uf AS (SELECT cid, draw, ${kpi === "retention" ? Prisma.sql`(at >= ws)` : Prisma.sql`(at < ws)`}::int AS y, earliest < ws AS inc FROM evl WHERE next IS NULL)`;
}

/**
 * Retention and churn by bucket (CTE bucket_sums, as programKpiSql's): a unit
 * (customer × draw) counts in a bucket when it bought in the lookback before the
 * bucket's start, [bws - L, bws), and is retained there when it also bought in
 * [bws, bwe). Joining every purchase to every bucket whose lookback holds it
 * made 13-26 rows per purchase (721,000 for the 90-day weekly view of the
 * 60,000-customer set, 2.5 s of its 3.4 s). Instead, from one pass over each
 * unit's purchases in time order (prev, next: its neighbours):
 *  - a purchase at t covers the buckets that start in (t, t + L], so a unit's
 *    buckets are those starting in the union of its purchases' intervals: runs
 *    of purchases each at most L after the one before ("islands", (first, last
 *    + L]). Each island adds +1 at the first bucket starting after its first
 *    purchase and -1 at the first starting after its last + L; a running sum
 *    over the buckets gives the units counted in each (one unit's islands are
 *    disjoint, so none is counted twice);
 *  - the unit is retained in bucket b when its first purchase in [bws, bwe)
 *    has a predecessor in [bws - L, bws) (the purchase before the first one in
 *    the bucket is the last one before bws). Churn is counted minus retained.
 * The unit filters and the arm come from eu. Checked equal to the per-bucket
 * join (source "events") on the fixture (kpis.test.ts) and on random histories (kpi-retention.test.ts).
 */
function retentionBuckets(s: MetricsScope, kpi: RetentionKpi): Prisma.Sql {
  const { unit, step } = grainSql(s.grain);
  const first = (x: Prisma.Sql) => Prisma.sql`CASE WHEN ${x} < ws THEN date_trunc(${unit}, ws) ELSE date_trunc(${unit}, ${x}) + ${step} END`;
  const bws = Prisma.sql`GREATEST(ws, date_trunc(${unit}, at))`;
  // Each counted unit's y is 0 or 1, so sum = sum of squares: the retained, or for churn the counted less the retained.
  const y = kpi === "retention" ? Prisma.sql`kept` : Prisma.sql`n - kept`;
  return Prisma.sql`
    marks AS (
      SELECT m.draw, eu.held, m.bucket, SUM(m.dn) AS dn, SUM(m.kept) AS kept
      FROM (
        SELECT cid, draw, ${first(Prisma.sql`at`)} AS bucket, 1 AS dn, 0 AS kept FROM evl WHERE prev IS NULL OR at > prev + ${LOOKBACK}
        UNION ALL
        SELECT cid, draw, ${first(Prisma.sql`(at + ${LOOKBACK})`)}, -1, 0 FROM evl WHERE next IS NULL OR next > at + ${LOOKBACK}
        UNION ALL
        SELECT cid, draw, date_trunc(${unit}, at), 0, 1 FROM evl WHERE at >= ws AND prev < ${bws} AND prev >= ${bws} - ${LOOKBACK}
      ) m JOIN eu ON eu.cid = m.cid AND eu.draw = m.draw
      GROUP BY 1, 2, 3
    ),
    bucket_sums AS (
      SELECT draw, held, bucket, n, ${y} AS sum, ${y} AS "sumSq", n * p AS p
      FROM (
        SELECT s.draw, a.held, s.bucket, d.p, SUM(COALESCE(m.dn, 0)) OVER w AS n, COALESCE(m.kept, 0) AS kept
        FROM slices s JOIN draws d ON d.draw = s.draw CROSS JOIN (VALUES (false), (true)) a(held)
        LEFT JOIN marks m ON m.draw = s.draw AND m.held = a.held AND m.bucket = s.bucket
        WINDOW w AS (PARTITION BY s.draw, a.held ORDER BY s.bucket)
      ) x
    )`;
}

/**
 * The global holdout's comparison for one KPI in scope: in total, by
 * date_trunc(grain) bucket (the unit is then customer × draw × bucket, with the
 * window cut to the bucket), by team (all-teams view only lists teams) and by segment.
 */
export async function programKpi(s: MetricsScope, kpi: KpiKey, opts: ProgramKpiOptions = {}): Promise<ProgramKpi> {
  const rows = await aggregate<ArmRow[]>(programKpiSql(s, kpi, opts.source), { parallel: opts.parallel });
  const teamIds = [...new Set(rows.filter((r) => r.level === "team" && r.key !== null).map((r) => r.key as string))];
  const teams = teamIds.length ? await db().team.findMany({ where: { id: { in: teamIds } }, select: { id: true, name: true } }) : [];
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const total = rows.filter((r) => r.level === "total");
  return {
    total: total.length ? toArms(total) : EMPTY_ARMS,
    byPeriod: [...groupBy(rows.filter((r) => r.level === "period" && r.start), (r) => (r.start as Date).getTime())]
      .map(([t, rs]) => ({ start: new Date(t), ...toArms(rs) }))
      .filter((r) => r.treated.n + r.control.n > 0)
      .sort((a, b) => a.start.getTime() - b.start.getTime()),
    byTeam: [...groupBy(rows.filter((r) => r.level === "team" && r.key !== null), (r) => r.key as string)]
      .map(([teamId, rs]) => ({ teamId, teamName: teamName.get(teamId) ?? "", ...toArms(rs) }))
      .sort((a, b) => a.teamName.localeCompare(b.teamName)),
    bySegment: [...groupBy(rows.filter((r) => r.level === "segment" && r.key !== null), (r) => r.key as string)]
      .map(([segment, rs]) => ({ segment, ...toArms(rs) }))
      .sort((a, b) => a.segment.localeCompare(b.segment)),
  };
}

/** programKpi's query (exported to EXPLAIN it when tuning). */
export function programKpiSql(s: MetricsScope, kpi: KpiKey, source: KpiSource = "facts"): Prisma.Sql {
  const fact = source === "facts" ? factKpiSql(kpi) : null;
  if (fact) return programKpiFactsSql(s, fact);
  const end = new Date(Math.min(s.toExclusive.getTime(), s.now.getTime()));
  const unitK = kpiSql(kpi, Prisma.sql`at >= ws`, Prisma.sql`at < ws`);
  // Without a lookback every event read is in its unit's window, and its bucket
  // is date_trunc(grain, at) (the slices start at date_trunc(grain, ws) and step
  // by the grain), so buckets are computed instead of joined.
  const direct = unitK.lookback === "none";
  const bucketK = direct ? kpiSql(kpi, Prisma.sql`true`, Prisma.sql`false`) : kpiSql(kpi, Prisma.sql`at >= bws`, Prisma.sql`at < bws`);
  const zero = unitK.zeroFill;
  const fastRetention = isRetention(kpi) && source === "facts";
  // Units with events (eu) carry the outcome; units without count only when
  // zeroFill, with y = 0, and then n comes from counting every unit (groups).
  // Lifetime value by bucket is a running total: each unit contributes to every
  // bucket of its draw, so it is summed by increments at the buckets where it
  // changes instead of joining every earlier purchase to every bucket.
  const bucketRows =
    fastRetention
      ? retentionBuckets(s, kpi)
      : kpi === "lifetimeValue"
        ? Prisma.sql`
    lb AS (
      SELECT ev.cid, ev.draw, s.bucket, COALESCE(SUM(ev.amount), 0) AS r
      FROM ev JOIN slices s ON s.draw = ev.draw AND ev.at < s.bwe AND (ev.at >= s.bws OR s.bws = ev.ws)
      GROUP BY 1, 2, 3
    ),
    ly AS (SELECT cid, draw, bucket, r, SUM(r) OVER (PARTITION BY cid, draw ORDER BY bucket) AS y FROM lb),
    deltas AS (
      SELECT ly.draw, eu.held, ly.bucket, SUM(ly.r) AS ds, SUM(ly.y * ly.y - (ly.y - ly.r) * (ly.y - ly.r)) AS dq
      FROM ly JOIN eu ON eu.cid = ly.cid AND eu.draw = ly.draw GROUP BY 1, 2, 3
    ),
    bucket_sums AS (
      SELECT s.draw, a.held, s.bucket, 0 AS n,
             SUM(COALESCE(d.ds, 0)) OVER w AS sum, SUM(COALESCE(d.dq, 0)) OVER w AS "sumSq", 0 AS p
      FROM slices s CROSS JOIN (VALUES (false), (true)) a(held)
      LEFT JOIN deltas d ON d.draw = s.draw AND d.held = a.held AND d.bucket = s.bucket
      WINDOW w AS (PARTITION BY s.draw, a.held ORDER BY s.bucket)
    )`
      : Prisma.sql`
    bf AS (${
      direct
        ? Prisma.sql`
      SELECT ev.cid, ev.draw, date_trunc(${grainSql(s.grain).unit}, ev.at) AS bucket, ${bucketK.y} AS y, ${bucketK.inc} AS inc
      FROM ev GROUP BY 1, 2, 3`
        : Prisma.sql`
      SELECT ev.cid, ev.draw, s.bucket, ${bucketK.y} AS y, ${bucketK.inc} AS inc
      FROM ev JOIN slices s ON s.draw = ev.draw AND ev.at < s.bwe
        AND ev.at >= ${unitK.lookback === "retention" ? Prisma.sql`s.bws - ${LOOKBACK}` : Prisma.sql`s.bws`}
      GROUP BY 1, 2, 3`
    }
    ),
    bucket_sums AS (
      SELECT bf.draw, eu.held, bf.bucket, COUNT(*) FILTER (WHERE bf.inc) AS n, SUM(bf.y) FILTER (WHERE bf.inc) AS sum,
             SUM(bf.y * bf.y) FILTER (WHERE bf.inc) AS "sumSq", SUM(eu.p) FILTER (WHERE bf.inc) AS p
      FROM bf JOIN eu ON eu.cid = bf.cid AND eu.draw = bf.draw GROUP BY 1, 2, 3
    )`;
  return Prisma.sql`
    WITH ${programDraws(s)},
    ${drawEvents(unitK, s.from, end, source === "facts" ? scopeCustomers(s, Prisma.raw('e."customerId"')) : Prisma.empty)},
    ${fastRetention ? retentionUnits(kpi) : Prisma.sql`uf AS (SELECT cid, draw, ${unitK.y} AS y, ${unitK.inc} AS inc FROM ev GROUP BY cid, draw)`},
    eu AS MATERIALIZED (
      SELECT uf.cid, uf.draw, ha."heldOut" AS held, d.p, d.ws, d.we, ha."ownerId" AS owner, ha.segment, uf.y::float8 AS y, uf.inc
      FROM uf JOIN "HoldoutAssignment" ha ON ha."periodId" = uf.draw AND ha."customerId" = uf.cid JOIN draws d ON d.draw = uf.draw
      WHERE true ${unitFilter(s, Prisma.raw('ha."ownerId"'), Prisma.raw("ha.segment"))}
    ),
    unit_sums AS (
      SELECT draw, held, owner, segment, COUNT(*) FILTER (WHERE inc) AS n, SUM(y) FILTER (WHERE inc) AS sum, SUM(y * y) FILTER (WHERE inc) AS "sumSq"
      FROM eu GROUP BY 1, 2, 3, 4
    ),
    groups AS (SELECT held, owner, segment, draw, n FROM units),
    ${bucketRows},
    ${programTotals(zero)}`;
}

/**
 * programKpi's last steps, shared by both sources: from unit_sums (units with
 * events, summed per draw, arm, owner and segment: n = the units that count,
 * sum and sumSq of their y), groups (unit counts per draw, arm, owner and
 * segment) and bucket_sums (per draw, arm and bucket: n, sum, sumSq, p), the
 * rows by total, team, segment and period. `zero`: units without events count,
 * with y = 0 (every unit counts then: inc is true for each zero-filled KPI).
 */
function programTotals(zero: boolean): Prisma.Sql {
  return Prisma.sql`
    counted AS (
      ${
        zero
          ? Prisma.sql`SELECT g.held, g.owner, g.segment, g.n, g.n * d.p AS p, d.ws, d.we, 0::float8 AS sum, 0::float8 AS "sumSq" FROM groups g JOIN draws d ON d.draw = g.draw
      UNION ALL SELECT held, owner, segment, 0, 0, NULL, NULL, sum, "sumSq" FROM unit_sums`
          : Prisma.sql`SELECT u.held, u.owner, u.segment, u.n, u.n * d.p AS p, d.ws, d.we, u.sum, u."sumSq" FROM unit_sums u JOIN draws d ON d.draw = u.draw WHERE u.n > 0`
      }
    ),
    per_bucket AS (
      SELECT s.bucket, a.held,
             ${zero ? Prisma.sql`SUM(c.n)` : Prisma.sql`SUM(COALESCE(b.n, 0))`}::int AS n,
             SUM(COALESCE(b.sum, 0))::float8 AS sum, SUM(COALESCE(b."sumSq", 0))::float8 AS "sumSq",
             ${zero ? Prisma.sql`SUM(c.n * d.p)` : Prisma.sql`SUM(COALESCE(b.p, 0))`}::float8 AS p,
             MIN(s.bws) FILTER (WHERE ${zero ? Prisma.sql`c.n > 0` : Prisma.sql`b.n > 0`}) AS ws,
             MAX(s.bwe) FILTER (WHERE ${zero ? Prisma.sql`c.n > 0` : Prisma.sql`b.n > 0`}) AS we
      FROM slices s JOIN draws d ON d.draw = s.draw CROSS JOIN (VALUES (false), (true)) a(held)
      JOIN (SELECT draw, held, SUM(n) AS n FROM groups GROUP BY 1, 2) c ON c.draw = s.draw AND c.held = a.held
      LEFT JOIN bucket_sums b ON b.draw = s.draw AND b.held = a.held AND b.bucket = s.bucket
      GROUP BY 1, 2
    )
    SELECT CASE WHEN GROUPING(team) = 0 THEN 'team' WHEN GROUPING(segment) = 0 THEN 'segment' ELSE 'total' END AS level,
           COALESCE(team::text, segment) AS key, NULL::timestamp AS start, held,
           SUM(n)::int AS n, COALESCE(SUM(sum), 0)::float8 AS sum, COALESCE(SUM("sumSq"), 0)::float8 AS "sumSq", COALESCE(SUM(p), 0)::float8 AS p,
           MIN(ws) AS ws, MAX(we) AS we
    FROM (SELECT counted.*, u."teamId" AS team FROM counted JOIN "User" u ON u.id = counted.owner) c
    GROUP BY GROUPING SETS ((held), (held, team), (held, segment))
    UNION ALL
    SELECT 'period', NULL, bucket, held, n, sum, "sumSq", p, ws, we FROM per_bucket`;
}

/**
 * programKpiSql for a purchase KPI kept by day (factKpiSql): units' purchases from
 * unitDays, no join to the assignments, in one pass over the rows with two
 * groupings (GROUPING SETS): by unit for the total and by unit and bucket for the
 * period breakdown. A row that is its unit's only one in the window (\`single\`) or
 * in its bucket (\`bsingle\`) takes no unit key (NULL): all such rows of a group
 * fall into one cell that sums their per-row outcomes (rowY), and only the other
 * rows are grouped by unit (about 30 % of the rows of the default 90-day view on
 * the 60,000-customer set, 4 % of them by week). The rows are read once, not
 * materialized (writing 31,000 rows to a CTE cost more than reading them again).
 */
function programKpiFactsSql(s: MetricsScope, k: FactKpiSql): Prisma.Sql {
  const { unit, step } = grainSql(s.grain);
  return Prisma.sql`
    WITH ${programDraws(s)},
    ${unitDays("draws", false, (owner, segment) => unitFilter(s, owner, segment), false)},
    agg AS (
      SELECT draw, held, owner, segment, bucket, ukey, bkey, GROUPING(bucket) AS unit_level,
             COUNT(*) FILTER (WHERE ri) AS sn, SUM(ry) FILTER (WHERE ri) AS sy, SUM(ry * ry) FILTER (WHERE ri) AS sy2,
             (${k.y})::float8 AS y, ${k.inc} AS inc
      FROM (
        SELECT draw, held, owner, segment, purchases, pwa, revenue, xsell, usell, (${k.rowY})::float8 AS ry, ${k.rowInc} AS ri,
               CASE WHEN single THEN NULL ELSE cid END AS ukey, bucket,
               CASE WHEN whole AND (prev IS NULL OR prev < GREATEST(tlo, bucket::date)) AND (next IS NULL OR next >= LEAST(thi, (bucket + ${step})::date))
                    THEN NULL ELSE cid END AS bkey
        FROM (SELECT fx.*, date_trunc(${unit}, at) AS bucket FROM fx WHERE ${k.rows}) r
      ) x
      GROUP BY GROUPING SETS ((draw, held, owner, segment, ukey), (draw, held, bucket, bkey))
    ),
    -- Per draw, arm, owner and segment: the single rows' cell (ukey NULL) adds their sums, each other unit its y.
    unit_sums AS (
      SELECT draw, held, owner, segment,
             SUM(CASE WHEN ukey IS NULL THEN sn ELSE inc::int END) AS n,
             SUM(CASE WHEN ukey IS NULL THEN sy WHEN inc THEN y END) AS sum,
             SUM(CASE WHEN ukey IS NULL THEN sy2 WHEN inc THEN y * y END) AS "sumSq"
      FROM agg WHERE unit_level = 1 GROUP BY 1, 2, 3, 4
    ),
    groups AS (SELECT held, owner, segment, draw, n FROM units),
    bucket_sums AS (
      SELECT b.draw, b.held, b.bucket, b.n, b.sum, b."sumSq", b.n * d.p AS p
      FROM (SELECT draw, held, bucket,
                   SUM(CASE WHEN bkey IS NULL THEN sn ELSE inc::int END) AS n,
                   SUM(CASE WHEN bkey IS NULL THEN sy WHEN inc THEN y END) AS sum,
                   SUM(CASE WHEN bkey IS NULL THEN sy2 WHEN inc THEN y * y END) AS "sumSq"
            FROM agg WHERE unit_level = 0 GROUP BY 1, 2, 3) b
      JOIN draws d ON d.draw = b.draw
    ),
    ${programTotals(k.zeroFill)}`;
}

// ---------------------------------------------------------------- per action

/**
 * Each action's shown recommendations against its control group, for one KPI:
 * recommendations created in the range (and by now) whose attribution window
 * had closed by `now`, for reps on the team now, of customers in the segment.
 */
export async function actionKpis(s: MetricsScope, kpi: KpiKey, opts: AggregateOptions = {}): Promise<(KpiArms & { actionKey: string; actionName: string })[]> {
  const rows = await aggregate<(ArmRow & { actionKey: string; actionName: string })[]>(actionKpisSql(s, kpi), opts);
  return [...groupBy(rows, (r) => r.actionKey)].map(([actionKey, rs]) => ({ actionKey, actionName: rs[0]?.actionName ?? "", ...toArms(rs) }));
}

/**
 * The arms of actionKpis without a segment filter, as CTE \`arm_counts\` (action, held, n, converted, ws, we): per action
 * type and arm, the recommendations in scope created by \`closed\` (their windows closed by now), those followed by a
 * purchase in their window by now (purchasedAt, kept by triggers), and the first and last creation time (plus the
 * window). Whole UTC days before the one in which windows close come from RecommendationDay (shown, controlN,
 * treatedConverted, controlConverted: a purchase in the window of a recommendation created before that day is at or
 * before now), the days the view cuts (its partial ends, that day) row by row; the first and last creation time of
 * each arm are one index lookup each (Recommendation_actionTypeId_createdAt_idx).
 */
function actionArms(s: MetricsScope, closed: Date): Prisma.Sql {
  const closedDay = new Date(Math.floor(closed.getTime() / DAY_MS) * DAY_MS);
  const perRow = ([from, toExclusive]: readonly [Date, Date]) => Prisma.sql`
      SELECT "actionTypeId" AS action, "isControl" AS held, 1 AS n, COALESCE("purchasedAt" <= ${s.now}, false)::int AS converted
      FROM (${scopedRecommendations({ ...s, from, toExclusive })}) r WHERE "createdAt" <= ${closed}`;
  const split = splitDays(s, closedDay);
  const cells =
    split === null
      ? perRow([s.from, s.toExclusive])
      : Prisma.join(
          [
            Prisma.sql`
      SELECT d."actionTypeId" AS action, h.held, CASE WHEN h.held THEN d."controlN" ELSE d.shown END AS n,
             CASE WHEN h.held THEN d."controlConverted" ELSE d."treatedConverted" END AS converted
      FROM "RecommendationDay" d CROSS JOIN (VALUES (false), (true)) h(held)
      WHERE ${rollupDaysSql(split, Prisma.raw("d.day"))} AND d.day < ${closedDay}::date ${rollupFilters(s, Prisma.raw('d."repId"'), Prisma.raw('d."actionTypeId"'))}`,
            ...split.rows.map(perRow),
          ],
          " UNION ALL ",
        );
  const inArm = Prisma.sql`r."actionTypeId" = c.action AND r."isControl" = c.held
          AND r."createdAt" >= ${s.from} AND r."createdAt" < ${s.toExclusive} AND r."createdAt" <= ${s.now} AND r."createdAt" <= ${closed}
          ${rollupFilters({ ...s, actionKey: null }, Prisma.raw('r."repId"'), Prisma.raw('r."actionTypeId"'))}`;
  return Prisma.sql`
      arm_cells AS (SELECT action, held, SUM(n)::int AS n, SUM(converted)::int AS converted FROM (${cells}) c GROUP BY 1, 2),
      arm_counts AS (
        SELECT c.action, c.held, c.n, c.converted,
               (SELECT r."createdAt" FROM "Recommendation" r WHERE ${inArm} ORDER BY r."createdAt" LIMIT 1) AS ws,
               (SELECT r."createdAt" FROM "Recommendation" r WHERE ${inArm} ORDER BY r."createdAt" DESC LIMIT 1) + ${WINDOW} AS we
        FROM arm_cells c WHERE c.n > 0
      )`;
}

/** actionKpis' query (exported to EXPLAIN it when tuning). */
export function actionKpisSql(s: MetricsScope, kpi: KpiKey): Prisma.Sql {
  const closed = new Date(s.now.getTime() - ATTRIBUTION_WINDOW_DAYS * DAY_MS);
  if (kpi === "conversion" && s.segment === null) {
    // Conversion is stored on each recommendation (purchasedAt: the first purchase in (createdAt, createdAt + 14 days],
    // kept by triggers) and counted per day in RecommendationDay, so without a segment filter it is read from the
    // rollup, as conversionMetrics' treated vs control.
    return Prisma.sql`
      WITH ${actionArms(s, closed)}
      SELECT 'action' AS level, a.key AS key, NULL::timestamp AS start, arms.held, arms.n, arms.converted::float8 AS sum, arms.converted::float8 AS "sumSq",
             (arms.n * a."controlGroupPct" / 100.0)::float8 AS p, arms.ws, arms.we, a.key AS "actionKey", a.name AS "actionName"
      FROM arm_counts arms JOIN "ActionType" a ON a.id = arms.action
      ORDER BY a.name, arms.held`;
  }
  const k = kpiSql(kpi, Prisma.sql`at > ws`, Prisma.sql`at <= ws`);
  const low = k.lookback === "all" ? Prisma.empty : k.lookback === "retention" ? Prisma.sql`AND e.at > r.ws - ${LOOKBACK}` : Prisma.sql`AND e.at > r.ws`;
  // A purchase KPI without lookback is 0 (or, for order value, not counted) for a
  // recommendation without a purchase in its window, i.e. whose trigger-kept
  // purchasedAt is null: only the others are joined to the purchases
  // (Recommendation_bought_idx), and without a segment filter the arms are
  // counted from the daily rollup, as conversion above (actionArms).
  const bought = k.lookback === "none" && factKpiSql(kpi) !== null;
  const fromRollup = bought && s.segment === null && k.zeroFill;
  const counts = fromRollup
    ? Prisma.sql`SELECT action, held, n, ws, we FROM arm_counts`
    : Prisma.sql`SELECT action, held, COUNT(*)::int AS n, MIN(ws) AS ws, MAX(we) AS we FROM recs GROUP BY 1, 2`;
  return Prisma.sql`
    WITH ${fromRollup ? Prisma.sql`${actionArms(s, closed)},` : Prisma.empty}
    recs AS MATERIALIZED (
      SELECT r.id, r."customerId" AS cid, r."actionTypeId" AS action, r."isControl" AS held, r."createdAt" AS ws, r."createdAt" + ${WINDOW} AS we
      FROM "Recommendation" r
      WHERE r."createdAt" >= ${s.from} AND r."createdAt" < ${s.toExclusive} AND r."createdAt" <= ${closed}
        ${bought && !(s.segment === null && k.zeroFill) ? Prisma.sql`AND r."purchasedAt" IS NOT NULL` : Prisma.empty}
        ${s.teamId === null ? Prisma.empty : Prisma.sql`AND r."repId" IN (SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid)`}
        ${s.actionKey === null ? Prisma.empty : Prisma.sql`AND r."actionTypeId" IN (SELECT id FROM "ActionType" WHERE key = ${s.actionKey})`}
        ${s.segment === null ? Prisma.empty : Prisma.sql`AND r."customerId" IN (SELECT id FROM "Customer" WHERE segment = ${s.segment})`}
    ),
    -- The events first (a narrow index range), then matched to the recommendations
    -- of their customer; recommendations without events are counted, not joined.
    evs AS (
      SELECT e."customerId" AS cid, e."occurredAt" AS at, e.amount
      FROM "CustomerEvent" e
      WHERE ${k.events} AND e."occurredAt" <= ${s.now}
        ${k.lookback === "all" ? Prisma.empty : Prisma.sql`AND e."occurredAt" > ${s.from}::timestamp - ${k.lookback === "retention" ? LOOKBACK : Prisma.sql`interval '0'`}`}
    ),
    buyers AS ${bought ? Prisma.sql`(
      SELECT r.id, r."customerId" AS cid, r."actionTypeId" AS action, r."isControl" AS held, r."createdAt" AS ws, r."createdAt" + ${WINDOW} AS we
      FROM "Recommendation" r
      WHERE r."purchasedAt" IS NOT NULL AND r."createdAt" >= ${s.from} AND r."createdAt" < ${s.toExclusive} AND r."createdAt" <= ${closed}
        ${s.teamId === null ? Prisma.empty : Prisma.sql`AND r."repId" IN (SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid)`}
        ${s.actionKey === null ? Prisma.empty : Prisma.sql`AND r."actionTypeId" IN (SELECT id FROM "ActionType" WHERE key = ${s.actionKey})`}
        ${s.segment === null ? Prisma.empty : Prisma.sql`AND r."customerId" IN (SELECT id FROM "Customer" WHERE segment = ${s.segment})`}
    )` : Prisma.sql`(SELECT * FROM recs)`},
    ev AS (
      SELECT r.id, r.action, r.held, r.ws, r.we, e.at, e.amount
      FROM evs e JOIN buyers r ON r.cid = e.cid
      WHERE e.at <= r.we ${low}
    ),
    rf AS (SELECT id, action, held, ws, we, ${k.y}::float8 AS y, ${k.inc} AS inc FROM ev GROUP BY id, action, held, ws, we),
    arms AS (
      ${
        k.zeroFill
          ? Prisma.sql`SELECT c.action, c.held, c.n, COALESCE(f.sum, 0)::float8 AS sum, COALESCE(f."sumSq", 0)::float8 AS "sumSq", c.ws, c.we
      FROM (${counts}) c
      LEFT JOIN (SELECT action, held, SUM(y) AS sum, SUM(y * y) AS "sumSq" FROM rf GROUP BY 1, 2) f ON f.action = c.action AND f.held = c.held`
          : Prisma.sql`SELECT action, held, COUNT(*)::int AS n, COALESCE(SUM(y), 0)::float8 AS sum, COALESCE(SUM(y * y), 0)::float8 AS "sumSq", MIN(ws) AS ws, MAX(we) AS we
      FROM rf WHERE inc GROUP BY 1, 2`
      }
    )
    SELECT 'action' AS level, a.key AS key, NULL::timestamp AS start, arms.held, arms.n, arms.sum, arms."sumSq",
           (arms.n * a."controlGroupPct" / 100.0)::float8 AS p, arms.ws, arms.we, a.key AS "actionKey", a.name AS "actionName"
    FROM arms JOIN "ActionType" a ON a.id = arms.action
    ORDER BY a.name, arms.held`;
}

// ---------------------------------------------------------------- adopters

export type AdopterTier = "heavy" | "medium" | "light";
export interface AdopterTierRow {
  tier: AdopterTier;
  reps: number;
  minActiveDays: number;
  maxActiveDays: number;
  /** The KPI of the tier's reps' treated customers in the range (program units: customer × draw, not held out). */
  during: ArmCounts;
  /** The same in the equal-length period just before `from`. */
  before: ArmCounts;
}

const TIERS: readonly AdopterTier[] = ["heavy", "medium", "light"];

/** Sums over units (rows y, inc) for adopterTiers: all units (ys, y2s: zero-filled KPIs) and those that count (ni, yi, y2i). */
const UNIT_SUMS = Prisma.raw(
  `SUM(y) AS ys, SUM(y * y) AS y2s, COUNT(*) FILTER (WHERE inc) AS ni, SUM(y) FILTER (WHERE inc) AS yi, SUM(y * y) FILTER (WHERE inc) AS y2i`,
);

/**
 * Reps on the team (created before the range ends) in terciles of active days
 * in the range (UsageDay days with a reaction or a queue view): NTILE(3) over
 * active days, most active first, ties broken by rep id, so tiers differ in
 * size by at most one and tied reps may sit in adjacent tiers. For each tier,
 * the KPI of the customers its reps own now, held-out customers excluded,
 * during the range and in the equal-length period before it (within-rep
 * before/after; a period no holdout draw covers has no units).
 */
export async function adopterTiers(s: MetricsScope, kpi: KpiKey, opts: ProgramKpiOptions = {}): Promise<AdopterTierRow[]> {
  const k = kpiSql(kpi, Prisma.sql`at >= ws`, Prisma.sql`at < ws`);
  const fact = (opts.source ?? "facts") === "facts" ? factKpiSql(kpi) : null;
  const segmentFilter = (segment: Prisma.Sql) => (s.segment === null ? Prisma.empty : Prisma.sql`AND ${segment} = ${s.segment}`);
  const length = s.toExclusive.getTime() - s.from.getTime();
  const beforeFrom = new Date(s.from.getTime() - length);
  const cut = (d: Date) => new Date(Math.min(d.getTime(), s.now.getTime()));
  const low =
    k.lookback === "all"
      ? Prisma.empty
      : k.lookback === "retention"
        ? Prisma.sql`AND e."occurredAt" >= ${beforeFrom}::timestamp - ${LOOKBACK} AND e."occurredAt" >= d.ws - ${LOOKBACK}`
        : Prisma.sql`AND e."occurredAt" >= ${beforeFrom} AND e."occurredAt" >= d.ws`;
  const rows = await aggregate<{ tier: number; period: string | null; reps: number; minActive: number; maxActive: number; n: number; sum: number; sumSq: number }[]>(Prisma.sql`
    WITH reps AS (
      SELECT u.id, COUNT(d.day)::int AS active
      FROM "User" u
      LEFT JOIN "UsageDay" d ON d."userId" = u.id AND d.day >= ${s.from}::date AND d.day < ${s.toExclusive}::date AND d.day <= ${s.now}::date
        AND (d.reactions > 0 OR d."queueViews" > 0)
      WHERE u.role = 'REP' AND u."createdAt" < ${s.toExclusive}
        ${s.teamId === null ? Prisma.empty : Prisma.sql`AND u."teamId" = ${s.teamId}::uuid`}
      GROUP BY u.id
    ),
    tiers AS (SELECT id, active, NTILE(3) OVER (ORDER BY active DESC, id) AS tier FROM reps),
    periods AS (
      SELECT 'during' AS period, ${s.from}::timestamp AS lo, ${cut(s.toExclusive)}::timestamp AS hi
      UNION ALL SELECT 'before', ${beforeFrom}::timestamp, ${cut(s.from)}::timestamp
    ),
    draws AS (
      SELECT p.period, hp.id AS draw, GREATEST(hp."startsAt", p.lo) AS ws, LEAST(hp."endsAt", p.hi) AS we
      FROM periods p JOIN "HoldoutPeriod" hp ON hp."startsAt" < p.hi AND hp."endsAt" > p.lo AND GREATEST(hp."startsAt", p.lo) < LEAST(hp."endsAt", p.hi)
    ),
    units AS (
      SELECT d.period, t.tier, SUM(ac.n) AS n
      FROM draws d
      JOIN "HoldoutArmCount" ac ON ac."periodId" = d.draw AND NOT ac."heldOut"
      JOIN tiers t ON t.id = ac."ownerId"
      ${s.segment === null ? Prisma.empty : Prisma.sql`WHERE ac.segment = ${s.segment}`}
      GROUP BY 1, 2
    ),
    ${
      fact
        ? Prisma.sql`${unitDays("draws", true, (owner, segment) => unitFilter(s, owner, segment), false)},
    -- Units of the team's owners only (the tiers' reps are among them; a one-team view need not read every team's rows).
    -- One pass: rows that are their unit's only one in the period's window (single) share one cell per period, draw
    -- and owner (ukey NULL) that sums their per-row outcomes; the other rows are grouped by unit (programKpiFactsSql).
    uf AS (
      SELECT period, owner, ukey,
             COUNT(*) FILTER (WHERE ri) AS sn, SUM(ry) AS sya, SUM(ry * ry) AS sy2a, SUM(ry) FILTER (WHERE ri) AS syi, SUM(ry * ry) FILTER (WHERE ri) AS sy2i,
             (${fact.y})::float8 AS y, ${fact.inc} AS inc
      FROM (SELECT period, draw, owner, purchases, pwa, revenue, xsell, usell, (${fact.rowY})::float8 AS ry, ${fact.rowInc} AS ri,
                   CASE WHEN single THEN NULL ELSE cid END AS ukey
            FROM fx WHERE NOT held AND ${fact.rows}) x
      GROUP BY period, draw, owner, ukey
    ),
    uo AS (
      SELECT period, owner AS rep,
             SUM(CASE WHEN ukey IS NULL THEN sya ELSE y END) AS ys, SUM(CASE WHEN ukey IS NULL THEN sy2a ELSE y * y END) AS y2s,
             SUM(CASE WHEN ukey IS NULL THEN sn ELSE inc::int END) AS ni,
             SUM(CASE WHEN ukey IS NULL THEN syi WHEN inc THEN y END) AS yi, SUM(CASE WHEN ukey IS NULL THEN sy2i WHEN inc THEN y * y END) AS y2i
      FROM uf GROUP BY period, owner
    ),`
        : Prisma.sql`
    ev AS MATERIALIZED (
      SELECT e."customerId" AS cid, d.period, d.draw, d.ws, e."occurredAt" AS at, e.amount
      FROM "CustomerEvent" e JOIN draws d ON e."occurredAt" < d.we ${low}
      WHERE ${k.events} AND e."occurredAt" < ${cut(s.toExclusive)} ${(opts.source ?? "facts") === "facts" ? scopeCustomers(s, Prisma.raw('e."customerId"')) : Prisma.empty}
    ),
    uf AS (SELECT cid, period, draw, ${k.y}::float8 AS y, ${k.inc} AS inc FROM ev GROUP BY cid, period, draw),
    uo AS (
      SELECT uf.period, ha."ownerId" AS rep, ${UNIT_SUMS}
      FROM uf JOIN "HoldoutAssignment" ha ON ha."periodId" = uf.draw AND ha."customerId" = uf.cid AND NOT ha."heldOut"
      WHERE true ${segmentFilter(Prisma.raw("ha.segment"))}
      GROUP BY uf.period, ha."ownerId"
    ),`
    }
    -- Units' outcomes summed per owner first (a few hundred rows), then matched to the owners' tiers.
    ut AS (SELECT t.tier, uo.* FROM uo JOIN tiers t ON t.id = uo.rep),
    uy AS (
      ${
        (fact ?? k).zeroFill
          ? Prisma.sql`SELECT tier, period, n, 0::float8 AS y, 0::float8 AS y2 FROM units
      UNION ALL SELECT tier, period, 0, ys, y2s FROM ut`
          : Prisma.sql`SELECT tier, period, ni AS n, yi AS y, y2i AS y2 FROM ut`
      }
    )
    SELECT tier, NULL AS period, COUNT(*)::int AS reps, MIN(active)::int AS "minActive", MAX(active)::int AS "maxActive", 0 AS n, 0 AS sum, 0 AS "sumSq"
    FROM tiers GROUP BY tier
    UNION ALL
    SELECT tier, period, 0, 0, 0, SUM(n)::int, COALESCE(SUM(y), 0)::float8, COALESCE(SUM(y2), 0)::float8
    FROM uy GROUP BY tier, period
    ORDER BY 1, 2 NULLS FIRST`, { parallel: opts.parallel });
  const arm = (tier: number, period: string): ArmCounts => {
    const r = rows.find((x) => x.tier === tier && x.period === period);
    return r ? { n: r.n, sum: r.sum, sumSq: r.sumSq } : { n: 0, sum: 0, sumSq: 0 };
  };
  return rows
    .filter((r) => r.period === null)
    .map((r) => ({
      tier: TIERS[r.tier - 1] as AdopterTier,
      reps: r.reps,
      minActiveDays: r.minActive,
      maxActiveDays: r.maxActive,
      during: arm(r.tier, "during"),
      before: arm(r.tier, "before"),
    }));
}
