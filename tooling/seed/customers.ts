// Customers and their event history: segments, owners, birthdays and
// renewals, then six months of purchases, visits, clicks, tickets and
// contacts. Events are engine-shaped (`occurredAt: Date`) so the history phase
// can hand them straight to the engine's `deriveSignals`.
import { EVENT_TYPES, type EngineCustomer, type EngineEvent } from "@/lib/engine";
import { hashToUnit } from "@/lib/engine/hash";
import type { EventType } from "@/lib/generated/prisma/enums";
import type { Segment } from "./catalog";
import * as N from "./names";
import { REPS } from "./people";
import type { Rng } from "./random";
import {
  DAY_MS,
  HISTORY_DAYS,
  HOUR_MS,
  MAIN_LINE_SHARE,
  MINUTE_MS,
  PRODUCT_LINES,
  dayStart,
  randomMoment,
  round,
  type Cust,
  type MemEvent,
  type Payload,
  type World,
} from "./world";

type EventRates = Record<EventType, number>;

/** Expected events per customer over the whole history window, before bursts. */
const EVENT_RATES: Record<Segment, EventRates> = {
  SMB: { PURCHASE: 0.9, WEB_VISIT: 12, EMAIL_CLICK: 4, SUPPORT_TICKET: 0.9, MEETING: 0.4, CALL: 2.5, EMAIL_SENT: 7, CONTACT_FEEDBACK: 0 },
  MID_MARKET: { PURCHASE: 1.5, WEB_VISIT: 18, EMAIL_CLICK: 6, SUPPORT_TICKET: 1.7, MEETING: 1.8, CALL: 4.5, EMAIL_SENT: 10, CONTACT_FEEDBACK: 0 },
  ENTERPRISE: { PURCHASE: 1.8, WEB_VISIT: 26, EMAIL_CLICK: 8, SUPPORT_TICKET: 2.8, MEETING: 3.5, CALL: 6.5, EMAIL_SENT: 13, CONTACT_FEEDBACK: 0 },
};

const SEGMENT_SHARE: readonly (readonly [Segment, number])[] = [
  ["SMB", 0.65],
  ["MID_MARKET", 0.25],
  ["ENTERPRISE", 0.1],
];

const ORDER_MEDIAN: Record<Segment, number> = { SMB: 350, MID_MARKET: 2800, ENTERPRISE: 14000 };
const BASE_VALUE_MEDIAN: Record<Segment, number> = { SMB: 2500, MID_MARKET: 22000, ENTERPRISE: 150000 };
const RENEWAL_NULL: Record<Segment, number> = { SMB: 0.45, MID_MARKET: 0.15, ENTERPRISE: 0.05 };

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "");
}

