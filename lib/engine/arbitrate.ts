// Arbitration: per customer, the best eligible action not in cool-down; per
// rep, a daily queue sorted by score, capped, under a weekly contact policy.
import { consentBlock, defaultPurpose, mayProfile, type ActionCategory, type ContactPurpose } from "./consent";
import type { EngineCustomer } from "./features";
import { explain, type Reason } from "./explain";
import { holdoutPeriod, isControl } from "./holdout";
import {
  betaSample,
  conversionRate,
  modelVersion as makeModelVersion,
  segmentEstimate,
  statsFingerprint,
  type BetaParams,
  type Rng,
  type StatsTable,
} from "./learning";
import { acceptanceEstimate, featureKey as customerFeatureKey } from "./propensity";
import { describeRule, evaluateRule, type Rule } from "./rules";
import { contextWeight, expectedValue, priorityScore, type UrgencySignal } from "./scoring";
import type { Signals } from "./signals";
import { renderTemplate } from "./template";
import { DAY_MS, addDays } from "./time";
import { isOpen, type RecommendationStatus } from "@/lib/domain/vocabulary";

export type ActionDefinition = {
  id: string;
  key: string;
  name: string;
  category: ActionCategory;
  /** The consent the action needs; absent: defaultPurpose(category). */
  purpose?: ContactPurpose;
  messageTemplate: string;
  rule: Rule;
  businessValue: number;
  /** Admin priority lever, 1 = neutral. */
  lever: number;
  cooldownDays: number;
  expiresAfterDays: number;
  controlGroupPct: number;
  prior: BetaParams;
  /** Thompson sampling instead of the posterior mean when ranking. */
  exploration: boolean;
  version: number;
  urgencySignal: UrgencySignal | null;
  /** Inactive actions are skipped; absent means active. */
  active?: boolean;
};

export { RECOMMENDATION_STATUSES, OPEN_STATUSES, type RecommendationStatus } from "@/lib/domain/vocabulary";

/** A recent recommendation of this customer (control-group ones included, so both arms share the cadence). */
export type HistoryEntry = {
  actionKey: string;
  createdAt: Date;
  status: RecommendationStatus;
  decidedAt: Date | null;
};

/**
 * An eligible action scored for a customer: everything a Recommendation row
 * needs but its explanation, plus the inputs of the score for auditing.
 */
export type ScoredCandidate = {
  customerId: string;
  repId: string;
  actionId: string;
  actionKey: string;
  actionName: string;
  category: ActionCategory;
  version: number;
  score: number;
  /** Posterior-mean P(accept): what calibration compares with outcomes. */
  propensity: number;
  /** The P(accept) used in the score: a Thompson draw when exploring, else equal to `propensity`. */
  rankingPropensity: number;
  /** The acceptance posterior the propensity comes from (logged for off-policy evaluation). */
  posterior: BetaParams;
  /** Ranked with a Thompson draw (exploration on for this action, this run and this customer). */
  exploring: boolean;
  /** Exploration is on for this action and this run: the customer explores with probability `explorationShare`. */
  explorable: boolean;
  /** The customer's feature key (lib/engine/propensity.ts), stored with the suggestion for learning. */
  featureKey: string;
  businessValue: number;
  lever: number;
  conversionRate: number;
  contextWeight: number;
  expectedValue: number;
  /** Age-weighted trials behind the acceptance estimate (the learning reason cites them). */
  evidenceTrials: number;
  isControl: boolean;
  expiresAt: Date;
  modelVersion: string;
};

/**
 * A candidate with its plain-language reasons and rendered message. Only the
 * candidate that goes forward is explained (explainCandidate): rendering
 * every scored action's text for every customer cost a large batch more
 * than scoring it.
 */
export type Candidate = ScoredCandidate & { reasons: Reason[]; message: string };

