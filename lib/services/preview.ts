import "server-only";
import { db } from "@/lib/data/db";
import { ensureDraw, loadProgramSettings } from "@/lib/data/holdout";
import { offPolicyEstimate, type LoggedDecision, type OffPolicyEstimate } from "@/lib/metrics/off-policy";
import { actionPriorAndVersion, loadLoggedDecisions, type Client, countDecisionCustomers, EMPTY_AGGREGATES, loadActionDefinitions, loadCustomerChunk, loadEventAggregates, openVisibleByRep } from "@/lib/data/decisions";
import { decideInSlices, loadPipelineChunk, scoringModel } from "./generation";
import { Yielder, type JobContext } from "./jobs";
import {
  allocate,
  deriveSignalsFromAggregates,
  evaluateRule,
  holdoutPeriod,
  inferUrgencySignal,
  loggedCandidatesSchema,
  replayPick,
  seededRng,
  type ActionDefinition,
  type Candidate,
  type CustomerOutcome,
  type EngineCustomer,
  type Signals,
  type SkipCode,
  FULL_CONSENT,
} from "@/lib/engine";
import type { PreviewActionTypeInput } from "@/lib/validation/catalog";

// "What would this action do if I saved it now?" The batch's own pipeline
// (lib/engine/pipeline.ts) with the draft in place of the saved action, read
// only: lapsed and no-longer-valid suggestions are closed in memory, nothing
// is written.

const DAY_MS = 86_400_000;
// Smaller reads than the batch's 5,000: parsing a chunk's rows is work the event loop cannot
// interleave, and a preview shares the server with people's requests.
const CHUNK = 1000;

export type PreviewMiss = "OUTRANKED" | "HAS_OPEN_SUGGESTION" | "GLOBAL_HOLDOUT" | "ACTION_HOLDOUT" | "REP_DAILY_CAP" | "WEEKLY_CONTACT_CAP";

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
  /** The draft's estimated acceptance on logged decisions (off-policy); null when nothing is logged. */
  offPolicy: OffPolicyPreview | null;
  ms: number;
}

export interface OffPolicyPreview {
  /** Logged decisions read (last LOG_DAYS days, resolved, shown). */
  logged: number;
  /** Their observed acceptance: the current policy's. */
  loggedAcceptance: number;
  /** SNIPS estimate of the draft's acceptance on the same decisions. */
  estimate: OffPolicyEstimate;
  /** Logged decisions in which the draft's action was a candidate. */
  draftCandidate: number;
  note: string;
}

/** Off-policy estimates read the decisions of this many days, at most LOG_LIMIT of them. */
export const LOG_DAYS = 90;
const LOG_LIMIT = 50_000;

/**
 * Estimates the draft catalog's acceptance rate on decisions logged under the
 * live policy: each decision is replayed with the draft's value, lever and
 * on/off (lib/engine/replay.ts), and weighted by the probability the live
 * policy had of making it (SNIPS, lib/metrics/off-policy.ts). An estimate,
 * not a measurement; a new action never appears in the logs, so it cannot be
 * estimated this way.
 */
export async function offPolicyPreview(draft: Pick<ActionDefinition, "key" | "businessValue" | "lever" | "active">, now: Date, isNew: boolean, client: Client = db()): Promise<OffPolicyPreview | null> {
  const rows = await loadLoggedDecisions(client, new Date(now.getTime() - LOG_DAYS * DAY_MS), now, LOG_LIMIT);
  const log: LoggedDecision[] = [];
  let accepted = 0;
  let draftCandidate = 0;
  for (const r of rows) {
    const parsed = loggedCandidatesSchema.safeParse(r.candidates);
    if (!parsed.success) continue;
    if (parsed.data.some((c) => c.actionKey === draft.key)) draftCandidate++;
    const pick = replayPick(parsed.data, { actionKey: draft.key, businessValue: draft.businessValue, lever: draft.lever, active: draft.active !== false });
    const reward = r.accepted ? 1 : 0;
    accepted += reward;
    log.push({ reward, loggingProbability: r.pickProbability, targetProbability: pick === r.actionKey ? 1 : 0 });
  }
  if (log.length === 0) return null;
  const estimate = offPolicyEstimate(log);
  const note = isNew
    ? "A new action has never been suggested, so past decisions cannot say how it would do; the estimate is the rest of the catalog's."
    : "Estimated from past decisions: changes to value, lever or on/off are replayed; a changed rule is not (eligibility stays as it was logged).";
  return { logged: log.length, loggedAcceptance: accepted / log.length, estimate, draftCandidate, note };
}

