// The one decision pipeline. Batch generation, the real-time re-score and the
// admin preview all run it; they differ only in what they load and whether
// they write. Two steps, because the caps are shared across customers:
//
//   decideChunk(...)  per customer: which open suggestions lapse or are
//                     withdrawn, whether an open one is kept, replaced, or the
//                     best candidate goes forward;
//   allocate(...)     across all customers, best score first: create (shown),
//                     put in control, or hold back by a cap.
//
// Pure: no I/O, no clock, no randomness but the rng passed in.
import {
  actionPurpose,
  buildQueues,
  evaluateActions,
  explainCandidate,
  type ActionDefinition,
  type Candidate,
  type DropCode,
  type Evaluation,
  type HistoryEntry,
  type ScoredCandidate,
} from "./arbitrate";
import { consentBlock } from "./consent";
import { DEFAULT_PICK_DRAWS, pickProbability } from "./pick-probability";
import type { EngineCustomer } from "./features";
import type { Rng, StatsTable } from "./learning";
import { evaluateRule } from "./rules";
import type { Signals } from "./signals";
import { DAY_MS } from "./time";
import { ATTRIBUTION_WINDOW_DAYS, isOpen } from "@/lib/domain/vocabulary";

/** A real-time re-score replaces a pending suggestion only if the new best action beats it by this factor. */
export const REPLACE_MARGIN = 1.25;
/** The weekly contact cap looks back this many days; history is loaded for at least this long. */
export const HISTORY_FLOOR_DAYS = 7;

/**
 * batch: a customer with an open suggestion is left alone.
 * realtime: after an event, a pending suggestion clearly outranked by the new best action is replaced.
 */
export type PipelineMode = "batch" | "realtime";

/** One of the customer's recent or open suggestions. */
export type HistoryRecord = HistoryEntry & {
  id: string;
  isControl: boolean;
  score: number;
  /** When known: an open suggestion past it counts as lapsed (the batch expires those in the database first). */
  expiresAt?: Date;
};

export type CustomerInput = {
  customer: EngineCustomer;
  signals: Signals;
  history: readonly HistoryRecord[];
  /** In the global holdout until this instant (the end of the current draw): no suggestion from any action. */
  heldOutUntil?: Date | null;
};

export type WithdrawCode = "LAPSED" | "ACTION_INACTIVE" | "CONSENT" | "RULE_UNMET" | "REPLACED" | "HOLDOUT";

/** Why a customer gets nothing now although an action is eligible: one of the two holdouts. */
export type HoldCode = "GLOBAL_HOLDOUT" | "ACTION_HOLDOUT";
export type Withdrawal = { recommendationId: string; customerId: string; code: WithdrawCode; text: string };

export type CustomerDecision =
  /**
   * The best candidate goes to allocation (replacing `replaces`, when a
   * re-score outranks them). Unexplained: `explain()` renders its reasons and
   * message, for the few the caps let through (a batch proposes for a third
   * of its customers and shows a small share of those; rendering every
   * proposal's text cost it a tenth of its CPU).
   */
  | { kind: "propose"; customerId: string; candidate: ScoredCandidate; explain: () => Candidate; replaces: string[]; text: string }
  /** An open suggestion stays; nothing new for this customer. */
  | { kind: "keep"; customerId: string; openIds: string[]; best: ScoredCandidate; text: string }
  /** No action is eligible now. */
  | { kind: "none"; customerId: string; text: string }
  /**
   * In a holdout: the global one (nothing from any action for the draw), or an
   * action's control group, which holds the customer's slot for the
   * attribution window (no other action takes its place).
   */
  | { kind: "held"; customerId: string; code: HoldCode; until: Date; text: string };

export type CustomerOutcome = {
  customerId: string;
  decision: CustomerDecision;
  /** Every action's verdict for this customer (candidates best first, and why the rest were skipped). */
  evaluation: Evaluation;
  /** The customer's history as the pipeline sees it after lapses and withdrawals. */
  history: HistoryRecord[];
  /** Suggestions (shown or control) the customer got in the last 7 days, for the weekly contact cap. */
  contactsThisWeek: number;
};

