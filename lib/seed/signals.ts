// Seed-local signal derivation and rule evaluation. It mirrors the engine's
// definitions (lib/engine/features.ts, rules.ts) closely enough to pick
// plausible recommendations for the demo history and today's queue, without
// depending on engine code that evolves separately.
import type { ActionKey, CatalogComparison, CatalogRule, CatalogSignal } from "./catalog";

export const DAY_MS = 86_400_000;

export type SeedEventType = "PURCHASE" | "WEB_VISIT" | "EMAIL_CLICK" | "SUPPORT_TICKET" | "MEETING" | "CALL" | "EMAIL_SENT";

export interface Aggregates {
  lastContactAt: number | null;
  lastPurchaseAt: number | null;
  ordersLast90d: number;
  spendLast90d: number;
  openTickets: number;
  webVisitsLast7d: number;
  emailClicksLast30d: number;
}

export interface SeedSignals {
  daysSinceLastContact: number | null;
  daysUntilBirthday: number | null;
  daysUntilRenewal: number | null;
  daysSinceLastPurchase: number | null;
  ordersLast90d: number;
  spendLast90d: number;
  lifetimeValue: number;
  openTickets: number;
  webVisitsLast7d: number;
  emailClicksLast30d: number;
  tenureDays: number;
  segment: string;
}

export interface SignalCustomer {
  segment: string;
  /** UTC midnight, ms. */
  birthday: number | null;
  renewalDate: number | null;
  lifetimeValue: number;
  createdAt: number;
}

export interface AggregatableEvent {
  type: SeedEventType;
  at: number;
  amount: number | null;
  /** SUPPORT_TICKET only: the ticket counts as open while `now < openUntil`. */
  openUntil: number;
}

const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);
export const daysBetween = (from: number, to: number) => dayNumber(to) - dayNumber(from);

/** Same windows as the engine: (now - days, now]. */
export function aggregate(events: readonly AggregatableEvent[], now: number): Aggregates {
  const agg: Aggregates = {
    lastContactAt: null,
    lastPurchaseAt: null,
    ordersLast90d: 0,
    spendLast90d: 0,
    openTickets: 0,
    webVisitsLast7d: 0,
    emailClicksLast30d: 0,
  };
  const d90 = now - 90 * DAY_MS;
  const d30 = now - 30 * DAY_MS;
  const d7 = now - 7 * DAY_MS;
  for (const e of events) {
    if (e.at > now) continue;
    switch (e.type) {
      case "PURCHASE":
        if (agg.lastPurchaseAt === null || e.at > agg.lastPurchaseAt) agg.lastPurchaseAt = e.at;
        if (e.at > d90) {
          agg.ordersLast90d++;
          agg.spendLast90d += e.amount ?? 0;
        }
        break;
      case "MEETING":
      case "CALL":
      case "EMAIL_SENT":
        if (agg.lastContactAt === null || e.at > agg.lastContactAt) agg.lastContactAt = e.at;
        break;
      case "SUPPORT_TICKET":
        if (e.at > d30 && e.openUntil > now) agg.openTickets++;
        break;
      case "WEB_VISIT":
        if (e.at > d7) agg.webVisitsLast7d++;
        break;
      case "EMAIL_CLICK":
        if (e.at > d30) agg.emailClicksLast30d++;
        break;
    }
  }
  agg.spendLast90d = Math.round(agg.spendLast90d * 100) / 100;
  return agg;
}

function isLeapYear(y: number) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function anniversary(birthday: number, year: number): number {
  const b = new Date(birthday);
  const m = b.getUTCMonth();
  let d = b.getUTCDate();
  if (m === 1 && d === 29 && !isLeapYear(year)) d = 28;
  return dayNumber(Date.UTC(year, m, d));
}

export function daysUntilBirthday(birthday: number, now: number): number {
  const today = dayNumber(now);
  const year = new Date(now).getUTCFullYear();
  const thisYear = anniversary(birthday, year);
  return thisYear >= today ? thisYear - today : anniversary(birthday, year + 1) - today;
}

