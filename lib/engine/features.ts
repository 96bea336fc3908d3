// Features: turn a customer and their event history into the signals rules
// and scoring read. Two entry points that must agree: `deriveSignals` for a
// customer whose events are in memory (API re-score), and
// `deriveSignalsFromAggregates` for the batch, which computes the aggregates
// in SQL. `deriveSignals` is literally "aggregate, then derive", so the two
// cannot drift apart; lib/data must reproduce `aggregateEvents` in SQL using
// the windows in EVENT_WINDOWS_DAYS.
import type { ConsentState } from "./consent";
import type { Signals } from "./signals";
import { DAY_MS, isLeapYear, utcDayNumber, utcDaysBetween } from "./time";

export const EVENT_TYPES = [
  "PURCHASE",
  "WEB_VISIT",
  "EMAIL_CLICK",
  "SUPPORT_TICKET",
  "MEETING",
  "CALL",
  "EMAIL_SENT",
  "CONTACT_FEEDBACK",
] as const;
export type EngineEventType = (typeof EVENT_TYPES)[number];

/** Event types that count as the rep having been in touch with the customer. */
export const CONTACT_EVENT_TYPES: readonly EngineEventType[] = ["MEETING", "CALL", "EMAIL_SENT"];

/**
 * Look-back windows, in days, ending at `now` (inclusive) and starting after
 * `now - days` (exclusive): an event exactly 90 × 24 h old is outside.
 */
export const EVENT_WINDOWS_DAYS = {
  orders: 90,
  spend: 90,
  openTickets: 30,
  webVisits: 7,
  emailClicks: 30,
} as const;

export type EngineCustomer = {
  id: string;
  /** The rep who owns the customer; queues are built per owner. */
  ownerId: string;
  /** Full name, e.g. "Ada Lovelace". */
  name: string;
  /** Defaults to the first word of `name`. */
  firstName?: string;
  company: string | null;
  segment: string;
  /** A calendar date (UTC midnight), year ignored for anniversaries. */
  birthday: Date | null;
  renewalDate: Date | null;
  lifetimeValue: number;
  createdAt: Date;
  /** What the customer consents to now (lib/engine/consent.ts consentState). */
  consent: ConsentState;
};

export type EngineEvent = {
  type: EngineEventType;
  occurredAt: Date;
  amount: number | null;
  payload?: unknown;
};

/** What the batch computes per customer in SQL; see `aggregateEvents` for the exact definitions. */
export type EventAggregates = {
  /** Latest MEETING, CALL or EMAIL_SENT at or before now. */
  lastContactAt: Date | null;
  /** Latest PURCHASE at or before now. */
  lastPurchaseAt: Date | null;
  ordersLast90d: number;
  /** Sum of PURCHASE amounts in the window; a null amount counts as 0. */
  spendLast90d: number;
  /** SUPPORT_TICKET events in the last 30 days whose payload.status is not "closed". */
  openTickets: number;
  webVisitsLast7d: number;
  emailClicksLast30d: number;
};

export function firstNameOf(customer: Pick<EngineCustomer, "name" | "firstName">): string {
  if (customer.firstName && customer.firstName.trim() !== "") return customer.firstName.trim();
  return customer.name.trim().split(/\s+/)[0] ?? "";
}

/**
 * A ticket is open unless its payload says `status: "closed"` (any case).
 * Events are append-only, so a ticket closed later arrives as a new event
 * carrying that status; counting only non-closed tickets from the last 30
 * days is the simple, SQL-friendly approximation we accept.
 */
export function isOpenTicket(payload: unknown): boolean {
  if (typeof payload !== "object" || payload === null || !("status" in payload)) return true;
  const status: unknown = payload.status;
  return !(typeof status === "string" && status.toLowerCase() === "closed");
}

function inWindow(at: Date, now: Date, days: number): boolean {
  const t = at.getTime();
  const end = now.getTime();
  return t <= end && t > end - days * DAY_MS;
}

function later(a: Date | null, b: Date): Date {
  return a === null || b.getTime() > a.getTime() ? b : a;
}

/** A customer with no events. */
export const EMPTY_AGGREGATES: Readonly<EventAggregates> = Object.freeze({
  lastContactAt: null,
  lastPurchaseAt: null,
  ordersLast90d: 0,
  spendLast90d: 0,
  openTickets: 0,
  webVisitsLast7d: 0,
  emailClicksLast30d: 0,
});