/** The draft as the engine's ActionDefinition, standing in for the saved action (if any). */
async function draftDefinition(input: PreviewActionTypeInput): Promise<ActionDefinition> {
  const saved = input.id ? await actionPriorAndVersion(input.id) : null;
  return {
    id: input.id ?? "00000000-0000-0000-0000-000000000000",
    // A new action has no history; a key no real action uses keeps the cool-down check honest.
    key: saved?.key ?? `__preview__${input.key ?? ""}`,
    name: input.name,
    category: input.category,
    purpose: input.purpose,
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

/** Computes the preview for a draft; writes nothing. */
export async function previewActionType(
  input: PreviewActionTypeInput,
  opts: { now?: Date; sampleSize?: number; job?: Pick<JobContext, "signal" | "progress"> } = {},
): Promise<PreviewResult> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const sampleSize = opts.sampleSize ?? 8;
  const client = db();
  const draft = await draftDefinition(input);
  const yielder = new Yielder(opts.job?.signal, { background: opts.job !== undefined });
  opts.job?.progress(0, "Reading the catalog and learning statistics");
  const settings = await loadProgramSettings(client);
  const [saved, { stats, version }, openByRep, total, draw] = await Promise.all([
    loadActionDefinitions(client),
    scoringModel(client, now, false, settings.learningHalfLifeDays),
    openVisibleByRep(client, now),
    countDecisionCustomers(client),
    // The draw the next batch will use (made now if none is running, as the batch would).
    ensureDraw(client, now),
  ]);
  const actions = [...saved.filter((a) => a.id !== draft.id), draft];
  const base = { actions, stats, now, rng: seededRng(`preview:${version}`), period: holdoutPeriod(now), modelVersion: version, mode: "batch" as const, explore: false };

  const result: PreviewResult = {
    customers: 0,
    ruleMatches: 0,
    eligible: 0,
    wouldGet: 0,
    wouldGetShown: 0,
    wouldGetControl: 0,
    blocked: {},
    missed: { OUTRANKED: 0, HAS_OPEN_SUGGESTION: 0, GLOBAL_HOLDOUT: 0, ACTION_HOLDOUT: 0, REP_DAILY_CAP: 0, WEEKLY_CONTACT_CAP: 0 },
    sample: [],
    missedSample: [],
    offPolicy: null,
    ms: 0,
  };
  const outcomes: CustomerOutcome[] = [];
  const people = new Map<string, { name: string; repName: string; segment: string }>();
  const eligibleIds: string[] = [];
  const missReason = new Map<string, string>();

  let afterId: string | null = null;
  for (;;) {
    const rows = await loadCustomerChunk(client, { afterId, limit: CHUNK }, { now, drawId: draw.id });
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]!.customer.id;
    result.customers += rows.length;
    const inputs = await loadPipelineChunk(client, rows, { now, actions }, { withExpiry: true, draw });
    await yielder.tick();
    for (const c of inputs) if (evaluateRule(draft.rule, c.signals)) result.ruleMatches++;
    const chunk = await decideInSlices({ ...base, customers: inputs }, yielder);
    chunk.outcomes.forEach((o, i) => {
      const customer = inputs[i]!.customer;
      const skip = o.evaluation.skipped.find((s) => s.actionId === draft.id);
      if (skip && skip.code !== "INELIGIBLE") result.blocked[skip.code] = (result.blocked[skip.code] ?? 0) + 1;
      const mine = o.evaluation.candidates.find((c) => c.actionId === draft.id);
      if (!mine) return;
      result.eligible++;
      eligibleIds.push(customer.id);
      people.set(customer.id, { name: customer.name, repName: customer.ownerName, segment: customer.segment });
      const d = o.decision;
      if (d.kind === "keep") {
        result.missed.HAS_OPEN_SUGGESTION++;
        missReason.set(customer.id, d.text);
      } else if (d.kind === "held") {
        result.missed[d.code]++;
        missReason.set(customer.id, d.text);
      } else if (d.kind === "propose" && d.candidate.actionId !== draft.id) {
        result.missed.OUTRANKED++;
        missReason.set(customer.id, `"${d.candidate.actionName}" ranks higher (score ${d.candidate.score.toFixed(0)} vs ${mine.score.toFixed(0)})`);
      }
    });
    for (const o of chunk.outcomes) outcomes.push(o);
    opts.job?.progress(total > 0 ? (0.95 * result.customers) / total : 0.95, `Scored ${result.customers.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} customers`);
    if (rows.length < CHUNK) break;
  }
  await yielder.check();

  const allocation = allocate(outcomes, { openByRep });
  const winners = [...allocation.create, ...allocation.control].filter((c) => c.actionId === draft.id);
  for (const h of allocation.heldBack) {
    if (h.candidate.actionId !== draft.id) continue;
    result.missed[h.code]++;
    missReason.set(h.candidate.customerId, h.text);
  }
  winners.sort((a, b) => Number(a.isControl) - Number(b.isControl) || b.score - a.score);
  result.wouldGet = winners.length;
  result.wouldGetControl = winners.filter((w) => w.isControl).length;
  result.wouldGetShown = result.wouldGet - result.wouldGetControl;
  // Only the sample shown is explained.
  const explainOf = new Map<string, () => Candidate>();
  for (const o of outcomes) if (o.decision.kind === "propose" && o.decision.candidate.actionId === draft.id) explainOf.set(o.customerId, o.decision.explain);
  result.sample = winners.slice(0, sampleSize).map((w) => {
    const c = explainOf.get(w.customerId)!();
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
  opts.job?.progress(0.97, "Estimating acceptance on past decisions");
  result.offPolicy = await offPolicyPreview(draft, now, !input.id);
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
  } as const;
  const row =
    (await db().customer.findFirst({ where: { birthday: { not: null }, renewalDate: { not: null }, company: { not: null } }, orderBy: { externalId: "asc" }, select })) ??
    (await db().customer.findFirst({ orderBy: { externalId: "asc" }, select }));
  if (!row) return null;
  const customer: EngineCustomer = { ...row, lifetimeValue: Number(row.lifetimeValue), consent: FULL_CONSENT };
  const aggs = await loadEventAggregates(db(), [row.id], now);
  const signals = deriveSignalsFromAggregates(customer, aggs.get(row.id) ?? EMPTY_AGGREGATES, now);
  const { name, company, segment, birthday, renewalDate, lifetimeValue } = customer;
  return { customer: { name, company, segment, birthday, renewalDate, lifetimeValue }, signals };
}