export type ChunkInput = {
  customers: readonly CustomerInput[];
  actions: readonly ActionDefinition[];
  stats: StatsTable;
  now: Date;
  rng: Rng;
  period: string;
  modelVersion: string;
  mode: PipelineMode;
  /** Thompson sampling on for actions that ask for it; off for an admin preview. Default true. */
  explore?: boolean;
  /** The cap on non-greedy picks: the share of customers ranked by Thompson draws (lib/engine/arbitrate.ts). Default 1. */
  explorationShare?: number;
};

export type ChunkDecisions = { outcomes: CustomerOutcome[]; withdrawals: Withdrawal[] };

/**
 * How far back the history must reach: the longest cool-down, at least a week
 * for the contact cap, and the attribution window (a control suggestion holds
 * the customer's slot that long).
 */
export function historyDays(actions: readonly Pick<ActionDefinition, "cooldownDays">[]): number {
  return Math.max(HISTORY_FLOOR_DAYS, ATTRIBUTION_WINDOW_DAYS, ...actions.map((a) => a.cooldownDays));
}

const dateText = (d: Date) => d.toISOString().slice(0, 10);

function withdrawalFor(h: HistoryRecord, input: CustomerInput, byKey: ReadonlyMap<string, ActionDefinition>, now: Date): Withdrawal | null {
  if (!isOpen(h.status)) return null;
  const base = { recommendationId: h.id, customerId: input.customer.id };
  if (h.expiresAt && h.expiresAt <= now) return { ...base, code: "LAPSED", text: "Its time ran out" };
  // Only pending, shown-arm suggestions are withdrawn: an accepted or snoozed one is the rep's to close.
  if (h.status !== "PENDING" || h.isControl) return null;
  if (input.heldOutUntil && input.heldOutUntil > now) return { ...base, code: "HOLDOUT", text: "The customer is in the global holdout" };
  const action = byKey.get(h.actionKey);
  if (!action) return { ...base, code: "ACTION_INACTIVE", text: "The action is switched off" };
  const consent = consentBlock(input.customer, actionPurpose(action));
  if (consent) return { ...base, code: "CONSENT", text: consent.text };
  if (!evaluateRule(action.rule, input.signals)) return { ...base, code: "RULE_UNMET", text: "No longer eligible" };
  return null;
}

/** Per-customer decisions for one chunk. */
export function decideChunk(input: ChunkInput): ChunkDecisions {
  const { actions, stats, now, rng, period, modelVersion, mode } = input;
  const byKey = new Map(actions.map((a) => [a.key, a]));
  const weekAgo = now.getTime() - 7 * DAY_MS;
  const outcomes: CustomerOutcome[] = [];
  const withdrawals: Withdrawal[] = [];

  for (const c of input.customers) {
    const customerId = c.customer.id;
    // Lapsed and no-longer-valid suggestions close first. A lapse is what the
    // database's expiry does (status only; a cool-down runs from creation as
    // before). A withdrawal also counts as handled today, so the same action is
    // not proposed again in the same run. (No copies when nothing closes: most
    // customers of a batch have no open suggestion.)
    let history: HistoryRecord[] = c.history as HistoryRecord[];
    let contactsThisWeek = 0;
    for (let i = 0; i < c.history.length; i++) {
      const h = c.history[i]!;
      const w = withdrawalFor(h, c, byKey, now);
      if (w) {
        withdrawals.push(w);
        if (history === c.history) history = c.history.slice();
        history[i] = w.code === "LAPSED" ? { ...h, status: "EXPIRED" as const } : { ...h, status: "EXPIRED" as const, decidedAt: now };
      }
      if (h.createdAt.getTime() > weekAgo) contactsThisWeek++;
    }

    const evaluation = evaluateActions({
      customer: c.customer,
      signals: c.signals,
      actions,
      history,
      stats,
      now,
      rng,
      period,
      modelVersion,
      explore: input.explore ?? true,
      explorationShare: input.explorationShare,
    });
    const best = evaluation.candidates[0];
    const decided = { customerId, evaluation, history, contactsThisWeek };
    if (!best) {
      outcomes.push({ ...decided, decision: { kind: "none", customerId, text: "No action is eligible now" } });
      continue;
    }
    const held = holdFor(c, history, now);
    if (held) {
      outcomes.push({ ...decided, decision: { kind: "held", customerId, ...held } });
      continue;
    }
    // One live suggestion per customer at a time.
    const open = history.filter((h) => !h.isControl && isOpen(h.status));
    if (open.length === 0) {
      const explain = explainer(best, byKey.get(best.actionKey)!, c);
      outcomes.push({ ...decided, decision: { kind: "propose", customerId, candidate: best, explain, replaces: [], text: "Best eligible action" } });
      continue;
    }
    const replaceable = mode === "realtime" ? open.filter((h) => h.status === "PENDING" && best.score > h.score * REPLACE_MARGIN) : [];
    if (replaceable.length > 0 && replaceable.length === open.length) {
      for (const h of replaceable) {
        withdrawals.push({ recommendationId: h.id, customerId, code: "REPLACED", text: `Outranked by "${best.actionName}"` });
      }
      const explain = explainer(best, byKey.get(best.actionKey)!, c);
      const text = `Replaces a pending suggestion it outranks by ${Math.round((REPLACE_MARGIN - 1) * 100)}% or more`;
      outcomes.push({ ...decided, decision: { kind: "propose", customerId, candidate: best, explain, replaces: replaceable.map((h) => h.id), text } });
      continue;
    }
    outcomes.push({
      ...decided,
      decision: {
      kind: "keep",
      customerId,
      openIds: open.map((h) => h.id),
      best,
      text: mode === "realtime" ? "Has an open suggestion the new best action does not clearly outrank" : "Already has an open suggestion; the batch leaves it alone",
      },
    });
  }
  return { outcomes, withdrawals };
}