export function makeCustomers(w: World, count: number): Cust[] {
  const rng = w.rng.fork("customers");
  const T = w.today;
  const H = w.historyStart;
  const usedEmails = new Set<string>();
  const deactivated = REPS.map((r) => r.deactivatedDaysAgo !== null);
  const ownerWeights = REPS.map((r, i) => [i, r.bookWeight] as const);
  const raw: Omit<Cust, "id" | "externalId" | "ownerId" | "lifetimeValue" | "events" | "recHistory" | "mainLine">[] = [];
  for (let i = 0; i < count; i++) {
    const segment = rng.weighted(SEGMENT_SHARE);
    const firstName = rng.pick(N.FIRST_NAMES);
    const lastName = rng.pick(N.LAST_NAMES);
    const prefix = rng.pick(N.COMPANY_PREFIXES);
    const core =
      segment === "SMB"
        ? `${rng.chance(0.3) ? rng.pick(N.CITIES) : prefix} ${rng.pick(N.COMPANY_NOUNS_SMB)}`
        : `${prefix} ${rng.pick(segment === "MID_MARKET" ? N.COMPANY_NOUNS_MID : N.COMPANY_NOUNS_ENT)}`;
    const company = `${core}${rng.pick(N.COMPANY_SUFFIXES)}`;
    let email = `${slug(firstName)}.${slug(lastName)}@${slug(core)}.example`;
    for (let n = 2; usedEmails.has(email); n++) email = `${slug(firstName)}.${slug(lastName)}${n}@${slug(core)}.example`;
    usedEmails.add(email);
    const phone = `+1 ${rng.pick(N.AREA_CODES)}-555-01${String(rng.int(0, 99)).padStart(2, "0")}`;

    let birthday: number | null;
    const b = rng.next();
    if (b < 0.04) birthday = null;
    else if (b < 0.075) {
      // Birthdays coming up in the next week, so today's queue has some.
      const next = new Date(T + rng.int(0, 7) * DAY_MS);
      birthday = Date.UTC(rng.int(1958, 2000), next.getUTCMonth(), next.getUTCDate());
    } else birthday = Date.UTC(rng.int(1955, 2001), 0, 1) + rng.int(0, 364) * DAY_MS;

    const renewalDate = rng.chance(RENEWAL_NULL[segment]) ? null : T + rng.int(1, 365) * DAY_MS;
    const createdAt = T - rng.int(1, 3 * 365) * DAY_MS + rng.int(8 * 60, 18 * 60) * MINUTE_MS;
    const yearsBeforeHistory = Math.max(0, (H - createdAt) / (365 * DAY_MS));
    const baseValue = yearsBeforeHistory > 0 ? rng.logNormal(BASE_VALUE_MEDIAN[segment], 0.7) * Math.min(1, 0.25 + yearsBeforeHistory / 2) : 0;
    const original = rng.weighted(ownerWeights);
    let owner = original;
    let formerOwner: number | null = null;
    let updatedAt = createdAt;
    if (deactivated[original]) {
      const spec = REPS[original];
      const teammates = REPS.map((r, j) => [j, r] as const).filter(([j, r]) => j !== original && r.team === spec?.team && !deactivated[j]);
      owner = rng.pick(teammates)[0];
      formerOwner = original;
      updatedAt = Math.max(createdAt, T - (spec?.deactivatedDaysAgo ?? 0) * DAY_MS + 10 * HOUR_MS);
    }
    raw.push({
      name: `${firstName} ${lastName}`,
      firstName,
      email,
      phone,
      company,
      segment,
      birthday: birthday === null ? null : new Date(birthday),
      renewalDate: renewalDate === null ? null : new Date(renewalDate),
      createdAt: new Date(createdAt),
      updatedAt: new Date(updatedAt),
      ...flagsAndConsent(rng.chance(0.015), rng.chance(0.06)),
      owner,
      formerOwner,
      activity: rng.logNormal(0.95, 0.5),
      silentFrom: rng.chance(0.15) ? dayStart(T - rng.int(60, 170) * DAY_MS) : null,
      baseValue,
    });
  }
  // External ids follow sign-up order, like a CRM's sequence. The main product
  // line comes from a fork of its own, so the draws above stay as they were.
  raw.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const lines = w.rng.fork("product-lines");
  return raw.map((c, i) => ({
    ...c,
    mainLine: lines.int(0, PRODUCT_LINES.length - 1),
    id: w.ids.uuid(),
    externalId: `CRM-${String(i + 1).padStart(6, "0")}`,
    ownerId: w.repIds[c.owner] as string,
    lifetimeValue: 0,
    events: [],
    recHistory: [],
  }));
}

function eventPayload(w: World, rng: Rng, type: EventType): Payload {
  switch (type) {
    case "PURCHASE":
      return { orderId: `SO-${String(++w.purchaseSeq).padStart(6, "0")}`, items: rng.int(1, 8) };
    case "WEB_VISIT":
      return { page: rng.pick(N.WEB_PAGES) };
    case "EMAIL_CLICK":
      return { campaign: rng.pick(N.EMAIL_CAMPAIGNS) };
    case "SUPPORT_TICKET":
      return { subject: rng.pick(N.TICKET_SUBJECTS) };
    case "MEETING":
      return { title: rng.pick(N.MEETING_TITLES) };
    case "CALL":
      return { outcome: rng.pick(N.CALL_OUTCOMES), durationMin: rng.int(2, 35) };
    case "EMAIL_SENT":
      return { subject: rng.pick(N.EMAIL_SUBJECTS) };
    case "CONTACT_FEEDBACK":
      return {};
  }
}

/** The product line of a purchase: mostly the customer's main line, otherwise any line (from the purchase's own hash, so other draws are unchanged). */
function productLineOf(c: Cust, orderId: string): string {
  const u = hashToUnit(`line|${c.id}|${orderId}`);
  const line = u < MAIN_LINE_SHARE ? c.mainLine : Math.floor(((u - MAIN_LINE_SHARE) / (1 - MAIN_LINE_SHARE)) * PRODUCT_LINES.length);
  return PRODUCT_LINES[Math.min(line, PRODUCT_LINES.length - 1)] as string;
}

