import "server-only";
import { createHash } from "node:crypto";
import { db, type Db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";
import { readRows } from "./raw";
import { ACTED_ON_SQL, OPEN_SQL, resolvedSql, sqlLiteral } from "./vocabulary-sql";
import {
  buildStatsTable,
  DEFAULT_HALF_LIFE_DAYS,
  DRIFT_DISCOUNT,
  type DriftDiscount,
  FULL_CONSENT,
  consentState,
  type ConsentEntry,
  inferUrgencySignal,
  parseRule,
  type ActionDefinition,
  type Candidate,
  type DecisionLog,
  type EngineCustomer,
  type EventAggregates,
  type HistoryRecord,
  type StatsRow,
  type StatsTable,
} from "@/lib/engine";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";

// What the decision pipeline reads and writes, set-based: per chunk of
// customers one query each for profiles, event aggregates and suggestion
// history; writes are one multi-row statement per chunk. Queries only: the
// decisions are lib/engine/pipeline.ts's, the orchestration lib/services'.

/** A Prisma client or an interactive-transaction client. */
export type Client = Pick<Db, "$queryRaw" | "$executeRaw">;

const DAY_MS = 86_400_000;
const EXPIRED = sqlLiteral("EXPIRED");
const PENDING = sqlLiteral("PENDING");

export { EMPTY_AGGREGATES } from "@/lib/engine";

/** The active catalog as the engine's definitions; an action whose stored rule no longer parses is skipped with a warning. */
export async function loadActionDefinitions(client: Client = db()): Promise<ActionDefinition[]> {
  const rows = await readRows<
    {
      id: string;
      key: string;
      name: string;
      category: ActionDefinition["category"];
      purpose: "SERVICE" | "MARKETING";
      messageTemplate: string;
      rule: unknown;
      businessValue: string;
      lever: number;
      cooldownDays: number;
      expiresAfterDays: number;
      controlGroupPct: number;
      priorAlpha: number;
      priorBeta: number;
      exploration: boolean;
      version: number;
    }
  >(
    client,
    Prisma.sql`SELECT id, key, name, category::text AS category, purpose::text AS purpose, "messageTemplate", rule, "businessValue"::text AS "businessValue", lever,
            "cooldownDays", "expiresAfterDays", "controlGroupPct", "priorAlpha", "priorBeta", exploration, version
     FROM "ActionType" WHERE active ORDER BY key`,
  );
  const defs: ActionDefinition[] = [];
  for (const r of rows) {
    const parsed = parseRule(r.rule);
    if (!parsed.ok) {
      console.warn(`action ${r.key}: invalid rule skipped (${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")})`);
      continue;
    }
    defs.push({
      id: r.id,
      key: r.key,
      name: r.name,
      category: r.category,
      purpose: r.purpose,
      messageTemplate: r.messageTemplate,
      rule: parsed.rule,
      businessValue: Number(r.businessValue),
      lever: r.lever,
      cooldownDays: r.cooldownDays,
      expiresAfterDays: r.expiresAfterDays,
      controlGroupPct: r.controlGroupPct,
      prior: { alpha: r.priorAlpha, beta: r.priorBeta },
      exploration: r.exploration,
      version: r.version,
      urgencySignal: inferUrgencySignal(parsed.rule),
    });
  }
  return defs;
}

/**
 * What a run's ScoringContext is read from, as one stamp: the row version
 * (xmin, new with every insert and update) of the program settings, of every
 * action type, of the active model version and of the holdout draw covering
 * `now`. Equal stamps: the same rows as when the stamp was taken. `active`:
 * whether a model version is active.
 */
export async function scoringContextStamp(client: Client, now: Date): Promise<{ stamp: string; active: boolean }> {
  const [row] = await readRows<{ stamp: string; active: boolean }>(
    client,
    Prisma.sql`
    SELECT concat_ws('|',
             (SELECT xmin::text FROM "ProgramSettings" WHERE id = 1),
             (SELECT string_agg(id::text || ':' || xmin::text, ',' ORDER BY id) FROM "ActionType"),
             (SELECT id::text || ':' || xmin::text FROM "ModelVersion" WHERE status = 'ACTIVE'),
             (SELECT id::text || ':' || xmin::text FROM "HoldoutPeriod" WHERE "startsAt" <= ${now} AND "endsAt" > ${now} ORDER BY "startsAt" DESC LIMIT 1)) AS stamp,
           EXISTS (SELECT 1 FROM "ModelVersion" WHERE status = 'ACTIVE') AS active`,
  );
  return row!;
}

/**
 * Acted on: accepted or done, including an accepted suggestion that later
 * expired (only a rep's own decision sets decidedAt; undo clears it).
 */
/** Acted on as learning counts it: accepted or done, or accepted and later lapsed (on the row aliased r). */
export const ACTED_ON_R = Prisma.sql`(r.status IN ${ACTED_ON_SQL} OR (r.status = ${EXPIRED} AND r."decidedAt" IS NOT NULL))`;

/**
 * Learning data: per action, segment and the customer's feature key at
 * decision time (older suggestions without one: the segment alone), how many
 * shown suggestions were resolved (trials: acted on, dismissed, or expired
 * after being shown, i.e. silence), acted on (accepted or done), and followed
 * by a purchase within the attribution window (converted). Control-group rows
 * are excluded. Each suggestion is weighted by its age, 0.5^(days since
 * created / halfLifeDays) (lib/engine/learning.ts decayWeight; null: no
 * forgetting), so the counts are fractional. lib/engine's
 * `weightedStatsRows` is the same definition in TypeScript
 * (tests/integration/sql-matches-engine.test.ts holds them together).
 */
export async function loadStats(
  client: Client = db(),
  now = new Date(),
  halfLifeDays: number | null = DEFAULT_HALF_LIFE_DAYS,
  /** Drift discounts (lib/engine/drift.ts DRIFT_DISCOUNT): an (action, segment)'s outcomes created before `before` count this much more weakly. */
  discounts: readonly DriftDiscount[] = [],
): Promise<StatsTable> {
  const decay = halfLifeDays === null
    ? Prisma.sql`1.0::float8`
    : Prisma.sql`power(0.5::float8, GREATEST(0, EXTRACT(EPOCH FROM (${now}::timestamp(3) - r."createdAt")))::float8 / 86400.0 / ${halfLifeDays}::float8)`;
  const weight = discounts.length === 0
    ? decay
    : Prisma.sql`(${decay} * COALESCE((SELECT MIN(${DRIFT_DISCOUNT}::float8) FROM unnest(${discounts.map((d) => d.actionKey)}::text[], ${discounts.map((d) => d.segment)}::text[], ${discounts.map((d) => d.before)}::timestamp(3)[]) AS d(k, s, b)
                    WHERE d.k = a.key AND d.s = c.segment AND r."createdAt" < d.b), 1.0::float8))`;
  const rows = await client.$queryRaw<{ actionKey: string; segment: string; featureKey: string; shown: number; accepted: number; converted: number }[]>`
    SELECT a.key AS "actionKey", c.segment, COALESCE(r."featureKey", c.segment || '|') AS "featureKey",
           SUM(${weight})::float8 AS shown,
           COALESCE(SUM(${weight}) FILTER (WHERE ${ACTED_ON_R}), 0)::float8 AS accepted,
           COALESCE(SUM(${weight}) FILTER (WHERE ${ACTED_ON_R} AND EXISTS (
             SELECT 1 FROM "CustomerEvent" e
             WHERE e."customerId" = r."customerId" AND e.type = 'PURCHASE'
               AND e."occurredAt" > COALESCE(r."decidedAt", r."createdAt")
               AND e."occurredAt" <= COALESCE(r."decidedAt", r."createdAt") + make_interval(days => ${ATTRIBUTION_WINDOW_DAYS}::int)
           )), 0)::float8 AS converted
    FROM "Recommendation" r
    JOIN "ActionType" a ON a.id = r."actionTypeId"
    JOIN "Customer" c ON c.id = r."customerId"
    WHERE r."createdAt" <= ${now} AND ${resolvedSql("r")}
    GROUP BY 1, 2, 3`;
  return buildStatsTable(rows satisfies StatsRow[]);
}

export interface DecisionCustomer extends EngineCustomer {
  ownerName: string;
}

/** Which customers a chunk holds: after `afterId` in id order, at most `limit`, optionally only the given ids or the given reps' customers. */
export type ChunkQuery = { afterId: string | null; limit: number; ids?: string[]; repIds?: string[] };

/**
 * A customer of a chunk with what the same query brings along: its kept
 * signals when they are exact at `now` (null: none, or stale), and its arm in
 * the draw (null: not drawn yet, or no draw asked for).
 */
export type ChunkRow = { customer: DecisionCustomer; kept: EventAggregates | null; heldOut: boolean | null };

/**
 * The next chunk of customers owned by active reps, in id order, in one
 * round trip: profile, owner, current consent (the latest record per purpose
 * and channel, for the engine's consentState: the same selection as
 * lib/data/consent.ts latestConsentEntries, inlined here to save a round
 * trip; keep the two alike), kept signals valid at `now` and the arm in draw
 * `drawId`. Every part costs what the chunk holds, not what the tables
 * hold: signals and arm are looked up per customer (a lateral subquery and a
 * scalar one), never joined (the planner hashed every kept row and every arm
 * of the draw for each chunk, so a million customers in 182 chunks would
 * scan both tables 182 times); consent records are read for the chunk's ids
 * in one index scan (a subquery per customer cost 13 us each, and 92 % of
 * customers have no record).
 */
export async function loadCustomerChunk(client: Client, q: ChunkQuery, at: { now: Date; drawId?: string | null } = { now: new Date() }): Promise<ChunkRow[]> {
  const rows = await readRows<
    {
      id: string;
      ownerId: string;
      ownerName: string;
      name: string;
      company: string | null;
      segment: string;
      birthday: Date | null;
      renewalDate: Date | null;
      lifetimeValue: string;
      createdAt: Date;
      consent: string | null;
      heldOut: boolean | null;
    } & Omit<SignalRow, "customerId"> & { kept: boolean }
  >(
    client,
    Prisma.sql`
    WITH c AS MATERIALIZED (
      SELECT c.id, c."ownerId", u.name AS "ownerName", c.name, c.company, c.segment, c.birthday, c."renewalDate", c."lifetimeValue", c."createdAt"
      FROM "Customer" c JOIN "User" u ON u.id = c."ownerId"
      WHERE u.active AND u.role = 'REP' AND c."erasedAt" IS NULL
        AND (${q.afterId}::uuid IS NULL OR c.id > ${q.afterId}::uuid)
        AND (${q.ids ?? null}::uuid[] IS NULL OR c.id = ANY(${q.ids ?? null}::uuid[]))
        AND (${q.repIds ?? null}::uuid[] IS NULL OR c."ownerId" = ANY(${q.repIds ?? null}::uuid[]))
      ORDER BY c.id LIMIT ${q.limit}
    ),
    consent AS (
      SELECT x."customerId", json_agg(json_build_object('purpose', x.purpose, 'channel', x.channel, 'granted', x.granted, 'at', x.at, 'id', x.id))::text AS consent
      FROM (SELECT DISTINCT ON (r."customerId", r.purpose, r.channel) r."customerId", r.purpose, r.channel, r.granted,
                   (extract(epoch FROM r."recordedAt") * 1000)::float8 AS at, r.id
            FROM "ConsentRecord" r WHERE r."customerId" = ANY(ARRAY(SELECT id FROM c))
            ORDER BY r."customerId", r.purpose, r.channel, r."recordedAt" DESC, r.id DESC) x
      GROUP BY x."customerId"
    )
    SELECT c.id, c."ownerId", c."ownerName", c.name, c.company, c.segment, c.birthday, c."renewalDate", c."lifetimeValue"::text AS "lifetimeValue",
           c."createdAt", consent.consent,
           s."customerId" IS NOT NULL AS kept, s."lastContactAt", s."lastPurchaseAt", s."ordersLast90d", s."spendLast90d"::text AS "spendLast90d",
           s."openTickets", s."webVisitsLast7d", s."emailClicksLast30d",
           (SELECT h."heldOut" FROM "HoldoutAssignment" h WHERE h."periodId" = ${at.drawId ?? null}::uuid AND h."customerId" = c.id) AS "heldOut"
    FROM c
    LEFT JOIN consent ON consent."customerId" = c.id
    LEFT JOIN LATERAL (
      SELECT * FROM "CustomerSignal" s
      WHERE s."customerId" = c.id AND s."asOf" <= ${at.now}::timestamp(3) AND (s."validUntil" IS NULL OR s."validUntil" > ${at.now}::timestamp(3))
      LIMIT 1
    ) s ON true
    ORDER BY c.id`,
  );
  return rows.map((r) => ({
    customer: {
      id: r.id,
      ownerId: r.ownerId,
      ownerName: r.ownerName,
      name: r.name,
      company: r.company,
      segment: r.segment,
      birthday: r.birthday,
      renewalDate: r.renewalDate,
      lifetimeValue: Number(r.lifetimeValue),
      createdAt: r.createdAt,
      consent: r.consent ? consentState((JSON.parse(r.consent) as ConsentJson[]).map((e) => ({ ...e, recordedAt: new Date(e.at) }))) : FULL_CONSENT,
    },
    kept: r.kept ? toAggregates(r) : null,
    heldOut: r.heldOut,
  }));
}

type ConsentJson = Omit<ConsentEntry, "recordedAt"> & { at: number };

type SignalRow = {
  customerId: string;
  lastContactAt: Date | null;
  lastPurchaseAt: Date | null;
  ordersLast90d: number;
  spendLast90d: string;
  openTickets: number;
  webVisitsLast7d: number;
  emailClicksLast30d: number;
};

function toAggregates(r: Omit<SignalRow, "customerId">): EventAggregates {
  return {
    lastContactAt: r.lastContactAt,
    lastPurchaseAt: r.lastPurchaseAt,
    ordersLast90d: r.ordersLast90d,
    spendLast90d: Math.round(Number(r.spendLast90d) * 100) / 100,
    openTickets: r.openTickets,
    webVisitsLast7d: r.webVisitsLast7d,
    emailClicksLast30d: r.emailClicksLast30d,
  };
}

const SIGNAL_COLUMNS = Prisma.sql`"customerId", "lastContactAt", "lastPurchaseAt", "ordersLast90d", "spendLast90d"::text AS "spendLast90d", "openTickets", "webVisitsLast7d", "emailClicksLast30d"`;

/**
 * lib/engine's aggregateEvents for each customer at `now`, by the database:
 * the kept row (CustomerSignal, migration 20261206000000_customer_signals)
 * where it is exact at `now` (asOf <= now < validUntil), else computed from
 * the events by the same SQL function. `refresh` (the batch) stores what it
 * computed, so the next run reads it; without it nothing is written (the
 * customer page, the preview).
 */
export async function loadEventAggregates(client: Client, customerIds: string[], now: Date, opts: { refresh?: boolean } = {}): Promise<Map<string, EventAggregates>> {
  if (customerIds.length === 0) return new Map();
  const kept = await client.$queryRaw<SignalRow[]>`
    SELECT ${SIGNAL_COLUMNS} FROM "CustomerSignal"
    WHERE "customerId" = ANY(${customerIds}::uuid[]) AND "asOf" <= ${now}::timestamp(3) AND ("validUntil" IS NULL OR "validUntil" > ${now}::timestamp(3))`;
  const out = new Map(kept.map((r) => [r.customerId, toAggregates(r)]));
  if (out.size === customerIds.length) return out;
  const rest = customerIds.filter((id) => !out.has(id));
  const computed = opts.refresh
    ? await client.$queryRaw<SignalRow[]>`SELECT ${SIGNAL_COLUMNS} FROM nudge_refresh_customer_signals(${rest}::uuid[], ${now}::timestamp(3))`
    : await client.$queryRaw<SignalRow[]>`SELECT ${SIGNAL_COLUMNS} FROM nudge_customer_signals_at(${rest}::uuid[], ${now}::timestamp(3))`;
  for (const r of computed) out.set(r.customerId, toAggregates(r));
  return out;
}

/** Every customer's signals recomputed from the events at `now`, compared with the kept rows exact at `now`: how many are kept, stale, and differ. */
export async function checkCustomerSignals(client: Client, now: Date): Promise<{ customers: number; kept: number; stale: number; differ: number; examples: string[] }> {
  const [row] = await client.$queryRaw<{ customers: number; kept: number; stale: number; differ: number; examples: string[] | null }[]>`
    WITH fresh AS (SELECT * FROM nudge_customer_signals_at(ARRAY(SELECT id FROM "Customer"), ${now}::timestamp(3))),
    joined AS (
      SELECT f."customerId", k."customerId" IS NOT NULL AND k."asOf" <= ${now}::timestamp(3) AND (k."validUntil" IS NULL OR k."validUntil" > ${now}::timestamp(3)) AS usable,
             (k."lastContactAt", k."lastPurchaseAt", k."ordersLast90d", k."spendLast90d", k."openTickets", k."webVisitsLast7d", k."emailClicksLast30d")
               IS DISTINCT FROM (f."lastContactAt", f."lastPurchaseAt", f."ordersLast90d", f."spendLast90d", f."openTickets", f."webVisitsLast7d", f."emailClicksLast30d") AS differs
      FROM fresh f LEFT JOIN "CustomerSignal" k ON k."customerId" = f."customerId"
    )
    SELECT COUNT(*)::int AS customers, (COUNT(*) FILTER (WHERE usable))::int AS kept, (COUNT(*) FILTER (WHERE NOT usable))::int AS stale,
           (COUNT(*) FILTER (WHERE usable AND differs))::int AS differ,
           (array_agg("customerId"::text ORDER BY "customerId") FILTER (WHERE usable AND differs))[1:5] AS examples
    FROM joined`;
  return { customers: row!.customers, kept: row!.kept, stale: row!.stale, differ: row!.differ, examples: row!.examples ?? [] };
}

export type HistoryRow = HistoryRecord & { customerId: string };

/** What the history read needs of the catalog the pipeline runs with (a preview's draft included). */
export type HistoryWindow = { now: Date; actions: readonly Pick<ActionDefinition, "key" | "cooldownDays">[] };

/**
 * The chunk's suggestion history as far as the pipeline can tell rows apart
 * (lib/engine/pipeline.ts decideChunk): every open suggestion; everything
 * created in the last 7 days (the weekly contact cap counts them); control
 * suggestions within the attribution window (they hold the customer's slot);
 * and, per customer and action, only the latest closed one, if it is still
 * within that action's cool-down (an older one cannot block what the latest
 * does not). On the large data set that is about a fifth of the rows the
 * longest cool-down reaches; tests/integration/history-window.test.ts checks
 * that decisions over it equal decisions over every row.
 *
 * Reads Recommendation_customer_history_idx (index-only: keep the columns read
 * here in that index). `withExpiry` also reads expiresAt (a heap fetch), for a
 * preview that cannot expire lapsed suggestions in the database first.
 */
export async function loadHistory(client: Client, customerIds: string[], window: HistoryWindow, opts: { withExpiry?: boolean } = {}): Promise<HistoryRow[]> {
  const { now, actions } = window;
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
  const holdSince = new Date(now.getTime() - ATTRIBUTION_WINDOW_DAYS * DAY_MS);
  const expiry = opts.withExpiry ? Prisma.sql`, r."expiresAt"` : Prisma.empty;
  // Each row is pinned (open, this week's, a control in the attribution window:
  // the pipeline reads all of those) or cooling (within its action's own
  // cool-down). Only the latest cooling row per customer and action matters,
  // and the latest row of a pair is cooling or none of the pair's rows is, so
  // only pinned and cooling rows are ranked (not every row the longest
  // cool-down, the birthday note's 300 days, reaches).
  // The customers' rows are read in a subquery the planner keeps (OFFSET 0):
  // left to combine that filter with the pinned-or-cooling test, it tried
  // bitmap-OR paths over the table's 14 indexes and took 4-8 ms to plan a
  // one-customer read (an event's re-score) that runs in 0.2 ms; now 0.6 ms.
  // A chunk's read takes as long either way (EXPLAIN ANALYZE, 5,000 customers).
  return readRows<HistoryRow>(
    client,
    Prisma.sql`
    SELECT r.id, r."customerId", r."actionKey", r."createdAt", r.status::text AS status, r."decidedAt", r."isControl", r.score ${expiry}
    FROM (
      SELECT r.id, r."customerId", a.key AS "actionKey", r."createdAt", r.status, r."decidedAt", r."isControl", r.score ${expiry}, f.pinned, f.cooling,
             row_number() OVER (PARTITION BY r."customerId", r."actionTypeId" ORDER BY GREATEST(r."createdAt", r."decidedAt") DESC, r.id) AS latest
      FROM (SELECT r.id, r."customerId", r."actionTypeId", r."createdAt", r.status, r."decidedAt", r."isControl", r.score ${expiry}
              FROM "Recommendation" r WHERE r."customerId" = ANY(${customerIds}::uuid[]) OFFSET 0) r
      JOIN "ActionType" a ON a.id = r."actionTypeId"
      LEFT JOIN unnest(${actions.map((x) => x.key)}::text[], ${actions.map((x) => x.cooldownDays)}::int[]) AS cd(key, days) ON cd.key = a.key
      CROSS JOIN LATERAL (
        SELECT r.status IN ${OPEN_SQL} OR r."createdAt" > ${weekAgo} OR (r."isControl" AND r."createdAt" > ${holdSince}) AS pinned,
               COALESCE(GREATEST(r."createdAt", r."decidedAt") > ${now}::timestamp(3) - make_interval(days => cd.days), false) AS cooling
      ) f
      WHERE f.pinned OR f.cooling
    ) r
    WHERE r.pinned OR (r.latest = 1 AND r.cooling)`,
  );
}

/** Advisory-lock namespace of the per-rep allocation lock ("NU"). */
const REP_ALLOCATION_LOCK = 0x4e55;

/**
 * Takes a transaction-scoped advisory lock per rep, in a fixed order (so two
 * runs never deadlock on them): counting a rep's open suggestions and
 * inserting new ones is then one step per rep, and concurrent re-scores
 * cannot both take the last slot of the daily cap. Released at commit or
 * rollback; a no-op outside a transaction.
 */
export async function lockRepsForAllocation(client: Client, repIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(repIds)].sort();
  if (ids.length === 0) return;
  await client.$executeRaw`
    SELECT pg_advisory_xact_lock(${REP_ALLOCATION_LOCK}::int, hashtext(rep)) FROM (SELECT unnest(${ids}::text[]) AS rep ORDER BY 1) AS reps`;
}