/** The reasons and message of a scored candidate, from the action and the customer it was scored for. */
export function explainCandidate(
  c: ScoredCandidate,
  action: Pick<ActionDefinition, "rule" | "urgencySignal" | "messageTemplate">,
  customer: EngineCustomer,
  signals: Signals,
): Candidate {
  return {
    ...c,
    reasons: explain(action, signals, { acceptanceRate: c.propensity, trials: c.evidenceTrials }),
    message: renderTemplate(action.messageTemplate, customer, signals),
  };
}

export type SkipCode =
  | "INACTIVE"
  | "NO_SERVICE_CONSENT"
  | "NO_MARKETING_CONSENT"
  | "INELIGIBLE"
  | "OPEN_RECOMMENDATION"
  | "COOLDOWN";
export type SkippedAction = { actionId: string; actionKey: string; code: SkipCode; text: string };

export type DecisionInput = {
  customer: EngineCustomer;
  signals: Signals;
  actions: readonly ActionDefinition[];
  history: readonly HistoryEntry[];
  stats: StatsTable;
  now: Date;
  /** Consumed only by actions with exploration on; seed it for reproducible batches. */
  rng: Rng;
  /** Holdout period; defaults to the ISO week of `now`. */
  period?: string;
  /** Defaults to modelVersion(now, statsFingerprint(stats)). */
  modelVersion?: string;
  /** How many candidates decideForCustomer returns; default 1. */
  maxPerCustomer?: number;
  /** Master switch for Thompson sampling (e.g. off for an admin preview); default true. */
  explore?: boolean;
  /**
   * The cap on non-greedy picks: the share of customers whose candidates are
   * ranked by Thompson draws (the rest by posterior means), in [0, 1]. Default 1.
   */
  explorationShare?: number;
};

/** Default cap on non-greedy picks: at most this share of customers is ranked by Thompson draws. */
export const DEFAULT_EXPLORATION_SHARE = 0.2;

export type Evaluation = {
  /** Best first, unexplained (explainCandidate renders the one that goes forward). */
  candidates: ScoredCandidate[];
  skipped: SkippedAction[];
  /** The exploration share this customer was decided under (for the pick probability). */
  explorationShare: number;
};

const versionCache = new WeakMap<StatsTable, Map<number, string>>();

function defaultModelVersion(stats: StatsTable, now: Date): string {
  const day = Math.floor(now.getTime() / DAY_MS);
  let perDay = versionCache.get(stats);
  if (!perDay) versionCache.set(stats, (perDay = new Map()));
  let version = perDay.get(day);
  if (version === undefined) perDay.set(day, (version = makeModelVersion(now, statsFingerprint(stats))));
  return version;
}

// A rule's description is the same for every customer: render it once per
// rule object (a 50-condition rule rendered for each of 60,000 customers
// cost seconds in a preview).
const ruleTexts = new WeakMap<Rule, string>();
function ruleText(rule: Rule): string {
  let text = ruleTexts.get(rule);
  if (text === undefined) ruleTexts.set(rule, (text = describeRule(rule)));
  return text;
}

/** Best first: score descending, then action key for a stable order. */
export function compareCandidates(a: ScoredCandidate, b: ScoredCandidate): number {
  return b.score - a.score || a.actionKey.localeCompare(b.actionKey) || a.customerId.localeCompare(b.customerId);
}

function cooldownBlock(action: ActionDefinition, history: readonly HistoryEntry[], now: Date): SkippedAction | null {
  const mine = history.filter((h) => h.actionKey === action.key);
  const open = mine.find((h) => isOpen(h.status));
  if (open) {
    return {
      actionId: action.id,
      actionKey: action.key,
      code: "OPEN_RECOMMENDATION",
      text: `Already suggested and still open (${open.status.toLowerCase()})`,
    };
  }
  const windowMs = action.cooldownDays * DAY_MS;
  for (const h of mine) {
    const last = Math.max(h.createdAt.getTime(), h.decidedAt?.getTime() ?? 0);
    if (now.getTime() - last < windowMs) {
      const ago = Math.max(0, Math.floor((now.getTime() - last) / DAY_MS));
      return {
        actionId: action.id,
        actionKey: action.key,
        code: "COOLDOWN",
        text: `Suggested or handled ${ago === 0 ? "today" : `${ago} day${ago === 1 ? "" : "s"} ago`}; cool-down is ${action.cooldownDays} days`,
      };
    }
  }
  return null;
}