export function addEvent(w: World, rng: Rng, c: Cust, type: EventType, at: number, extra?: Payload): void {
  const payload = { ...eventPayload(w, rng, type), ...extra };
  const amount = type === "PURCHASE" ? round(rng.logNormal(ORDER_MEDIAN[c.segment], 0.6), 2) : null;
  const productLine = type === "PURCHASE" ? productLineOf(c, String(payload.orderId)) : null;
  // Tickets are resolved after a few days; one still unresolved today is "open".
  const resolvedAt = type === "SUPPORT_TICKET" ? at + rng.logNormal(3, 1) * DAY_MS : 0;
  if (type === "SUPPORT_TICKET") payload.status = ticketStatus(resolvedAt, w.today);
  c.events.push({ type, occurredAt: new Date(at), amount, productLine, resolvedAt, payload });
}

const BUSINESS_HOURS: ReadonlySet<EventType> = new Set<EventType>(["MEETING", "CALL", "EMAIL_SENT", "SUPPORT_TICKET", "PURCHASE"]);

export function makeBaselineEvents(w: World, c: Cust, rng: Rng): void {
  const start = Math.max(w.historyStart, c.createdAt.getTime());
  const end = c.silentFrom ?? w.today;
  if (end <= start) return;
  const frac = (end - start) / (HISTORY_DAYS * DAY_MS);
  const rates = EVENT_RATES[c.segment];
  for (const type of EVENT_TYPES) {
    const n = rng.poisson(rates[type] * frac * c.activity);
    for (let k = 0; k < n; k++) {
      const at = randomMoment(rng, start, end, BUSINESS_HOURS.has(type));
      if (at !== null) addEvent(w, rng, c, type, at);
    }
  }
  // Bursts of interest: several visits (and a click or two) within a few days.
  const bursts = rng.poisson(1.3 * frac * c.activity);
  const burstAt = (from: number, to: number) => {
    const visits = rng.int(3, 7);
    for (let k = 0; k < visits; k++) addEvent(w, rng, c, "WEB_VISIT", Math.floor(rng.float(from, to)));
    const clicks = rng.int(0, 2);
    for (let k = 0; k < clicks; k++) addEvent(w, rng, c, "EMAIL_CLICK", Math.floor(rng.float(from, to)));
  };
  for (let b = 0; b < bursts; b++) {
    const from = rng.float(start, Math.max(start, end - 5 * DAY_MS));
    burstAt(from, Math.min(end, from + 5 * DAY_MS));
  }
  if (c.silentFrom === null && rng.chance(0.07)) burstAt(w.today - 6.5 * DAY_MS, w.today - HOUR_MS);
}


const ticketStatus = (resolvedAt: number, t: number) => (resolvedAt > t ? "open" : "closed");

/**
 * The events as the CRM showed them at `t`: the stored ticket status is the
 * one of today, but a ticket resolved later was still open back then. Only
 * ticket events are copied; the engine ignores events after `t` itself.
 */
export function eventsAsOf(events: readonly MemEvent[], t: number): EngineEvent[] {
  return events.map((e) => (e.type === "SUPPORT_TICKET" ? { ...e, payload: { ...e.payload, status: ticketStatus(e.resolvedAt, t) } } : e));
}

/** The customer as of `t`: contracts renew yearly, so before last year's renewal passed, that one was the next. */
export function customerAt(c: Cust, t: number, ownerId: string): EngineCustomer {
  const previous = c.renewalDate === null ? null : c.renewalDate.getTime() - 365 * DAY_MS;
  const renewalDate = previous !== null && previous >= dayStart(t) ? new Date(previous) : c.renewalDate;
  return renewalDate === c.renewalDate && ownerId === c.ownerId ? c : { ...c, renewalDate, ownerId };
}

/** Lifetime value: the value before the history window plus every purchase in it. */
export function lifetimeValueOf(c: Cust): number {
  return round(c.baseValue + c.events.reduce((s, e) => s + (e.type === "PURCHASE" ? (e.amount ?? 0) : 0), 0), 2);
}

/** The demo's consent: a few customers withdrew all contact, some marketing offers (the old flags' meaning). */
function flagsAndConsent(doNotContact: boolean, marketingOptOut: boolean) {
  return { doNotContact, marketingOptOut, consent: { SERVICE: !doNotContact, MARKETING: !(doNotContact || marketingOptOut), PROFILING: true } };
}