/**
 * What the daily cap counts per rep: visible suggestions delivered today
 * (created since the start of `now`'s UTC day, whatever became of them) plus
 * those still open from earlier days. So a rep who clears the queue does not
 * get another full queue the same day. Every rep's, or only the given reps'
 * (a re-score counts under its reps' locks, so this must be quick).
 */
export async function openVisibleByRep(client: Client, now: Date, repIds?: string[]): Promise<Map<string, number>> {
  if (repIds?.length === 0) return new Map(); // a re-score with nothing to allocate
  const dayStart = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const reps = repIds ? Prisma.sql`AND "repId" = ANY(${repIds}::uuid[])` : Prisma.empty;
  // Two index-friendly halves (open by rep and status; today's by createdAt), UNION removing the overlap.
  const rows = await client.$queryRaw<{ repId: string; n: number }[]>`
    SELECT "repId", COUNT(*)::int AS n FROM (
      SELECT id, "repId" FROM "Recommendation" WHERE NOT "isControl" AND status IN ${OPEN_SQL} AND "expiresAt" > ${now} ${reps}
      UNION
      SELECT id, "repId" FROM "Recommendation" WHERE NOT "isControl" AND "createdAt" >= ${dayStart} AND "createdAt" <= ${now} ${reps}
    ) delivered
    GROUP BY "repId"`;
  return new Map(rows.map((r) => [r.repId, r.n]));
}

