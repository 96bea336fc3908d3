import "server-only";
import { db } from "./db";
import { loadActionDefinitions, loadEventAggregates, loadStats } from "./generation";
import {
  OPEN_STATUSES,
  buildQueues,
  consentBlock,
  deriveSignalsFromAggregates,
  evaluateActions,
  evaluateRule,
  holdoutPeriod,
  inferUrgencySignal,
  modelVersion as makeModelVersion,
  seededRng,
  statsFingerprint,
  type ActionDefinition,
  type Candidate,
  type EngineCustomer,
  type EventAggregates,
  type HistoryEntry,
  type RecommendationStatus,
  type Signals,
  type SkipCode,
} from "@/lib/engine";
import type { PreviewActionTypeInput } from "@/lib/validation/catalog";

// "What would this action do if I saved it now?" Runs the batch's own steps
// (signals, consent, rule, cool-down, scoring, per-customer choice, per-rep
// caps, weekly contact cap, holdout) with the draft in place of the saved
// action, reading only. Mirrors lib/data/generation.ts's pipeline; the
// decisions themselves are the engine's.

const DAY_MS = 86_400_000;
const CHUNK = 5000;
const EMPTY_AGG: EventAggregates = { lastContactAt: null, lastPurchaseAt: null, ordersLast90d: 0, spendLast90d: 0, openTickets: 0, webVisitsLast7d: 0, emailClicksLast30d: 0 };

export type PreviewMiss = "OUTRANKED" | "HAS_OPEN_SUGGESTION" | "REP_DAILY_CAP" | "WEEKLY_CONTACT_CAP";

export interface PreviewSample {
  customerId: string;
  customerName: string;
  repName: string;
  segment: string;
  score: number;
  expectedValue: number;
  message: string;
  reasons: { code: string; text: string }[];
  isControl: boolean;
}

export interface PreviewResult {
  customers: number;
  /** The rule holds for them now. */
  ruleMatches: number;
  /** Rule holds, consent allows, not in cool-down: a candidate now. */
  eligible: number;
  /** Would get this action in the next batch (shown + control group). */
  wouldGet: number;
  wouldGetShown: number;
  wouldGetControl: number;
  /** Why rule-matching customers are not eligible, by engine skip code. */
  blocked: Partial<Record<SkipCode, number>>;
  /** Why eligible customers would not get it. */
  missed: Record<PreviewMiss, number>;
  sample: PreviewSample[];
  /** Eligible customers who would not get it, with the reason. */
  missedSample: { customerName: string; repName: string; reason: string }[];
  ms: number;
}

interface PreviewCustomer extends EngineCustomer {
  ownerName: string;
}

