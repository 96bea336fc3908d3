// Scoring: one objective. The expected value of showing a suggestion,
// P(accept) × P(convert | accept) × businessValue (what the rep sees), times
// the context weight (urgency) and the admin's lever: Pega's arbitration
// formula with conversion in it.
import { ruleSignals, type Rule } from "./rules";
import type { Signals } from "./signals";

export const URGENCY_SIGNALS = [
  "daysUntilBirthday",
  "daysUntilRenewal",
  "daysSinceLastContact",
  "daysSinceLastPurchase",
  "openTickets",
] as const;
export type UrgencySignal = (typeof URGENCY_SIGNALS)[number];

/**
 * How each urgency signal maps to a weight in [1, 2]:
 * - countdown (an upcoming date): w = 1 + clamp01(1 - max(d, 0) / horizon).
 *   Today (or overdue) weighs 2, `horizon` days or more away weighs 1.
 * - countup (time passing, counts piling up): w = 1 + clamp01(d / horizon),
 *   capped at 2 once d reaches `horizon`.
 * An unknown (null) value gives no boost: w = 1.
 */
export const URGENCY_CURVES: Readonly<Record<UrgencySignal, { kind: "countdown" | "countup"; horizon: number }>> = {
  daysUntilBirthday: { kind: "countdown", horizon: 14 },
  daysUntilRenewal: { kind: "countdown", horizon: 90 },
  daysSinceLastContact: { kind: "countup", horizon: 120 },
  daysSinceLastPurchase: { kind: "countup", horizon: 365 },
  openTickets: { kind: "countup", horizon: 3 },
};

function isUrgencySignal(name: string): name is UrgencySignal {
  return (URGENCY_SIGNALS as readonly string[]).includes(name);
}

/**
 * The catalog stores no urgency signal, so by default an action is urgent in
 * the first urgency signal its rule tests (birthday note -> daysUntilBirthday,
 * win-back -> daysSinceLastPurchase), or none.
 */
export function inferUrgencySignal(rule: Rule): UrgencySignal | null {
  return ruleSignals(rule).find(isUrgencySignal) ?? null;
}

export const MIN_CONTEXT_WEIGHT = 1;
export const MAX_CONTEXT_WEIGHT = 2;

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Urgency multiplier in [1, 2] for an action given the customer's signals. */
export function contextWeight(
  action: { urgencySignal: UrgencySignal | null },
  signals: Pick<Signals, UrgencySignal>,
): number {
  if (action.urgencySignal === null) return MIN_CONTEXT_WEIGHT;
  const value = signals[action.urgencySignal];
  if (value === null) return MIN_CONTEXT_WEIGHT;
  const curve = URGENCY_CURVES[action.urgencySignal];
  const urgency =
    curve.kind === "countdown" ? clamp01(1 - Math.max(value, 0) / curve.horizon) : clamp01(value / curve.horizon);
  return MIN_CONTEXT_WEIGHT + urgency * (MAX_CONTEXT_WEIGHT - MIN_CONTEXT_WEIGHT);
}

export type ScoreInputs = {
  /** P(accept), the posterior mean or a Thompson sample. */
  propensity: number;
  /** P(convert | accepted), posterior mean. */
  conversionRate: number;
  businessValue: number;
  contextWeight: number;
  /** The admin's priority lever, 1 = neutral. */
  lever: number;
};

/** The ranking number: expectedValue × contextWeight × lever = propensity × conversionRate × businessValue × contextWeight × lever. */
export function priorityScore(i: ScoreInputs): number {
  return i.propensity * i.conversionRate * i.businessValue * i.contextWeight * i.lever;
}

/**
 * Expected value of showing the suggestion, in the currency of businessValue:
 * P(accept) × P(convert | accept) × businessValue. Lever and context weight
 * are ranking preferences, not money, so they stay out of it.
 */
export function expectedValue(i: Pick<ScoreInputs, "propensity" | "conversionRate" | "businessValue">): number {
  return i.propensity * i.conversionRate * i.businessValue;
}