/** Renders a proposal's reasons and message when asked (holding only what that needs, not the customer's history). */
function explainer(best: ScoredCandidate, action: ActionDefinition, c: CustomerInput): () => Candidate {
  const { customer, signals } = c;
  return () => explainCandidate(best, action, customer, signals);
}

/**
 * The holdout a customer is in now, if any. Global: the whole draw. Per
 * action: a control suggestion created within the attribution window holds
 * the slot, so the control customer gets nothing in its place (not the next
 * best action), and the comparison is "this action" against "no suggestion".
 */
function holdFor(c: CustomerInput, history: readonly HistoryRecord[], now: Date): { code: HoldCode; until: Date; text: string } | null {
  if (c.heldOutUntil && c.heldOutUntil > now) {
    return { code: "GLOBAL_HOLDOUT", until: c.heldOutUntil, text: `In the global holdout until ${dateText(c.heldOutUntil)}: no suggestion from any action` };
  }
  let until = 0;
  let actionKey = "";
  for (const h of history) {
    if (!h.isControl) continue;
    const end = h.createdAt.getTime() + ATTRIBUTION_WINDOW_DAYS * DAY_MS;
    if (end > now.getTime() && end > until) {
      until = end;
      actionKey = h.actionKey;
    }
  }
  if (until === 0) return null;
  const date = new Date(until);
  return { code: "ACTION_HOLDOUT", until: date, text: `In the control group of "${actionKey}" until ${dateText(date)}: no other suggestion takes its place` };
}

export type CapState = {
  /** Visible suggestions per rep per day; default 25. */
  perRepDailyCap?: number;
  /** Suggestions per customer per week across reps; default 2. */
  weeklyContactCap?: number;
  /** Visible open suggestions already in each rep's queue. */
  openByRep: ReadonlyMap<string, number>;
};

export type HeldBack = { candidate: ScoredCandidate; code: DropCode; text: string };
/** Unexplained candidates: each is its proposal's `candidate` (explain it with the proposal's `explain()`). */
export type Allocation = {
  /** Shown to their reps. */
  create: ScoredCandidate[];
  /** Stored with isControl, never shown. */
  control: ScoredCandidate[];
  heldBack: HeldBack[];
};

export const HOLD_BACK_TEXT: Record<DropCode, string> = {
  REP_DAILY_CAP: "The rep's queue is full for today",
  WEEKLY_CONTACT_CAP: "Already contacted as often as the weekly limit allows",
};