export function deriveSignals(c: SignalCustomer, agg: Aggregates, now: number): SeedSignals {
  return {
    daysSinceLastContact: agg.lastContactAt === null ? null : Math.max(0, daysBetween(agg.lastContactAt, now)),
    daysUntilBirthday: c.birthday === null ? null : daysUntilBirthday(c.birthday, now),
    daysUntilRenewal: c.renewalDate === null ? null : daysBetween(now, c.renewalDate),
    daysSinceLastPurchase: agg.lastPurchaseAt === null ? null : Math.max(0, daysBetween(agg.lastPurchaseAt, now)),
    ordersLast90d: agg.ordersLast90d,
    spendLast90d: agg.spendLast90d,
    lifetimeValue: c.lifetimeValue,
    openTickets: agg.openTickets,
    webVisitsLast7d: agg.webVisitsLast7d,
    emailClicksLast30d: agg.emailClicksLast30d,
    tenureDays: Math.max(0, daysBetween(c.createdAt, now)),
    segment: c.segment,
  };
}

function compare(c: CatalogComparison, s: SeedSignals): boolean {
  const v = s[c.signal];
  if (v === null) return false;
  switch (c.op) {
    case "eq":
      return v === c.value;
    case "neq":
      return v !== c.value;
    case "lt":
      return typeof v === "number" && typeof c.value === "number" && v < c.value;
    case "lte":
      return typeof v === "number" && typeof c.value === "number" && v <= c.value;
    case "gt":
      return typeof v === "number" && typeof c.value === "number" && v > c.value;
    case "gte":
      return typeof v === "number" && typeof c.value === "number" && v >= c.value;
    case "between":
      return typeof v === "number" && v >= c.value[0] && v <= c.value[1];
    case "in":
      return c.value.includes(v);
  }
}

export function evaluateRule(rule: CatalogRule, s: SeedSignals): boolean {
  if ("all" in rule) return rule.all.every((r) => evaluateRule(r, s));
  if ("any" in rule) return rule.any.some((r) => evaluateRule(r, s));
  if ("not" in rule) return !evaluateRule(rule.not, s);
  return compare(rule, s);
}

const SIGNAL_SET: ReadonlySet<string> = new Set<CatalogSignal>([
  "daysSinceLastContact", "daysUntilBirthday", "daysUntilRenewal", "daysSinceLastPurchase", "ordersLast90d", "spendLast90d",
  "lifetimeValue", "openTickets", "webVisitsLast7d", "emailClicksLast30d", "tenureDays", "segment",
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Narrows rule JSON read back from the database; null when it is not a rule this seed understands. */
export function parseRule(json: unknown): CatalogRule | null {
  if (!isObject(json)) return null;
  if (Array.isArray(json.all) || Array.isArray(json.any)) {
    const key = Array.isArray(json.all) ? "all" : "any";
    const list = json[key] as unknown[];
    const parsed = list.map(parseRule);
    if (parsed.length === 0 || parsed.some((p) => p === null)) return null;
    const nodes = parsed as CatalogRule[];
    return key === "all" ? { all: nodes } : { any: nodes };
  }
  if ("not" in json) {
    const inner = parseRule(json.not);
    return inner ? { not: inner } : null;
  }
  const { signal, op, value } = json;
  if (typeof signal !== "string" || !SIGNAL_SET.has(signal)) return null;
  const sig = signal as CatalogSignal;
  if (op === "between") {
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "number") {
      return { signal: sig, op, value: [value[0], value[1]] };
    }
    return null;
  }
  if (op === "in") {
    if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === "number" || typeof x === "string")) {
      return { signal: sig, op, value: value as (number | string)[] };
    }
    return null;
  }
  if ((op === "eq" || op === "neq" || op === "lt" || op === "lte" || op === "gt" || op === "gte") && (typeof value === "number" || typeof value === "string")) {
    return { signal: sig, op, value };
  }
  return null;
}

export type Reason = { code: string; text: string };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const money = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