async function loadCustomers(afterId: string | null, limit: number): Promise<PreviewCustomer[]> {
  const rows = await db().$queryRaw<
    (Omit<PreviewCustomer, "lifetimeValue"> & { lifetimeValue: string })[]
  >`SELECT c.id, c."ownerId", u.name AS "ownerName", c.name, c.company, c.segment, c.birthday, c."renewalDate",
           c."lifetimeValue"::text AS "lifetimeValue", c."createdAt", c."doNotContact", c."marketingOptOut"
    FROM "Customer" c JOIN "User" u ON u.id = c."ownerId"
    WHERE u.active AND u.role = 'REP' AND (${afterId}::uuid IS NULL OR c.id > ${afterId}::uuid)
    ORDER BY c.id LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, lifetimeValue: Number(r.lifetimeValue) }));
}

interface HistoryRow extends HistoryEntry {
  id: string;
  customerId: string;
  isControl: boolean;
  expiresAt: Date;
}

async function loadHistory(customerIds: string[], since: Date): Promise<HistoryRow[]> {
  return db().$queryRaw<HistoryRow[]>`
    SELECT r.id, r."customerId", a.key AS "actionKey", r."createdAt", r.status::text AS status, r."decidedAt", r."isControl", r."expiresAt"
    FROM "Recommendation" r JOIN "ActionType" a ON a.id = r."actionTypeId"
    WHERE r."customerId" = ANY(${customerIds}::uuid[])
      AND (r.status IN ('PENDING', 'ACCEPTED', 'SNOOZED') OR r."createdAt" > ${since} OR r."decidedAt" > ${since})`;
}

async function openVisibleByRep(now: Date): Promise<Map<string, number>> {
  const rows = await db().$queryRaw<{ repId: string; n: number }[]>`
    SELECT "repId", COUNT(*)::int AS n FROM "Recommendation"
    WHERE NOT "isControl" AND status IN ('PENDING', 'ACCEPTED', 'SNOOZED') AND "expiresAt" > ${now}
    GROUP BY "repId"`;
  return new Map(rows.map((r) => [r.repId, r.n]));
}

/** The draft as the engine's ActionDefinition, standing in for the saved action (if any). */
async function draftDefinition(input: PreviewActionTypeInput): Promise<ActionDefinition> {
  const saved = input.id
    ? await db().actionType.findUnique({ where: { id: input.id }, select: { key: true, version: true, priorAlpha: true, priorBeta: true } })
    : null;
  return {
    id: input.id ?? "00000000-0000-0000-0000-000000000000",
    // A new action has no history; a key no real action uses keeps the cool-down check honest.
    key: saved?.key ?? `__preview__${input.key ?? ""}`,
    name: input.name,
    category: input.category,
    messageTemplate: input.messageTemplate,
    rule: input.rule,
    businessValue: input.businessValue,
    lever: input.lever,
    cooldownDays: input.cooldownDays,
    expiresAfterDays: input.expiresAfterDays,
    controlGroupPct: input.controlGroupPct,
    prior: { alpha: saved?.priorAlpha ?? 2, beta: saved?.priorBeta ?? 8 },
    exploration: input.exploration,
    version: (saved?.version ?? 0) + 1,
    urgencySignal: inferUrgencySignal(input.rule),
    active: true,
  };
}

const MISS_TEXT: Record<Exclude<PreviewMiss, "OUTRANKED">, string> = {
  HAS_OPEN_SUGGESTION: "Already has an open suggestion; the batch leaves it alone",
  REP_DAILY_CAP: "The rep's queue is full for today",
  WEEKLY_CONTACT_CAP: "Already contacted as often as the weekly limit allows",
};

/** Computes the preview for a draft; writes nothing. */
export async function previewActionType(input: PreviewActionTypeInput, opts: { now?: Date; sampleSize?: number } = {}): Promise<PreviewResult> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const sampleSize = opts.sampleSize ?? 8;
  const draft = await draftDefinition(input);
  const [saved, stats, openByRep] = await Promise.all([loadActionDefinitions(), loadStats(undefined, now), openVisibleByRep(now)]);
  const actions = [...saved.filter((a) => a.id !== draft.id), draft];
  const byKey = new Map(actions.map((a) => [a.key, a]));
  const version = makeModelVersion(now, statsFingerprint(stats));
  const period = holdoutPeriod(now);
  const rng = seededRng(`preview:${version}`);
  const since = new Date(now.getTime() - Math.max(7, ...actions.map((a) => a.cooldownDays)) * DAY_MS);
  const weekAgo = now.getTime() - 7 * DAY_MS;

  const result: PreviewResult = {
    customers: 0,
    ruleMatches: 0,
    eligible: 0,
    wouldGet: 0,
    wouldGetShown: 0,
    wouldGetControl: 0,
    blocked: {},
    missed: { OUTRANKED: 0, HAS_OPEN_SUGGESTION: 0, REP_DAILY_CAP: 0, WEEKLY_CONTACT_CAP: 0 },
    sample: [],
    missedSample: [],
    ms: 0,
  };
  const candidatesByCustomer = new Map<string, Candidate[]>();
  const contactsThisWeek = new Map<string, number>();
  const people = new Map<string, { name: string; repName: string; segment: string }>();
  const eligibleIds: string[] = [];
  const missReason = new Map<string, string>();

  let afterId: string | null = null;
  for (;;) {
    const customers = await loadCustomers(afterId, CHUNK);
    if (customers.length === 0) break;
    afterId = customers[customers.length - 1]!.id;
    result.customers += customers.length;
    const ids = customers.map((c) => c.id);
    const [aggs, history] = await Promise.all([loadEventAggregates(db(), ids, now), loadHistory(ids, since)]);
    const historyBy = new Map<string, HistoryRow[]>();
    for (const h of history) historyBy.set(h.customerId, [...(historyBy.get(h.customerId) ?? []), h]);

    for (const customer of customers) {
      const signals: Signals = deriveSignalsFromAggregates(customer, aggs.get(customer.id) ?? EMPTY_AGG, now);
      // As the batch would see it: expired by time, or withdrawn because no longer eligible.
      const mine = (historyBy.get(customer.id) ?? []).map((h) => {
        const open = OPEN_STATUSES.includes(h.status);
        const action = byKey.get(h.actionKey);
        const lapsed = open && h.expiresAt <= now;
        const stale =
          h.status === "PENDING" && !h.isControl && (!action || consentBlock(customer, action.category) !== null || !evaluateRule(action.rule, signals));
        return lapsed || stale ? { ...h, status: "EXPIRED" as RecommendationStatus, decidedAt: now } : h;
      });
      const recent = mine.filter((h) => h.createdAt.getTime() > weekAgo).length;
      if (recent) contactsThisWeek.set(customer.id, recent);

      if (evaluateRule(draft.rule, signals)) result.ruleMatches++;
      const { candidates, skipped } = evaluateActions({ customer, signals, actions, history: mine, stats, now, rng, period, modelVersion: version, explore: false });
      const skip = skipped.find((s) => s.actionId === draft.id);
      if (skip && skip.code !== "INELIGIBLE") result.blocked[skip.code] = (result.blocked[skip.code] ?? 0) + 1;
      const mineCandidate = candidates.find((c) => c.actionId === draft.id);
      if (!mineCandidate) continue;
      result.eligible++;
      eligibleIds.push(customer.id);
      people.set(customer.id, { name: customer.name, repName: customer.ownerName, segment: customer.segment });

      const hasOpen = mine.some((h) => !h.isControl && OPEN_STATUSES.includes(h.status));
      const best = candidates[0]!;
      if (hasOpen) {
        result.missed.HAS_OPEN_SUGGESTION++;
        missReason.set(customer.id, MISS_TEXT.HAS_OPEN_SUGGESTION);
      } else if (best.actionId !== draft.id) {
        result.missed.OUTRANKED++;
        missReason.set(customer.id, `"${best.actionName}" ranks higher (score ${best.score.toFixed(0)} vs ${mineCandidate.score.toFixed(0)})`);
      }
      if (!hasOpen) candidatesByCustomer.set(customer.id, [best]);
    }
  }

  const queues = buildQueues(candidatesByCustomer, { contactsThisWeek, openByRep });
  const winners: Candidate[] = [];
  for (const q of queues.values()) {
    for (const c of [...q.visible, ...q.control]) if (c.actionId === draft.id) winners.push(c);
    for (const d of q.dropped) {
      if (d.candidate.actionId !== draft.id) continue;
      result.missed[d.code]++;
      missReason.set(d.candidate.customerId, MISS_TEXT[d.code]);
    }
  }
  winners.sort((a, b) => Number(a.isControl) - Number(b.isControl) || b.score - a.score);
  result.wouldGet = winners.length;
  result.wouldGetControl = winners.filter((w) => w.isControl).length;
  result.wouldGetShown = result.wouldGet - result.wouldGetControl;
  result.sample = winners.slice(0, sampleSize).map((c) => {
    const p = people.get(c.customerId)!;
    return {
      customerId: c.customerId,
      customerName: p.name,
      repName: p.repName,
      segment: p.segment,
      score: c.score,
      expectedValue: c.expectedValue,
      message: c.message,
      reasons: c.reasons.map((r) => ({ code: r.code, text: r.text })),
      isControl: c.isControl,
    };
  });
  result.missedSample = eligibleIds
    .filter((id) => missReason.has(id))
    .slice(0, 5)
    .map((id) => ({ customerName: people.get(id)!.name, repName: people.get(id)!.repName, reason: missReason.get(id)! }));
  result.ms = Math.round(performance.now() - t0);
  return result;
}

export interface TemplateSample {
  customer: Pick<EngineCustomer, "name" | "company" | "segment" | "birthday" | "renewalDate" | "lifetimeValue">;
  signals: Signals;
}

/** A real customer (with a birthday, renewal date and company, when one exists) and their signals now, for the template preview. */
export async function templateSample(now = new Date()): Promise<TemplateSample | null> {
  const select = {
    id: true,
    ownerId: true,
    name: true,
    company: true,
    segment: true,
    birthday: true,
    renewalDate: true,
    lifetimeValue: true,
    createdAt: true,
    doNotContact: true,
    marketingOptOut: true,
  } as const;
  const row =
    (await db().customer.findFirst({ where: { birthday: { not: null }, renewalDate: { not: null }, company: { not: null } }, orderBy: { externalId: "asc" }, select })) ??
    (await db().customer.findFirst({ orderBy: { externalId: "asc" }, select }));
  if (!row) return null;
  const customer: EngineCustomer = { ...row, lifetimeValue: Number(row.lifetimeValue) };
  const aggs = await loadEventAggregates(db(), [row.id], now);
  const signals = deriveSignalsFromAggregates(customer, aggs.get(row.id) ?? EMPTY_AGG, now);
  const { name, company, segment, birthday, renewalDate, lifetimeValue } = customer;
  return { customer: { name, company, segment, birthday, renewalDate, lifetimeValue }, signals };
}
