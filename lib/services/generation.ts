import "server-only";
import { createHash } from "node:crypto";
import { databaseMode, statsMaxAgeMs } from "@/lib/config/env";
import { db, type Db } from "@/lib/data/db";
import { Prisma } from "@/lib/generated/prisma/client";
import {
  buildQueues,
  buildStatsTable,
  consentBlock,
  decideForCustomer,
  deriveSignalsFromAggregates,
  evaluateRule,
  holdoutPeriod,
  inferUrgencySignal,
  modelVersion as makeModelVersion,
  parseRule,
  seededRng,
  statsFingerprint,
  type ActionDefinition,
  type Candidate,
  type EngineCustomer,
  type EventAggregates,
  type HistoryEntry,
  type RecommendationStatus,
  type StatsRow,
  type StatsTable,
} from "@/lib/engine";

// Batch and real-time generation share this module. All reads are set-based:
// per chunk of customers one query each for profiles, event aggregates and
// recommendation history; writes are one multi-row INSERT per chunk. The
// engine (lib/engine) decides; this module only moves data.

/** A Prisma client or an interactive-transaction client. */
type Client = Pick<Db, "$queryRaw" | "$executeRaw">;

/**
 * Purchases this many days after an accepted (or control) suggestion count as
 * its conversion. Fixed: the database's outcome triggers use the same window
 * (nudge_attribution_window(), migration 20261124000000_dashboard_facts; a test
 * keeps the two equal), so changing it takes a migration that recomputes them.
 */
export const ATTRIBUTION_WINDOW_DAYS = 14;
const DAY_MS = 86_400_000;
const HISTORY_FLOOR_DAYS = 7; // the weekly contact cap looks back 7 days
const REPLACE_MARGIN = 1.25; // a new action must beat a pending one by 25% to replace it

export interface GenerationOptions {
  now?: Date;
  /** Limit to these customers (real-time re-scoring); default all. */
  customerIds?: string[];
  chunkSize?: number;
  perRepDailyCap?: number;
  weeklyContactCap?: number;
  /** Seed for Thompson sampling, so a batch is reproducible. */
  seed?: string;
}

export interface GenerationResult {
  customers: number;
  candidates: number;
  created: number;
  control: number;
  expired: number;
  superseded: number;
  droppedByCap: number;
  modelVersion: string;
  ms: number;
}

// ---------- reads ----------