/**
 * Runs every action through consent, rule and cool-down, and scores the
 * survivors. Returns all candidates best first and why the others were
 * skipped (for the admin preview). The holdout is decided after selection:
 * a control candidate is still the customer's best action, stored with
 * isControl and never shown.
 */
export function evaluateActions(input: DecisionInput): Evaluation {
  const { customer, signals, actions, history, stats, now, rng } = input;
  const period = input.period ?? holdoutPeriod(now);
  const version = input.modelVersion ?? defaultModelVersion(stats, now);
  const exploreAllowed = input.explore ?? true;
  const share = input.explorationShare ?? 1;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`explorationShare must be in [0, 1], got ${share}`);
  // One draw per customer decides whether this customer explores (none when
  // the share is 0 or 1, so the rng sequence is as before at share 1).
  const customerExplores = exploreAllowed && share > 0 && (share >= 1 || rng() < share);
  // Without profiling consent the customer's own behaviour is not used: the key
  // carries the segment only, so the model gives the segment's estimate.
  const fkey = mayProfile(customer) ? customerFeatureKey(signals) : `${signals.segment}|`;
  const candidates: ScoredCandidate[] = [];
  const skipped: SkippedAction[] = [];

  // (No closure per action here: a batch evaluates every action for every customer.)
  for (const action of actions) {
    if (action.active === false) {
      skipped.push({ actionId: action.id, actionKey: action.key, code: "INACTIVE", text: "Action is switched off" });
      continue;
    }
    const consent = consentBlock(customer, actionPurpose(action));
    if (consent) {
      skipped.push({ actionId: action.id, actionKey: action.key, code: consent.code, text: consent.text });
      continue;
    }
    if (!evaluateRule(action.rule, signals)) {
      skipped.push({ actionId: action.id, actionKey: action.key, code: "INELIGIBLE", text: `Rule not met: ${ruleText(action.rule)}` });
      continue;
    }
    const cooldown = cooldownBlock(action, history, now);
    if (cooldown) {
      skipped.push(cooldown);
      continue;
    }

    const est = segmentEstimate(stats, action.key, customer.segment, action.prior);
    const { posterior, mean: meanPropensity } = acceptanceEstimate(stats, action.key, action.prior, customer.segment, fkey, est);
    const explorable = exploreAllowed && action.exploration;
    const exploring = explorable && customerExplores;
    const rankingPropensity = exploring ? betaSample(posterior.alpha, posterior.beta, rng) : meanPropensity;
    const conv = conversionRate(est.stats, est.conversionPrior);
    const weight = contextWeight(action, signals);

    candidates.push({
      customerId: customer.id,
      repId: customer.ownerId,
      actionId: action.id,
      actionKey: action.key,
      actionName: action.name,
      category: action.category,
      version: action.version,
      score: priorityScore({
        propensity: rankingPropensity,
        conversionRate: conv,
        businessValue: action.businessValue,
        contextWeight: weight,
        lever: action.lever,
      }),
      propensity: meanPropensity,
      rankingPropensity,
      posterior,
      exploring,
      explorable,
      featureKey: fkey,
      businessValue: action.businessValue,
      lever: action.lever,
      conversionRate: conv,
      contextWeight: weight,
      expectedValue: expectedValue({
        propensity: meanPropensity,
        conversionRate: conv,
        businessValue: action.businessValue,
      }),
      evidenceTrials: est.evidenceTrials,
      isControl: isControl(customer.id, action.key, period, action.controlGroupPct),
      expiresAt: addDays(now, action.expiresAfterDays),
      modelVersion: version,
    });
  }
  candidates.sort(compareCandidates);
  return { candidates, skipped, explorationShare: exploreAllowed ? share : 0 };
}

