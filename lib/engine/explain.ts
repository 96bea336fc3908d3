// Explanations: every recommendation carries 2–4 reasons, each a literal
// code (for dashboards) and a sentence a rep understands.
import { formatMoney, plural } from "./format";
import { ruleSignals, type Rule } from "./rules";
import type { SignalName, Signals } from "./signals";
import type { UrgencySignal } from "./scoring";

export const REASON_CODES = [
  "BIRTHDAY_TODAY",
  "BIRTHDAY_SOON",
  "RENEWAL_OVERDUE",
  "RENEWAL_TODAY",
  "RENEWAL_SOON",
  "NEVER_CONTACTED",
  "RECENT_CONTACT",
  "NO_RECENT_CONTACT",
  "NO_PURCHASE_YET",
  "RECENT_PURCHASE",
  "NO_RECENT_PURCHASE",
  "RECENT_ORDERS",
  "NO_RECENT_ORDERS",
  "RECENT_SPEND",
  "OPEN_TICKETS",
  "NO_OPEN_TICKETS",
  "WEB_VISITS",
  "EMAIL_CLICKS",
  "TENURE",
  "SEGMENT",
  "LIFETIME_VALUE",
  "SIMILAR_ACCEPTED",
  "STILL_LEARNING",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export type Reason = { code: ReasonCode; text: string };

/** Below this many trials we do not quote an acceptance rate. */
export const MIN_TRIALS_TO_QUOTE = 20;
export const MAX_REASONS = 4;
const MIN_REASONS = 2;
/** Lifetime value worth mentioning unprompted. */
const NOTABLE_LIFETIME_VALUE = 1000;
/** Silence/purchase gaps shorter than this read as "recent". */
const RECENT_CONTACT_DAYS = 14;
const RECENT_PURCHASE_DAYS = 60;

function daysAgo(n: number): string {
  return n === 1 ? "yesterday" : `${n} days ago`;
}

function tenureText(days: number): string {
  if (days < 60) return `Customer for ${plural(days, "day")}`;
  if (days < 730) return `Customer for ${plural(Math.floor(days / 30), "month")}`;
  return `Customer for ${plural(Math.floor(days / 365), "year")}`;
}

/** The sentence for one signal's current value, or null when there is nothing to say (unknown date). */
export function signalReason(signal: SignalName, s: Signals): Reason | null {
  switch (signal) {
    case "daysUntilBirthday": {
      const d = s.daysUntilBirthday;
      if (d === null) return null;
      if (d === 0) return { code: "BIRTHDAY_TODAY", text: "Birthday today" };
      return { code: "BIRTHDAY_SOON", text: d === 1 ? "Birthday tomorrow" : `Birthday in ${d} days` };
    }
    case "daysUntilRenewal": {
      const d = s.daysUntilRenewal;
      if (d === null) return null;
      if (d < 0) return { code: "RENEWAL_OVERDUE", text: `Renewal overdue by ${plural(-d, "day")}` };
      if (d === 0) return { code: "RENEWAL_TODAY", text: "Renewal today" };
      return { code: "RENEWAL_SOON", text: d === 1 ? "Renewal tomorrow" : `Renewal in ${d} days` };
    }
    case "daysSinceLastContact": {
      const d = s.daysSinceLastContact;
      if (d === null) return { code: "NEVER_CONTACTED", text: "Never contacted" };
      if (d === 0) return { code: "RECENT_CONTACT", text: "Contacted today" };
      if (d < RECENT_CONTACT_DAYS) return { code: "RECENT_CONTACT", text: `Last contact ${daysAgo(d)}` };
      return { code: "NO_RECENT_CONTACT", text: `No contact for ${d} days` };
    }
    case "daysSinceLastPurchase": {
      const d = s.daysSinceLastPurchase;
      if (d === null) return { code: "NO_PURCHASE_YET", text: "No purchase yet" };
      if (d === 0) return { code: "RECENT_PURCHASE", text: "Purchased today" };
      if (d < RECENT_PURCHASE_DAYS) return { code: "RECENT_PURCHASE", text: `Last purchase ${daysAgo(d)}` };
      return { code: "NO_RECENT_PURCHASE", text: `No purchase for ${d} days` };
    }
    case "ordersLast90d":
      return s.ordersLast90d === 0
        ? { code: "NO_RECENT_ORDERS", text: "No orders in the last 90 days" }
        : { code: "RECENT_ORDERS", text: `${plural(s.ordersLast90d, "order")} in the last 90 days` };
    case "spendLast90d":
      return { code: "RECENT_SPEND", text: `Spent ${formatMoney(s.spendLast90d)} in the last 90 days` };
    case "lifetimeValue":
      return { code: "LIFETIME_VALUE", text: `Lifetime value ${formatMoney(s.lifetimeValue)}` };
    case "openTickets":
      return s.openTickets === 0
        ? { code: "NO_OPEN_TICKETS", text: "No open support tickets" }
        : { code: "OPEN_TICKETS", text: `${plural(s.openTickets, "open support ticket")}` };
    case "webVisitsLast7d": {
      const n = s.webVisitsLast7d;
      const text =
        n === 0
          ? "No website visits this week"
          : `Visited the website ${n === 1 ? "once" : `${n} times`} this week`;
      return { code: "WEB_VISITS", text };
    }
    case "emailClicksLast30d": {
      const n = s.emailClicksLast30d;
      const text = n === 0 ? "No email clicks in the last 30 days" : `Clicked ${plural(n, "email")} in the last 30 days`;
      return { code: "EMAIL_CLICKS", text };
    }
    case "tenureDays":
      return { code: "TENURE", text: tenureText(s.tenureDays) };
    case "segment":
      return { code: "SEGMENT", text: `Segment ${s.segment}` };
    default: {
      const unhandled: never = signal;
      throw new Error(`No reason text for signal ${String(unhandled)}`);
    }
  }
}

export type LearningEvidence = {
  /** Posterior mean acceptance (not a Thompson draw). */
  acceptanceRate: number;
  /** Trials behind the estimate. */
  trials: number;
};

/** "Similar customers accepted 38% of the time", or "still learning" when the evidence is thin. */
export function learningReason(e: LearningEvidence): Reason {
  if (e.trials < MIN_TRIALS_TO_QUOTE) return { code: "STILL_LEARNING", text: "New suggestion — still learning" };
  return {
    code: "SIMILAR_ACCEPTED",
    text: `Similar customers accepted ${Math.round(e.acceptanceRate * 100)}% of the time`,
  };
}

/**
 * Picks the reasons for one action, most relevant first: the urgency signal,
 * then the signals its rule tests (segment last, it rarely explains much),
 * capped at three; then the learning reason; then lifetime value and tenure
 * as fillers so there are at least two.
 */
export function explain(
  action: { rule: Rule; urgencySignal: UrgencySignal | null },
  signals: Signals,
  learning: LearningEvidence,
): Reason[] {
  const ruleOrder = ruleSignals(action.rule);
  const ordered: SignalName[] = [
    ...(action.urgencySignal ? [action.urgencySignal] : []),
    ...ruleOrder.filter((s) => s !== "segment"),
    ...ruleOrder.filter((s) => s === "segment"),
  ];
  const reasons: Reason[] = [];
  const add = (r: Reason | null) => {
    if (r && !reasons.some((x) => x.code === r.code)) reasons.push(r);
  };
  for (const signal of ordered) {
    if (reasons.length >= MAX_REASONS - 1) break;
    add(signalReason(signal, signals));
  }
  add(learningReason(learning));
  if (reasons.length < MAX_REASONS - 1 && signals.lifetimeValue >= NOTABLE_LIFETIME_VALUE) {
    add(signalReason("lifetimeValue", signals));
  }
  if (reasons.length < MIN_REASONS) add(signalReason("lifetimeValue", signals));
  if (reasons.length < MIN_REASONS) add(signalReason("tenureDays", signals));
  return reasons.slice(0, MAX_REASONS);
}