/** Urgency multiplier of the arbitration formula: birthday tomorrow beats birthday in six days. */
export function contextWeight(key: ActionKey, s: SeedSignals): number {
  switch (key) {
    case "birthday_note":
      return 1 + (7 - Math.min(7, s.daysUntilBirthday ?? 7)) / 7;
    case "renewal_checkin":
      return 1 + (60 - Math.min(60, Math.max(0, s.daysUntilRenewal ?? 60))) / 60;
    case "winback_call":
      return Math.min(2, Math.max(1, (s.daysSinceLastPurchase ?? 90) / 90));
    case "support_followup":
      return Math.min(2, 1 + 0.3 * Math.max(0, s.openTickets - 1));
    case "discount_offer":
      return Math.min(1.8, 1 + 0.1 * Math.max(0, s.webVisitsLast7d - 3) + 0.1 * Math.max(0, s.emailClicksLast30d - 2));
    case "book_meeting":
      return s.daysSinceLastContact === null ? 1.5 : Math.min(2, 0.8 + s.daysSinceLastContact / 120);
    case "cross_sell":
      return Math.min(1.6, 1 + 0.1 * Math.max(0, s.ordersLast90d - 2));
  }
}

/** Per-customer adjustment of the learned propensity: urgent cases convert a little better. */
export function contextAdjustment(key: ActionKey, s: SeedSignals): number {
  return Math.sqrt(contextWeight(key, s)) / 1.2;
}

/** Expiry of a suggestion made at `at`; a birthday note also lapses once the birthday has passed. */
export function expiryFor(entry: { key: ActionKey; expiresAfterDays: number }, s: SeedSignals, at: number): number {
  const plain = at + entry.expiresAfterDays * DAY_MS;
  if (entry.key === "birthday_note" && s.daysUntilBirthday !== null) return Math.min(plain, Math.floor(at / DAY_MS) * DAY_MS + (s.daysUntilBirthday + 1) * DAY_MS);
  return plain;
}

/** Reasons a rep understands, most specific first. */
export function reasonsFor(key: ActionKey, s: SeedSignals, propensity: number): Reason[] {
  const out: Reason[] = [];
  switch (key) {
    case "birthday_note": {
      const d = s.daysUntilBirthday ?? 0;
      out.push({ code: "BIRTHDAY_SOON", text: d === 0 ? "Birthday today" : d === 1 ? "Birthday tomorrow" : `Birthday in ${d} days` });
      break;
    }
    case "renewal_checkin": {
      const d = s.daysUntilRenewal ?? 0;
      out.push({ code: "RENEWAL_SOON", text: d === 0 ? "Renewal due today" : `Renewal in ${plural(d, "day")}` });
      break;
    }
    case "winback_call":
      out.push({ code: "NO_PURCHASE", text: `No purchase for ${plural(s.daysSinceLastPurchase ?? 0, "day")}` });
      break;
    case "support_followup":
      out.push({ code: "OPEN_TICKETS", text: `${plural(s.openTickets, "open support ticket")}` });
      break;
    case "discount_offer":
      if (s.webVisitsLast7d >= 3) out.push({ code: "WEB_INTEREST", text: `${plural(s.webVisitsLast7d, "site visit")} this week` });
      if (s.emailClicksLast30d >= 2) out.push({ code: "EMAIL_ENGAGED", text: `Clicked ${plural(s.emailClicksLast30d, "email")} this month` });
      break;
    case "book_meeting":
      out.push({ code: "HIGH_VALUE", text: `Lifetime value ${money(s.lifetimeValue)}` });
      break;
    case "cross_sell":
      out.push({ code: "FREQUENT_BUYER", text: `${plural(s.ordersLast90d, "order")} in the last 90 days (${money(s.spendLast90d)})` });
      break;
  }
  if (s.daysSinceLastContact !== null && s.daysSinceLastContact >= 30) {
    out.push({ code: "NO_CONTACT", text: `No contact for ${s.daysSinceLastContact} days` });
  } else if (s.daysSinceLastContact === null && key === "book_meeting") {
    out.push({ code: "NO_CONTACT", text: "No contact on record" });
  }
  out.push({ code: "SIMILAR_ACCEPTED", text: `Similar customers accepted ${Math.round(propensity * 100)}% of the time` });
  return out;
}