export async function loadActionDefinitions(client: Client = db()): Promise<ActionDefinition[]> {
  const rows = await client.$queryRaw<
    {
      id: string;
      key: string;
      name: string;
      category: ActionDefinition["category"];
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
    }[]
  >`SELECT id, key, name, category::text AS category, "messageTemplate", rule, "businessValue"::text AS "businessValue", lever,
            "cooldownDays", "expiresAfterDays", "controlGroupPct", "priorAlpha", "priorBeta", exploration, version
     FROM "ActionType" WHERE active ORDER BY key`;
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
 * Acted on: accepted or done, including an accepted suggestion that later
 * expired (only a rep's own decision sets decidedAt; undo clears it).
 */
export const ACTED_ON = Prisma.sql`(r.status IN ('ACCEPTED', 'DONE') OR (r.status = 'EXPIRED' AND r."decidedAt" IS NOT NULL))`;

/**
 * Learning data: per action and segment, how many shown suggestions were
 * resolved (trials), acted on (accepted or done) and followed by a purchase
 * within the attribution window (converted). Control-group rows are excluded.
 */
export async function loadStats(client: Client = db(), now = new Date()): Promise<StatsTable> {
  const rows = await client.$queryRaw<{ actionKey: string; segment: string; shown: number; accepted: number; converted: number }[]>`
    SELECT a.key AS "actionKey", c.segment,
           COUNT(*)::int AS shown,
           COUNT(*) FILTER (WHERE ${ACTED_ON})::int AS accepted,
           COUNT(*) FILTER (WHERE ${ACTED_ON} AND EXISTS (
             SELECT 1 FROM "CustomerEvent" e
             WHERE e."customerId" = r."customerId" AND e.type = 'PURCHASE'
               AND e."occurredAt" > COALESCE(r."decidedAt", r."createdAt")
               AND e."occurredAt" <= COALESCE(r."decidedAt", r."createdAt") + make_interval(days => ${ATTRIBUTION_WINDOW_DAYS}::int)
           ))::int AS converted
    FROM "Recommendation" r
    JOIN "ActionType" a ON a.id = r."actionTypeId"
    JOIN "Customer" c ON c.id = r."customerId"
    WHERE NOT r."isControl"
      AND r."createdAt" <= ${now}
      AND (r.status IN ('ACCEPTED', 'DONE', 'DISMISSED') OR (r.status = 'EXPIRED' AND r."shownAt" IS NOT NULL))
    GROUP BY a.key, c.segment`;
  return buildStatsTable(rows satisfies StatsRow[]);
}

interface CustomerRow extends EngineCustomer {
  lifetimeValue: number;
}

async function loadCustomerChunk(client: Client, afterId: string | null, limit: number, ids: string[] | undefined): Promise<CustomerRow[]> {
  const rows = await client.$queryRaw<
    { id: string; ownerId: string; name: string; company: string | null; segment: string; birthday: Date | null; renewalDate: Date | null; lifetimeValue: string; createdAt: Date; doNotContact: boolean; marketingOptOut: boolean }[]
  >`SELECT c.id, c."ownerId", c.name, c.company, c.segment, c.birthday, c."renewalDate", c."lifetimeValue"::text AS "lifetimeValue",
           c."createdAt", c."doNotContact", c."marketingOptOut"
    FROM "Customer" c JOIN "User" u ON u.id = c."ownerId"
    WHERE u.active AND u.role = 'REP'
      AND (${afterId}::uuid IS NULL OR c.id > ${afterId}::uuid)
      AND (${ids ?? null}::uuid[] IS NULL OR c.id = ANY(${ids ?? null}::uuid[]))
    ORDER BY c.id LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, lifetimeValue: Number(r.lifetimeValue) }));
}

const EMPTY_AGG: EventAggregates = { lastContactAt: null, lastPurchaseAt: null, ordersLast90d: 0, spendLast90d: 0, openTickets: 0, webVisitsLast7d: 0, emailClicksLast30d: 0 };

/** The same aggregates as lib/engine's aggregateEvents, computed by the database. */
export async function loadEventAggregates(client: Client, customerIds: string[], now: Date): Promise<Map<string, EventAggregates>> {
  const rows = await client.$queryRaw<
    { customerId: string; lastContactAt: Date | null; lastPurchaseAt: Date | null; orders: number; spend: string; tickets: number; visits: number; clicks: number }[]
  >`SELECT "customerId",
           MAX("occurredAt") FILTER (WHERE type IN ('MEETING', 'CALL', 'EMAIL_SENT')) AS "lastContactAt",
           MAX("occurredAt") FILTER (WHERE type = 'PURCHASE') AS "lastPurchaseAt",
           COUNT(*) FILTER (WHERE type = 'PURCHASE' AND "occurredAt" > ${new Date(now.getTime() - 90 * DAY_MS)})::int AS orders,
           COALESCE(SUM(amount) FILTER (WHERE type = 'PURCHASE' AND "occurredAt" > ${new Date(now.getTime() - 90 * DAY_MS)}), 0)::text AS spend,
           COUNT(*) FILTER (WHERE type = 'SUPPORT_TICKET' AND "occurredAt" > ${new Date(now.getTime() - 30 * DAY_MS)}
                            AND COALESCE(lower(payload->>'status'), '') <> 'closed')::int AS tickets,
           COUNT(*) FILTER (WHERE type = 'WEB_VISIT' AND "occurredAt" > ${new Date(now.getTime() - 7 * DAY_MS)})::int AS visits,
           COUNT(*) FILTER (WHERE type = 'EMAIL_CLICK' AND "occurredAt" > ${new Date(now.getTime() - 30 * DAY_MS)})::int AS clicks
    FROM "CustomerEvent"
    WHERE "customerId" = ANY(${customerIds}::uuid[]) AND "occurredAt" <= ${now}
    GROUP BY "customerId"`;
  return new Map(
    rows.map((r) => [
      r.customerId,
      {
        lastContactAt: r.lastContactAt,
        lastPurchaseAt: r.lastPurchaseAt,
        ordersLast90d: r.orders,
        spendLast90d: Math.round(Number(r.spend) * 100) / 100,
        openTickets: r.tickets,
        webVisitsLast7d: r.visits,
        emailClicksLast30d: r.clicks,
      },
    ]),
  );
}

interface HistoryRow extends HistoryEntry {
  customerId: string;
  id: string;
  isControl: boolean;
  score: number;
}

/** Index-only through Recommendation_customer_history_idx: keep the columns read here in that index. */
async function loadHistory(client: Client, customerIds: string[], since: Date): Promise<HistoryRow[]> {
  return client.$queryRaw<HistoryRow[]>`
    SELECT r.id, r."customerId", a.key AS "actionKey", r."createdAt", r.status::text AS status, r."decidedAt", r."isControl", r.score
    FROM "Recommendation" r JOIN "ActionType" a ON a.id = r."actionTypeId"
    WHERE r."customerId" = ANY(${customerIds}::uuid[])
      AND (r.status IN ('PENDING', 'ACCEPTED', 'SNOOZED') OR r."createdAt" > ${since} OR r."decidedAt" > ${since})`;
}

// ---------- writes ----------

// Expiry and withdrawal are not a rep's decision, so decidedAt is left as it
// was (an accepted-then-expired suggestion keeps its acceptance time).
async function expireStale(client: Client, now: Date, customerIds?: string[]): Promise<number> {
  return client.$executeRaw`
    UPDATE "Recommendation" SET status = 'EXPIRED'
    WHERE status IN ('PENDING', 'ACCEPTED', 'SNOOZED') AND "expiresAt" <= ${now}
      AND (${customerIds ?? null}::uuid[] IS NULL OR "customerId" = ANY(${customerIds ?? null}::uuid[]))`;
}

async function expireByIds(client: Client, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return client.$executeRaw`
    UPDATE "Recommendation" SET status = 'EXPIRED'
    WHERE id = ANY(${ids}::uuid[]) AND status = 'PENDING'`;
}

/** Inserts candidates; the partial unique index silently keeps one open per customer and action. */
/** A UUID derived from a seed and the row's identity, so seeded batches are reproducible. */
function seededUuid(seed: string, c: Candidate, now: Date): string {
  const h = createHash("sha256").update(`${seed}|${c.customerId}|${c.actionId}|${now.toISOString()}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function insertCandidates(client: Client, rows: Candidate[], now: Date, seed: string | undefined): Promise<number> {
  if (rows.length === 0) return 0;
  const nowIso = now.toISOString();
  return client.$executeRaw`
    INSERT INTO "Recommendation" (id, "customerId", "actionTypeId", "actionTypeVersion", "repId", score, propensity, "expectedValue",
                                  message, reasons, "isControl", "modelVersion", "createdAt", "expiresAt")
    SELECT COALESCE(id, gen_random_uuid()), c, a, v, r, s, p, ev, m, reasons::jsonb, ctl, mv, ${nowIso}::timestamp(3), exp::timestamp(3)
    FROM unnest(${rows.map((x) => (seed ? seededUuid(seed, x, now) : null))}::uuid[], ${rows.map((x) => x.customerId)}::uuid[], ${rows.map((x) => x.actionId)}::uuid[], ${rows.map((x) => x.version)}::int[],
                ${rows.map((x) => x.repId)}::uuid[], ${rows.map((x) => x.score)}::float8[], ${rows.map((x) => x.propensity)}::float8[],
                ${rows.map((x) => Math.round(x.expectedValue * 100) / 100)}::float8[], ${rows.map((x) => x.message)}::text[],
                ${rows.map((x) => JSON.stringify(x.reasons))}::text[], ${rows.map((x) => x.isControl)}::bool[],
                ${rows.map((x) => x.modelVersion)}::text[], ${rows.map((x) => x.expiresAt.toISOString())}::text[])
         AS t(id, c, a, v, r, s, p, ev, m, reasons, ctl, mv, exp)
    ON CONFLICT ("customerId", "actionTypeId") WHERE status IN ('PENDING', 'ACCEPTED', 'SNOOZED') DO NOTHING`;
}

async function openVisibleByRep(client: Client, now: Date): Promise<Map<string, number>> {
  const rows = await client.$queryRaw<{ repId: string; n: number }[]>`
    SELECT "repId", COUNT(*)::int AS n FROM "Recommendation"
    WHERE NOT "isControl" AND status IN ('PENDING', 'ACCEPTED', 'SNOOZED') AND "expiresAt" > ${now}
    GROUP BY "repId"`;
  return new Map(rows.map((r) => [r.repId, r.n]));
}

// Learning statistics aggregate the whole reaction history (about a second on
// a million events), so a real-time re-score reuses the last batch's or
// re-score's figures for up to STATS_MAX_AGE_SECONDS; the batch always
// recomputes. Keyed by database, so tests with several databases never mix.
const statsCache = new Map<string, { loadedAt: number; stats: StatsTable }>();
const databaseKey = () => {
  const mode = databaseMode();
  return mode.kind === "postgres" ? mode.url : `pglite:${mode.dir}`;
};

async function statsForRun(client: Client, now: Date, realTime: boolean): Promise<StatsTable> {
  const key = databaseKey();
  const cached = statsCache.get(key);
  const maxAgeMs = statsMaxAgeMs();
  if (realTime && cached && maxAgeMs > 0 && Date.now() - cached.loadedAt < maxAgeMs) return cached.stats;
  const stats = await loadStats(client, now);
  statsCache.set(key, { loadedAt: Date.now(), stats });
  return stats;
}

// ---------- the pipeline ----------

/**
 * Generates recommendations for every customer (batch) or for the given ones
 * (real-time). Expires stale suggestions, withdraws pending ones that are no
 * longer eligible (e.g. a purchase ends a win-back), then adds each customer's
 * best new action within the per-rep daily cap and the weekly contact cap.
 */
export async function generateRecommendations(opts: GenerationOptions = {}, client: Client = db()): Promise<GenerationResult> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const chunkSize = opts.chunkSize ?? 5000;
  const ids = opts.customerIds;
  const result: GenerationResult = { customers: 0, candidates: 0, created: 0, control: 0, expired: 0, superseded: 0, droppedByCap: 0, modelVersion: "", ms: 0 };
  if (ids && ids.length === 0) return result;

  result.expired = await expireStale(client, now, ids);
  const [actions, stats] = await Promise.all([loadActionDefinitions(client), statsForRun(client, now, ids !== undefined)]);
  const byKey = new Map(actions.map((a) => [a.key, a]));
  const version = makeModelVersion(now, statsFingerprint(stats));
  result.modelVersion = version;
  const period = holdoutPeriod(now);
  const rng = seededRng(opts.seed ?? `${version}:${ids?.join(",") ?? "all"}`);
  const historyDays = Math.max(HISTORY_FLOOR_DAYS, ...actions.map((a) => a.cooldownDays));
  const since = new Date(now.getTime() - historyDays * DAY_MS);
  const weekAgo = now.getTime() - 7 * DAY_MS;

  const candidatesByCustomer = new Map<string, Candidate[]>();
  const contactsThisWeek = new Map<string, number>();
  const toWithdraw: string[] = [];
  let afterId: string | null = null;

  for (;;) {
    const customers = await loadCustomerChunk(client, afterId, chunkSize, ids);
    if (customers.length === 0) break;
    afterId = customers[customers.length - 1]!.id;
    result.customers += customers.length;
    const chunkIds = customers.map((c) => c.id);
    const [aggs, history] = await Promise.all([loadEventAggregates(client, chunkIds, now), loadHistory(client, chunkIds, since)]);
    const historyBy = new Map<string, HistoryRow[]>();
    for (const h of history) {
      const list = historyBy.get(h.customerId);
      if (list) list.push(h);
      else historyBy.set(h.customerId, [h]);
    }
    for (const customer of customers) {
      const signals = deriveSignalsFromAggregates(customer, aggs.get(customer.id) ?? EMPTY_AGG, now);
      let mine = historyBy.get(customer.id) ?? [];
      // Withdraw pending suggestions that no longer hold: rule unmet or consent withdrawn.
      const stale = mine.filter((h) => {
        if (h.status !== "PENDING" || h.isControl) return false;
        const action = byKey.get(h.actionKey);
        return !action || consentBlock(customer, action.category) !== null || !evaluateRule(action.rule, signals);
      });
      if (stale.length) {
        toWithdraw.push(...stale.map((h) => h.id));
        const staleIds = new Set(stale.map((h) => h.id));
        mine = mine.map((h) => (staleIds.has(h.id) ? { ...h, status: "EXPIRED" as RecommendationStatus, decidedAt: now } : h));
      }
      const recent = mine.filter((h) => h.createdAt.getTime() > weekAgo).length;
      if (recent) contactsThisWeek.set(customer.id, recent);
      const best = decideForCustomer({ customer, signals, actions, history: mine, stats, now, rng, period, modelVersion: version });
      if (!best.length) continue;
      // One live suggestion per customer at a time. The batch leaves a customer
      // with an open one alone; a real-time re-score replaces a pending one
      // that the new best action clearly outranks.
      const open = mine.filter((h) => !h.isControl && (h.status === "PENDING" || h.status === "ACCEPTED" || h.status === "SNOOZED"));
      if (open.length) {
        const replaceable = ids ? open.filter((h) => h.status === "PENDING" && best[0]!.score > h.score * REPLACE_MARGIN) : [];
        if (!ids || replaceable.length !== open.length) continue;
        toWithdraw.push(...replaceable.map((h) => h.id));
      }
      candidatesByCustomer.set(customer.id, best);
    }
    if (ids) break;
  }

  result.superseded = await expireByIds(client, toWithdraw);
  const queues = buildQueues(candidatesByCustomer, {
    perRepDailyCap: opts.perRepDailyCap,
    weeklyContactCap: opts.weeklyContactCap,
    contactsThisWeek,
    openByRep: await openVisibleByRep(client, now),
  });
  const toInsert: Candidate[] = [];
  for (const q of queues.values()) {
    toInsert.push(...q.visible, ...q.control);
    result.control += q.control.length;
    result.droppedByCap += q.dropped.length;
  }
  result.candidates = [...candidatesByCustomer.values()].reduce((n, c) => n + c.length, 0);
  for (let i = 0; i < toInsert.length; i += chunkSize) {
    result.created += await insertCandidates(client, toInsert.slice(i, i + chunkSize), now, opts.seed);
  }
  result.ms = Math.round(performance.now() - t0);
  return result;
}