/** The customer's best candidates (default: the single best), best first. */
export function decideForCustomer(input: DecisionInput): Candidate[] {
  const max = Math.max(0, input.maxPerCustomer ?? 1);
  const byKey = new Map(input.actions.map((a) => [a.key, a]));
  return evaluateActions(input)
    .candidates.slice(0, max)
    .map((c) => explainCandidate(c, byKey.get(c.actionKey)!, input.customer, input.signals));
}

export type QueueOptions = {
  /** Visible suggestions per rep per day; default 25. */
  perRepDailyCap?: number;
  /** Suggestions per customer per week across reps; default 2. */
  weeklyContactCap?: number;
  /** Suggestions each customer already got this week (before this batch). */
  contactsThisWeek?: ReadonlyMap<string, number>;
  /** Visible suggestions already in each rep's queue today, counted against the daily cap. */
  openByRep?: ReadonlyMap<string, number>;
};

export type DropCode = "REP_DAILY_CAP" | "WEEKLY_CONTACT_CAP";
export type DroppedCandidate<T extends ScoredCandidate = Candidate> = { candidate: T; code: DropCode };
export type RepQueue<T extends ScoredCandidate = Candidate> = {
  repId: string;
  /** Shown to the rep, best first. */
  visible: T[];
  /** Control group: stored with isControl, never shown, not counted against the cap. */
  control: T[];
  dropped: DroppedCandidate<T>[];
};

export const DEFAULT_PER_REP_DAILY_CAP = 25;
export const DEFAULT_WEEKLY_CONTACT_CAP = 2;

/**
 * Builds every rep's queue from all customers' candidates, best score first.
 * A customer already at the weekly cap gets nothing. A visible candidate
 * takes a slot of its rep's daily cap. A control candidate takes no slot but
 * is kept only while the rep still has room, i.e. only if it would have been
 * shown, so treated and control groups face the same selection. Both count
 * as a (would-be) contact of the customer within this batch.
 */
export function buildQueues<T extends ScoredCandidate>(
  candidatesByCustomer: ReadonlyMap<string, readonly T[]>,
  opts: QueueOptions = {},
): Map<string, RepQueue<T>> {
  const cap = opts.perRepDailyCap ?? DEFAULT_PER_REP_DAILY_CAP;
  const weeklyCap = opts.weeklyContactCap ?? DEFAULT_WEEKLY_CONTACT_CAP;
  const contacts = new Map(opts.contactsThisWeek ?? []);
  const queues = new Map<string, RepQueue<T>>();

  const all = [...candidatesByCustomer.values()].flat().sort(compareCandidates);
  for (const c of all) {
    let queue = queues.get(c.repId);
    if (!queue) queues.set(c.repId, (queue = { repId: c.repId, visible: [], control: [], dropped: [] }));
    const contactCount = contacts.get(c.customerId) ?? 0;
    if (contactCount >= weeklyCap) {
      queue.dropped.push({ candidate: c, code: "WEEKLY_CONTACT_CAP" });
      continue;
    }
    if (queue.visible.length + (opts.openByRep?.get(c.repId) ?? 0) >= cap) {
      queue.dropped.push({ candidate: c, code: "REP_DAILY_CAP" });
      continue;
    }
    (c.isControl ? queue.control : queue.visible).push(c);
    contacts.set(c.customerId, contactCount + 1);
  }
  return queues;
}

/** The consent an action needs. */
export function actionPurpose(action: Pick<ActionDefinition, "purpose" | "category">): ContactPurpose {
  return action.purpose ?? defaultPurpose(action.category);
}