// Expiry and withdrawal are not a rep's decision, so decidedAt is left as it
// was (an accepted-then-expired suggestion keeps its acceptance time).

/** Expires open suggestions past their time (all, or the given customers'). */
export async function expireLapsed(client: Client, now: Date, customerIds?: string[]): Promise<number> {
  return client.$executeRaw`
    UPDATE "Recommendation" SET status = ${EXPIRED}
    WHERE status IN ${OPEN_SQL} AND "expiresAt" <= ${now}
      AND (${customerIds ?? null}::uuid[] IS NULL OR "customerId" = ANY(${customerIds ?? null}::uuid[]))`;
}

/** Withdraws pending suggestions by id (those a rep has acted on in the meantime are left alone). */
export async function withdrawPending(client: Client, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return client.$executeRaw`
    UPDATE "Recommendation" SET status = ${EXPIRED}
    WHERE id = ANY(${ids}::uuid[]) AND status = ${PENDING}`;
}

/** A UUID derived from a seed and the row's identity, so seeded batches are reproducible. */
function seededUuid(seed: string, c: Candidate, now: Date): string {
  const h = createHash("sha256").update(`${seed}|${c.customerId}|${c.actionId}|${now.toISOString()}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Inserts suggestions; the partial unique index silently keeps one open per customer and action. */
export async function insertSuggestions(client: Client, rows: (Candidate & { log?: DecisionLog })[], now: Date, seed: string | undefined): Promise<number> {
  if (rows.length === 0) return 0;
  const nowIso = now.toISOString();
  return client.$executeRaw`
    INSERT INTO "Recommendation" (id, "customerId", "actionTypeId", "actionTypeVersion", "repId", score, propensity, "expectedValue",
                                  message, reasons, "isControl", "modelVersion", "createdAt", "expiresAt", "pickProbability", candidates, "featureKey")
    SELECT COALESCE(id, gen_random_uuid()), c, a, v, r, s, p, ev, m, reasons::jsonb, ctl, mv, ${nowIso}::timestamp(3), exp::timestamp(3), pp, cands::jsonb, fk
    FROM unnest(${rows.map((x) => (seed ? seededUuid(seed, x, now) : null))}::uuid[], ${rows.map((x) => x.customerId)}::uuid[], ${rows.map((x) => x.actionId)}::uuid[], ${rows.map((x) => x.version)}::int[],
                ${rows.map((x) => x.repId)}::uuid[], ${rows.map((x) => x.score)}::float8[], ${rows.map((x) => x.propensity)}::float8[],
                ${rows.map((x) => Math.round(x.expectedValue * 100) / 100)}::float8[], ${rows.map((x) => x.message)}::text[],
                ${rows.map((x) => JSON.stringify(x.reasons))}::text[], ${rows.map((x) => x.isControl)}::bool[],
                ${rows.map((x) => x.modelVersion)}::text[], ${rows.map((x) => x.expiresAt.toISOString())}::text[],
                ${rows.map((x) => x.log?.pickProbability ?? null)}::float8[], ${rows.map((x) => (x.log ? JSON.stringify(x.log.candidates) : null))}::text[],
                ${rows.map((x) => x.featureKey)}::text[])
         AS t(id, c, a, v, r, s, p, ev, m, reasons, ctl, mv, exp, pp, cands, fk)
    ON CONFLICT ("customerId", "actionTypeId") WHERE status IN ${OPEN_SQL} DO NOTHING`;
}

/** The saved version and prior of an action (for a preview's draft). */
export async function actionPriorAndVersion(id: string): Promise<{ key: string; version: number; priorAlpha: number; priorBeta: number } | null> {
  return db().actionType.findUnique({ where: { id }, select: { key: true, version: true, priorAlpha: true, priorBeta: true } });
}

/** How many customers the pipeline runs over (owned by active reps): the denominator of a run's progress. */
/** Active reps with the number of customers each owns (the batch's work, split by rep so each rep's daily cap is allocated in one piece), in id order. */
export async function repWorkload(client: Client = db()): Promise<{ repId: string; customers: number }[]> {
  return client.$queryRaw<{ repId: string; customers: number }[]>`
    SELECT u.id AS "repId", COUNT(c.id)::int AS customers
    FROM "User" u JOIN "Customer" c ON c."ownerId" = u.id AND c."erasedAt" IS NULL
    WHERE u.active AND u.role = 'REP'
    GROUP BY u.id ORDER BY u.id`;
}

export async function countDecisionCustomers(client: Client = db()): Promise<number> {
  const [row] = await client.$queryRaw<{ n: number }[]>`
    SELECT COUNT(*)::int AS n FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.active AND u.role = 'REP'`;
  return row?.n ?? 0;
}

/** A resolved, shown suggestion with what was logged when it was made: the off-policy evaluation's data. */
export interface LoggedDecisionRow {
  actionKey: string;
  pickProbability: number;
  candidates: unknown;
  accepted: boolean;
}

/** The newest resolved shown suggestions created in [since, now] that carry a decision log (at most `limit`). */
export async function loadLoggedDecisions(client: Client, since: Date, now: Date, limit: number): Promise<LoggedDecisionRow[]> {
  return client.$queryRaw<LoggedDecisionRow[]>`
    SELECT a.key AS "actionKey", r."pickProbability", r.candidates, r.status IN ${ACTED_ON_SQL} AS accepted
    FROM "Recommendation" r JOIN "ActionType" a ON a.id = r."actionTypeId"
    WHERE r."createdAt" >= ${since} AND r."createdAt" <= ${now} AND r."pickProbability" > 0 AND ${resolvedSql("r")}
    ORDER BY r."createdAt" DESC LIMIT ${limit}`;
}