/** Across customers, best score first: who gets their proposal, in which arm, and who is held back by a cap. */
export function allocate(outcomes: Iterable<Pick<CustomerOutcome, "customerId" | "decision" | "contactsThisWeek">>, caps: CapState): Allocation {
  const candidatesByCustomer = new Map<string, ScoredCandidate[]>();
  const contactsThisWeek = new Map<string, number>();
  for (const o of outcomes) {
    if (o.contactsThisWeek > 0) contactsThisWeek.set(o.customerId, o.contactsThisWeek);
    if (o.decision.kind === "propose") candidatesByCustomer.set(o.customerId, [o.decision.candidate]);
  }
  const queues = buildQueues(candidatesByCustomer, {
    perRepDailyCap: caps.perRepDailyCap,
    weeklyContactCap: caps.weeklyContactCap,
    contactsThisWeek,
    openByRep: caps.openByRep,
  });
  const allocation: Allocation = { create: [], control: [], heldBack: [] };
  for (const q of queues.values()) {
    allocation.create.push(...q.visible);
    allocation.control.push(...q.control);
    allocation.heldBack.push(...q.dropped.map((d) => ({ candidate: d.candidate, code: d.code, text: HOLD_BACK_TEXT[d.code] })));
  }
  return allocation;
}

/** One candidate as logged with a decision (its score inputs), for off-policy evaluation of other catalogs later. */
export type LoggedCandidate = Pick<Candidate, "actionKey" | "score" | "propensity" | "rankingPropensity" | "posterior" | "exploring" | "businessValue" | "contextWeight" | "lever"> & {
  /** P(convert | accept) in the score; absent in logs from before conversion entered the objective (read as 1). */
  conversionRate?: number;
};
export type DecisionLog = { pickProbability: number; candidates: LoggedCandidate[] };

/** At most this many candidates are logged per decision (best first); the pick probability uses them all. */
export const LOGGED_CANDIDATES = 10;

/**
 * What is stored with a created suggestion: every candidate's score inputs
 * and the probability the policy had of picking this action for this
 * customer (lib/engine/pick-probability.ts). Pass an rng of its own so
 * logging never changes decisions.
 */
export function decisionLog(evaluation: Evaluation, chosen: ScoredCandidate, rng: Rng): DecisionLog {
  const all = evaluation.candidates;
  const policy = (explore: boolean) =>
    all.map((c) => ({
      actionKey: c.actionKey,
      baseScore: c.conversionRate * c.businessValue * c.contextWeight * c.lever,
      meanPropensity: c.propensity,
      posterior: c.posterior,
      exploring: explore && c.explorable,
    }));
  // The customer was ranked by Thompson draws with probability `share`, by
  // posterior means otherwise: the pick probability is the mixture.
  const share = evaluation.explorationShare;
  const inAll = all.some((c) => c.actionKey === chosen.actionKey);
  const explored = share > 0 ? pickProbability(policy(true), chosen.actionKey, rng) : 0;
  const greedy = share < 1 ? pickProbability(policy(false), chosen.actionKey, rng) : 0;
  const mix = share * explored + (1 - share) * greedy;
  // An action that can win keeps a positive probability (see pickProbability); one that cannot is logged at 0.
  const probability = inAll ? (mix > 0 ? Math.max(mix, 1 / (DEFAULT_PICK_DRAWS + 1)) : 0) : 1;
  return {
    pickProbability: probability,
    candidates: all.slice(0, LOGGED_CANDIDATES).map((c) => ({
      actionKey: c.actionKey,
      score: c.score,
      propensity: c.propensity,
      rankingPropensity: c.rankingPropensity,
      posterior: c.posterior,
      exploring: c.exploring,
      businessValue: c.businessValue,
      contextWeight: c.contextWeight,
      lever: c.lever,
      conversionRate: c.conversionRate,
    })),
  };
}

/** Both steps over a single chunk (a real-time re-score, or a test). */
export function decide(input: ChunkInput & { caps: CapState }): ChunkDecisions & { allocation: Allocation } {
  const chunk = decideChunk(input);
  return { ...chunk, allocation: allocate(chunk.outcomes, input.caps) };
}