/** Reduces an event list to the aggregates the batch would compute in SQL. Events after `now` are ignored. */
export function aggregateEvents(events: readonly EngineEvent[], now: Date): EventAggregates {
  const agg: EventAggregates = { ...EMPTY_AGGREGATES };
  const nowMs = now.getTime();
  for (const e of events) {
    if (e.occurredAt.getTime() > nowMs) continue;
    switch (e.type) {
      case "PURCHASE":
        agg.lastPurchaseAt = later(agg.lastPurchaseAt, e.occurredAt);
        if (inWindow(e.occurredAt, now, EVENT_WINDOWS_DAYS.orders)) agg.ordersLast90d += 1;
        if (inWindow(e.occurredAt, now, EVENT_WINDOWS_DAYS.spend)) agg.spendLast90d += e.amount ?? 0;
        break;
      case "MEETING":
      case "CALL":
      case "EMAIL_SENT":
        agg.lastContactAt = later(agg.lastContactAt, e.occurredAt);
        break;
      case "SUPPORT_TICKET":
        if (inWindow(e.occurredAt, now, EVENT_WINDOWS_DAYS.openTickets) && isOpenTicket(e.payload)) {
          agg.openTickets += 1;
        }
        break;
      case "WEB_VISIT":
        if (inWindow(e.occurredAt, now, EVENT_WINDOWS_DAYS.webVisits)) agg.webVisitsLast7d += 1;
        break;
      case "EMAIL_CLICK":
        if (inWindow(e.occurredAt, now, EVENT_WINDOWS_DAYS.emailClicks)) agg.emailClicksLast30d += 1;
        break;
      case "CONTACT_FEEDBACK":
        // The customer's view of a contact feeds the sentiment figures, not the signals.
        break;
      default: {
        const unhandled: never = e.type;
        throw new Error(`Unhandled event type ${String(unhandled)}`);
      }
    }
  }
  // Keep money to cents so float noise never reaches a rule comparison.
  agg.spendLast90d = Math.round(agg.spendLast90d * 100) / 100;
  return agg;
}

function anniversaryDayNumber(birthday: Date, year: number): number {
  const month = birthday.getUTCMonth();
  let day = birthday.getUTCDate();
  // Feb 29 birthdays are celebrated on Feb 28 in non-leap years.
  if (month === 1 && day === 29 && !isLeapYear(year)) day = 28;
  return Math.floor(Date.UTC(year, month, day) / DAY_MS);
}

/** Whole UTC days until the next anniversary of `birthday` (0 = today). */
export function daysUntilNextBirthday(birthday: Date, now: Date): number {
  const today = utcDayNumber(now);
  const year = now.getUTCFullYear();
  const thisYear = anniversaryDayNumber(birthday, year);
  if (thisYear >= today) return thisYear - today;
  return anniversaryDayNumber(birthday, year + 1) - today;
}

/** Signals from pre-computed aggregates: the batch path. */
export function deriveSignalsFromAggregates(
  customer: EngineCustomer,
  agg: EventAggregates,
  now: Date,
): Signals {
  return {
    daysSinceLastContact: agg.lastContactAt === null ? null : Math.max(0, utcDaysBetween(agg.lastContactAt, now)),
    daysUntilBirthday: customer.birthday === null ? null : daysUntilNextBirthday(customer.birthday, now),
    daysUntilRenewal: customer.renewalDate === null ? null : utcDaysBetween(now, customer.renewalDate),
    daysSinceLastPurchase:
      agg.lastPurchaseAt === null ? null : Math.max(0, utcDaysBetween(agg.lastPurchaseAt, now)),
    ordersLast90d: agg.ordersLast90d,
    spendLast90d: agg.spendLast90d,
    lifetimeValue: customer.lifetimeValue,
    openTickets: agg.openTickets,
    webVisitsLast7d: agg.webVisitsLast7d,
    emailClicksLast30d: agg.emailClicksLast30d,
    tenureDays: Math.max(0, utcDaysBetween(customer.createdAt, now)),
    segment: customer.segment,
  };
}

/** Signals from an in-memory event list: aggregate, then derive, exactly as the batch does. */
export function deriveSignals(customer: EngineCustomer, events: readonly EngineEvent[], now: Date): Signals {
  return deriveSignalsFromAggregates(customer, aggregateEvents(events, now), now);
}
