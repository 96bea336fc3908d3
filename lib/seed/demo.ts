// The demo seed: three teams, ~12 reps, 1,500 customers, six months of events,
// recommendation/feedback/usage history and today's queue, so every screen
// and dashboard has shape on first open.
//
// Deterministic: one seeded PRNG (split into named streams) drives every
// value, ids included, and every date is relative to `today`, so the same
// seed and `today` always produce identical rows. Fast: everything is built in
// memory and written with chunked createMany calls, no per-row round trips.
import bcrypt from "bcryptjs";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { DismissReason, EventType, RecommendationStatus, Role, UsageEventType } from "@/lib/generated/prisma/enums";
import { DEMO_CATALOG, SEGMENTS, catalogSnapshot, renderTemplate, type ActionKey, type CatalogEntry, type Segment } from "./catalog";
import * as N from "./names";
import { Rng } from "./random";
import {
  DAY_MS,
  aggregate,
  contextAdjustment,
  contextWeight,
  deriveSignals,
  expiryFor,
  evaluateRule,
  reasonsFor,
  type AggregatableEvent,
  type SeedSignals,
  type SignalCustomer,
} from "./signals";
import { bulkInsert, type ColumnTypes } from "./bulk";
import { startOfUtcDay, type SeedClient } from "./client";
import { generateRecommendations, type GenerationResult } from "@/lib/data/generation";

export { startOfUtcDay, type SeedClient };

export const DEMO_PASSWORD = "nudge-demo";

export const DEMO_ACCOUNTS = {
  admin: { email: "admin@nudge.test", name: "Ada Admin", role: "ADMIN", team: null },
  manager: { email: "manager@nudge.test", name: "Morgan Manager", role: "MANAGER", team: "North" },
  rep: { email: "rep@nudge.test", name: "Riley Rep", role: "REP", team: "North" },
} as const satisfies Record<string, { email: string; name: string; role: Role; team: string | null }>;

export const DEMO_TEAMS = ["North", "South", "West"] as const;
export type DemoTeam = (typeof DEMO_TEAMS)[number];

/** Days of event and recommendation history before `today`. */
export const HISTORY_DAYS = 182;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface SeedOptions {
  seed?: number;
  /** The demo's "today" (start of a UTC day); history lies before it. */
  today?: Date;
  customers?: number;
  /** Progress lines (phase and elapsed time), e.g. console.log. */
  log?: (line: string) => void;
}

export interface SeedSummary {
  seed: number;
  today: string;
  teams: number;
  users: number;
  customers: number;
  events: number;
  actionTypes: number;
  recommendations: number;
  historyRecommendations: number;
  /** Today's queues, built by the real engine's batch generation. */
  todaysQueue: GenerationResult;
  feedback: number;
  usageEvents: number;
  auditLogs: number;
  /** Share of recommendations followed by a purchase within 14 days of creation. */
  conversion14d: { accepted: number; control: number; acceptedN: number; controlN: number };
  ms: number;
}

/** Empties every application table (not the migrations table) and resets identities. */
export async function wipeAppTables<O extends Prisma.PrismaClientOptions["omit"]>(prisma: SeedClient<O>): Promise<void> {
  await prisma.$executeRawUnsafe(
    `TRUNCATE TABLE "AuditLog", "ApiKey", "UsageEvent", "Feedback", "Recommendation", "CustomerEvent", "Customer", "ActionTypeVersion", "ActionType", "User", "Team" RESTART IDENTITY CASCADE`,
  );
}

// ---------------------------------------------------------------------------
// Roster

interface StaffSpec {
  email: string;
  name: string;
  team: DemoTeam;
}

interface RepSpec extends StaffSpec {
  /** Chance of using Nudge on a working day once adopted. */
  engagement: number;
  /** Multiplies the true acceptance rate: some reps act on more suggestions. */
  skill: number;
  /** Day index (0 = first history day) the rep starts using Nudge. */
  adoptDay: number;
  /** Days before today the rep stopped using Nudge (still active). */
  stoppedDaysAgo: number | null;
  /** Days before today the rep was deactivated (customers reassigned within the team). */
  deactivatedDaysAgo: number | null;
  /** Relative size of the rep's book. */
  bookWeight: number;
  /** Weekly recommendation cap. */
  cap: number;
}

const MANAGERS: readonly (StaffSpec & { engagement: number })[] = [
  { email: DEMO_ACCOUNTS.manager.email, name: DEMO_ACCOUNTS.manager.name, team: "North", engagement: 0.7 },
  { email: "priya.shah@nudge.test", name: "Priya Shah", team: "South", engagement: 0.55 },
  { email: "daniel.rossi@nudge.test", name: "Daniel Rossi", team: "West", engagement: 0.4 },
];

const REPS: readonly RepSpec[] = [
  { email: DEMO_ACCOUNTS.rep.email, name: DEMO_ACCOUNTS.rep.name, team: "North", engagement: 0.92, skill: 1.1, adoptDay: 0, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.92, cap: 25 },
  { email: "noah.kim@nudge.test", name: "Noah Kim", team: "North", engagement: 0.8, skill: 1.0, adoptDay: 3, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.05, cap: 25 },
  { email: "grace.okafor@nudge.test", name: "Grace Okafor", team: "North", engagement: 0.72, skill: 0.95, adoptDay: 82, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.0, cap: 22 },
  { email: "lucas.martin@nudge.test", name: "Lucas Martin", team: "North", engagement: 0.85, skill: 1.05, adoptDay: 1, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.1, cap: 25 },
  { email: "emma.larsen@nudge.test", name: "Emma Larsen", team: "South", engagement: 0.9, skill: 1.2, adoptDay: 0, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.0, cap: 25 },
  { email: "diego.torres@nudge.test", name: "Diego Torres", team: "South", engagement: 0.75, skill: 0.9, adoptDay: 5, stoppedDaysAgo: 30, deactivatedDaysAgo: null, bookWeight: 0.95, cap: 22 },
  { email: "hannah.novak@nudge.test", name: "Hannah Novak", team: "South", engagement: 0.6, skill: 0.85, adoptDay: 14, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.15, cap: 20 },
  { email: "omar.haddad@nudge.test", name: "Omar Haddad", team: "South", engagement: 0.82, skill: 1.0, adoptDay: 2, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.0, cap: 25 },
  { email: "chloe.nguyen@nudge.test", name: "Chloe Nguyen", team: "West", engagement: 0.86, skill: 1.1, adoptDay: 0, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.9, cap: 25 },
  { email: "samuel.green@nudge.test", name: "Samuel Green", team: "West", engagement: 0.66, skill: 0.9, adoptDay: 126, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.85, cap: 20 },
  { email: "mei.tanaka@nudge.test", name: "Mei Tanaka", team: "West", engagement: 0.8, skill: 1.0, adoptDay: 4, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.9, cap: 25 },
  { email: "jonas.fischer@nudge.test", name: "Jonas Fischer", team: "West", engagement: 0.7, skill: 0.9, adoptDay: 6, stoppedDaysAgo: null, deactivatedDaysAgo: 40, bookWeight: 0.9, cap: 22 },
];

// ---------------------------------------------------------------------------
// Behaviour tables

type EventRates = Record<EventType, number>;

/** Expected events per customer over the whole history window, before bursts. */
const EVENT_RATES: Record<Segment, EventRates> = {
  SMB: { PURCHASE: 0.9, WEB_VISIT: 12, EMAIL_CLICK: 4, SUPPORT_TICKET: 0.9, MEETING: 0.4, CALL: 2.5, EMAIL_SENT: 7 },
  MID_MARKET: { PURCHASE: 1.5, WEB_VISIT: 18, EMAIL_CLICK: 6, SUPPORT_TICKET: 1.7, MEETING: 1.8, CALL: 4.5, EMAIL_SENT: 10 },
  ENTERPRISE: { PURCHASE: 1.8, WEB_VISIT: 26, EMAIL_CLICK: 8, SUPPORT_TICKET: 2.8, MEETING: 3.5, CALL: 6.5, EMAIL_SENT: 13 },
};

const SEGMENT_SHARE: readonly (readonly [Segment, number])[] = [
  ["SMB", 0.65],
  ["MID_MARKET", 0.25],
  ["ENTERPRISE", 0.1],
];

const ORDER_MEDIAN: Record<Segment, number> = { SMB: 350, MID_MARKET: 2800, ENTERPRISE: 14000 };
const BASE_VALUE_MEDIAN: Record<Segment, number> = { SMB: 2500, MID_MARKET: 22000, ENTERPRISE: 150000 };
const RENEWAL_NULL: Record<Segment, number> = { SMB: 0.45, MID_MARKET: 0.15, ENTERPRISE: 0.05 };

/** The "truth" the learning loop should discover: acceptance given shown, by action... */
const TRUE_ACCEPT: Record<ActionKey, number> = {
  discount_offer: 0.2,
  book_meeting: 0.34,
  birthday_note: 0.62,
  renewal_checkin: 0.5,
  winback_call: 0.24,
  cross_sell: 0.28,
  support_followup: 0.58,
};

/** ...and by segment. */
const SEGMENT_ACCEPT: Record<Segment, Partial<Record<ActionKey, number>> & { default: number }> = {
  SMB: { default: 0.92, discount_offer: 1.35, winback_call: 1.15, book_meeting: 0.7 },
  MID_MARKET: { default: 1.0, cross_sell: 1.1 },
  ENTERPRISE: { default: 1.05, discount_offer: 0.5, book_meeting: 1.3, cross_sell: 1.45, renewal_checkin: 1.2 },
};

/** Extra chance of a purchase within 14 days after an accepted/done recommendation (the real uplift). */
const ACCEPTED_PURCHASE_UPLIFT = 0.09;

const DISMISS_REASONS: Record<ActionKey | "default", readonly (readonly [DismissReason, number])[]> = {
  default: [["NOT_RELEVANT", 30], ["ALREADY_DONE", 20], ["BAD_TIMING", 25], ["CUSTOMER_DECLINED", 15], ["OTHER", 10]],
  discount_offer: [["CUSTOMER_DECLINED", 35], ["NOT_RELEVANT", 30], ["BAD_TIMING", 20], ["ALREADY_DONE", 5], ["OTHER", 10]],
  birthday_note: [["ALREADY_DONE", 45], ["NOT_RELEVANT", 30], ["BAD_TIMING", 10], ["OTHER", 15]],
  renewal_checkin: [["ALREADY_DONE", 40], ["BAD_TIMING", 30], ["NOT_RELEVANT", 15], ["OTHER", 15]],
  winback_call: [["CUSTOMER_DECLINED", 30], ["NOT_RELEVANT", 30], ["BAD_TIMING", 25], ["OTHER", 15]],
  cross_sell: [["NOT_RELEVANT", 40], ["CUSTOMER_DECLINED", 30], ["BAD_TIMING", 20], ["OTHER", 10]],
  support_followup: [["ALREADY_DONE", 55], ["NOT_RELEVANT", 25], ["OTHER", 20]],
  book_meeting: [["BAD_TIMING", 35], ["CUSTOMER_DECLINED", 25], ["NOT_RELEVANT", 25], ["OTHER", 15]],
};

const DISMISS_NOTES = [
  "Customer is mid-migration, revisit next quarter",
  "Handled by their account manager",
  "Waiting on legal review",
  "Duplicate of a task already in the CRM",
  "Spoke to them last week by phone",
] as const;

const DASHBOARDS = ["adoption", "conversion", "model"] as const;

// ---------------------------------------------------------------------------
// In-memory world

type Payload = Record<string, string | number | boolean>;

interface MemEvent extends AggregatableEvent {
  payload: Payload;
}

interface Cust extends SignalCustomer {
  id: string;
  externalId: string;
  name: string;
  firstName: string;
  email: string;
  phone: string;
  company: string;
  segment: Segment;
  doNotContact: boolean;
  marketingOptOut: boolean;
  /** Index into REPS of the current owner (always an active rep). */
  owner: number;
  /** Index into REPS of the deactivated rep who owned the customer until then, if any. */
  formerOwner: number | null;
  updatedAt: number;
  activity: number;
  silentFrom: number | null;
  baseValue: number;
  events: MemEvent[];
}

interface World {
  rng: Rng;
  ids: Rng;
  today: number;
  historyStart: number;
  repIds: string[];
  /** Per rep, per history day: did the rep open Nudge that day. */
  activeDays: boolean[][];
  custs: Cust[];
  actionIds: Map<ActionKey, string>;
  purchaseSeq: number;
}

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const isWorkingDay = (ms: number) => {
  const wd = new Date(ms).getUTCDay();
  return wd >= 1 && wd <= 5;
};
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A time on `day` between the given hours (UTC), with seconds. */
function timeOnDay(rng: Rng, day: number, fromHour: number, toHour: number): number {
  return day + fromHour * HOUR_MS + rng.int(0, (toHour - fromHour) * 60 - 1) * MINUTE_MS + rng.int(0, 59) * 1000;
}

/** Moves a weekend day to the nearest working day. */
function toWorkingDay(day: number): number {
  const wd = new Date(day).getUTCDay();
  if (wd === 6) return day - DAY_MS;
  if (wd === 0) return day + DAY_MS;
  return day;
}

/** A random moment in [start, end); business hours on working days when `business`. Null if it falls outside. */
function randomMoment(rng: Rng, start: number, end: number, business: boolean): number | null {
  const t = start + rng.next() * (end - start);
  if (!business) return Math.floor(t);
  const at = timeOnDay(rng, toWorkingDay(dayStart(t)), 8, 18);
  return at >= start && at < end ? at : null;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "");
}

// ---------------------------------------------------------------------------
// Customers and events

function makeCustomers(w: World, count: number): Cust[] {
  const rng = w.rng.fork("customers");
  const T = w.today;
  const H = w.historyStart;
  const usedEmails = new Set<string>();
  const deactivated = REPS.map((r) => r.deactivatedDaysAgo !== null);
  const ownerWeights = REPS.map((r, i) => [i, r.bookWeight] as const);
  const raw: Omit<Cust, "id" | "externalId" | "events" | "lifetimeValue">[] = [];
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
      birthday,
      renewalDate,
      createdAt,
      updatedAt,
      doNotContact: rng.chance(0.015),
      marketingOptOut: rng.chance(0.06),
      owner,
      formerOwner,
      activity: rng.logNormal(0.95, 0.5),
      silentFrom: rng.chance(0.15) ? dayStart(T - rng.int(60, 170) * DAY_MS) : null,
      baseValue,
    });
  }
  // External ids follow sign-up order, like a CRM's sequence.
  raw.sort((a, b) => a.createdAt - b.createdAt);
  return raw.map((c, i) => ({
    ...c,
    id: w.ids.uuid(),
    externalId: `CRM-${String(i + 1).padStart(6, "0")}`,
    lifetimeValue: 0,
    events: [],
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
  }
}

function addEvent(w: World, rng: Rng, c: Cust, type: EventType, at: number, extra?: Payload): void {
  const payload = { ...eventPayload(w, rng, type), ...extra };
  const amount = type === "PURCHASE" ? round(rng.logNormal(ORDER_MEDIAN[c.segment], 0.6), 2) : null;
  // Tickets are resolved after a few days; one still unresolved today is "open".
  const openUntil = type === "SUPPORT_TICKET" ? at + rng.logNormal(3, 1) * DAY_MS : 0;
  if (type === "SUPPORT_TICKET") payload.status = openUntil > w.today ? "open" : "closed";
  c.events.push({ type, at, amount, openUntil, payload });
}

const EVENT_TYPES: readonly EventType[] = ["PURCHASE", "WEB_VISIT", "EMAIL_CLICK", "SUPPORT_TICKET", "MEETING", "CALL", "EMAIL_SENT"];
const BUSINESS_HOURS: ReadonlySet<EventType> = new Set<EventType>(["MEETING", "CALL", "EMAIL_SENT", "SUPPORT_TICKET", "PURCHASE"]);

function makeBaselineEvents(w: World, c: Cust, rng: Rng): void {
  const start = Math.max(w.historyStart, c.createdAt);
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

// ---------------------------------------------------------------------------
// Rep activity

function makeActiveDays(w: World): boolean[][] {
  const rng = w.rng.fork("activity");
  return REPS.map((rep) => {
    const days: boolean[] = [];
    const stopDay = rep.stoppedDaysAgo !== null ? HISTORY_DAYS - rep.stoppedDaysAgo : Infinity;
    const endDay = rep.deactivatedDaysAgo !== null ? HISTORY_DAYS - rep.deactivatedDaysAgo : Infinity;
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      const ramp = Math.min(1, 0.45 + (0.55 * (d - rep.adoptDay)) / 30);
      const on = isWorkingDay(day) && d >= rep.adoptDay && d < stopDay && d < endDay && rng.chance(rep.engagement * ramp);
      days.push(on);
    }
    return days;
  });
}

// ---------------------------------------------------------------------------
// Recommendation history

type RecRow = Prisma.RecommendationCreateManyInput & { id: string; createdAt: Date; status: RecommendationStatus };
type FeedbackRow = Prisma.FeedbackCreateManyInput & { createdAt: Date };

interface RecOutcome {
  rec: RecRow;
  key: ActionKey;
  customer: Cust;
  repIdx: number;
  shown: boolean;
  positive: boolean;
  createdAt: number;
}

interface HistoryResult {
  recs: RecRow[];
  feedback: FeedbackRow[];
  outcomes: RecOutcome[];
}

interface Candidate {
  customer: Cust;
  entry: CatalogEntry;
  signals: SeedSignals;
  propensity: number;
  ctxAdj: number;
  score: number;
}

/** The customer as of `t`: contracts renew yearly, so before last year's renewal passed, that one was the next. */
function signalCustomerAt(c: Cust, t: number): SignalCustomer {
  const previous = c.renewalDate === null ? null : c.renewalDate - 365 * DAY_MS;
  return previous !== null && previous >= dayStart(t) ? { ...c, renewalDate: previous } : c;
}

function ownerAt(c: Cust, t: number, today: number): number {
  if (c.formerOwner !== null) {
    const ago = REPS[c.formerOwner]?.deactivatedDaysAgo ?? 0;
    if (t < today - ago * DAY_MS) return c.formerOwner;
  }
  return c.owner;
}

function trueAcceptRate(key: ActionKey, segment: Segment, rep: RepSpec, ctxAdj: number): number {
  const seg = SEGMENT_ACCEPT[segment];
  return clamp(TRUE_ACCEPT[key] * (seg[key] ?? seg.default) * rep.skill * ctxAdj, 0.02, 0.92);
}

/** Learned estimate, as the model would have it at generation time: Beta posterior mean × context. */
function posteriorMean(entry: CatalogEntry, counts: { acc: number; n: number } | undefined): number {
  return (entry.priorAlpha + (counts?.acc ?? 0)) / (entry.priorAlpha + entry.priorBeta + (counts?.n ?? 0));
}

function simulateHistory(w: World): HistoryResult {
  const rng = w.rng.fork("history");
  const T = w.today;
  const recs: RecRow[] = [];
  const feedback: FeedbackRow[] = [];
  const outcomes: RecOutcome[] = [];
  const counts = new Map<string, { acc: number; n: number }>();
  const lastRecAt = new Map<string, number>();
  const openPairs = new Set<string>();
  const weeks = Math.floor(HISTORY_DAYS / 7);

  for (let wk = weeks; wk >= 1; wk--) {
    const genDay = T - wk * 7 * DAY_MS;
    const genAt = genDay + 6 * HOUR_MS;
    const genDayIdx = Math.round((genDay - w.historyStart) / DAY_MS);
    const modelVersion = `bb-${iso(genDay)}-seed`;
    const byRep = new Map<number, Candidate[]>();
    for (const c of w.custs) {
      if (c.createdAt > genAt || c.doNotContact) continue;
      const repIdx = ownerAt(c, genAt, T);
      const signals = deriveSignals(signalCustomerAt(c, genAt), aggregate(c.events, genAt), genAt);
      let best: Candidate | null = null;
      for (const entry of DEMO_CATALOG) {
        if (entry.category === "OFFER" && c.marketingOptOut) continue;
        const pair = `${c.id}|${entry.key}`;
        if (openPairs.has(pair)) continue;
        const last = lastRecAt.get(pair);
        if (last !== undefined && genAt - last < entry.cooldownDays * DAY_MS) continue;
        if (!evaluateRule(entry.rule, signals)) continue;
        const ctxAdj = contextAdjustment(entry.key, signals);
        const propensity = clamp(posteriorMean(entry, counts.get(`${entry.key}|${c.segment}`)) * ctxAdj, 0.01, 0.95);
        const score = propensity * entry.businessValue * contextWeight(entry.key, signals) * entry.lever;
        if (!best || score > best.score) best = { customer: c, entry, signals, propensity, ctxAdj, score };
      }
      if (best) {
        const list = byRep.get(repIdx) ?? [];
        list.push(best);
        byRep.set(repIdx, list);
      }
    }

    const weekOutcomes: RecOutcome[] = [];
    for (let repIdx = 0; repIdx < REPS.length; repIdx++) {
      const rep = REPS[repIdx];
      const repId = w.repIds[repIdx];
      const list = byRep.get(repIdx);
      if (!rep || !repId || !list) continue;
      list.sort((a, b) => b.score - a.score || a.customer.externalId.localeCompare(b.customer.externalId));
      for (const cand of list.slice(0, rep.cap)) {
        const o = simulateRecommendation(w, rng, cand, repIdx, repId, genAt, genDayIdx, modelVersion, feedback);
        recs.push(o.rec);
        outcomes.push(o);
        weekOutcomes.push(o);
        const pair = `${cand.customer.id}|${cand.entry.key}`;
        lastRecAt.set(pair, genAt);
        if (o.rec.status === "PENDING" || o.rec.status === "ACCEPTED" || o.rec.status === "SNOOZED") openPairs.add(pair);
      }
    }
    // The model learns from this week's reactions before the next generation.
    for (const o of weekOutcomes) {
      if (!o.shown || o.rec.isControl) continue;
      const k = `${o.key}|${o.customer.segment}`;
      const cur = counts.get(k) ?? { acc: 0, n: 0 };
      cur.n++;
      if (o.positive) cur.acc++;
      counts.set(k, cur);
    }
  }
  return { recs, feedback, outcomes };
}

function simulateRecommendation(
  w: World,
  rng: Rng,
  cand: Candidate,
  repIdx: number,
  repId: string,
  genAt: number,
  genDayIdx: number,
  modelVersion: string,
  feedback: FeedbackRow[],
): RecOutcome {
  const T = w.today;
  const { customer: c, entry, signals } = cand;
  const rep = REPS[repIdx] as RepSpec;
  // Nothing the rep does happens after they stopped using Nudge or left.
  const repEnd = T - (rep.stoppedDaysAgo ?? rep.deactivatedDaysAgo ?? 0) * DAY_MS;
  const actionTypeId = w.actionIds.get(entry.key) ?? "";
  const id = w.ids.uuid();
  const isControl = rng.chance(entry.controlGroupPct / 100);
  let expiresAt = expiryFor(entry, signals, genAt);
  const fb = (kind: FeedbackRow["kind"], previousStatus: RecommendationStatus, at: number, extra?: Partial<FeedbackRow>) =>
    feedback.push({ recommendationId: id, userId: repId, kind, previousStatus, createdAt: new Date(at), ...extra });

  let status: RecommendationStatus = expiresAt <= T ? "EXPIRED" : "PENDING";
  let shownAt: number | null = null;
  let decidedAt: number | null = null;
  let snoozedUntil: number | null = null;
  let positive = false;
  let positiveAt = 0;

  if (!isControl) {
    const activity = w.activeDays[repIdx] ?? [];
    for (let d = genDayIdx; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      if (day >= expiresAt) break;
      if (activity[d]) {
        const at = timeOnDay(rng, day, 8, 17);
        if (at > genAt && at < expiresAt) shownAt = at;
        break;
      }
    }
  }

  if (shownAt !== null) {
    const p = trueAcceptRate(entry.key, c.segment, rep, cand.ctxAdj);
    const u = rng.next();
    if (u < p) {
      positive = true;
      if (rng.chance(0.65)) {
        const acceptAt = shownAt + rng.int(2, 180) * MINUTE_MS;
        fb("ACCEPT", "PENDING", acceptAt);
        let doneAt = rng.chance(0.4)
          ? acceptAt + rng.int(10, 240) * MINUTE_MS
          : timeOnDay(rng, toWorkingDay(dayStart(acceptAt) + rng.int(1, rng.chance(0.2) ? 12 : 3) * DAY_MS), 8, 18);
        if (doneAt >= repEnd) doneAt = acceptAt + rng.int(10, 240) * MINUTE_MS;
        if (doneAt < T && doneAt > acceptAt) {
          fb("DONE", "ACCEPTED", doneAt);
          status = "DONE";
          decidedAt = doneAt;
        } else {
          status = "ACCEPTED";
          decidedAt = acceptAt;
        }
        positiveAt = Math.min(doneAt, T - HOUR_MS);
      } else {
        const doneAt = shownAt + rng.int(5, 240) * MINUTE_MS;
        fb("DONE", "PENDING", doneAt);
        status = "DONE";
        decidedAt = doneAt;
        positiveAt = doneAt;
      }
    } else {
      const rest = (u - p) / (1 - p);
      if (rest < 0.55) {
        const at = shownAt + rng.int(1, 120) * MINUTE_MS;
        const reason = rng.weighted(DISMISS_REASONS[entry.key] ?? DISMISS_REASONS.default);
        fb("DISMISS", "PENDING", at, { dismissReason: reason, note: reason === "OTHER" ? rng.pick(DISMISS_NOTES) : null });
        status = "DISMISSED";
        decidedAt = at;
      } else if (rest < 0.67) {
        const at = shownAt + rng.int(1, 60) * MINUTE_MS;
        const until = toWorkingDay(dayStart(at) + rng.int(2, 7) * DAY_MS) + 8 * HOUR_MS;
        fb("SNOOZE", "PENDING", at, { snoozeUntil: new Date(until) });
        decidedAt = at;
        // A snooze keeps the suggestion alive past its original expiry.
        expiresAt = Math.max(expiresAt, until + 3 * DAY_MS);
        if (until >= T) {
          status = "SNOOZED";
          snoozedUntil = until;
        } else if (rng.chance(0.5)) {
          const doneAt = until + rng.int(30, 300) * MINUTE_MS;
          if (doneAt < T && doneAt < repEnd) {
            fb("DONE", "SNOOZED", doneAt);
            status = "DONE";
            decidedAt = doneAt;
            positive = true;
            positiveAt = doneAt;
            snoozedUntil = until;
          } else {
            status = expiresAt <= T ? "EXPIRED" : "SNOOZED";
            snoozedUntil = until;
          }
        } else {
          status = expiresAt <= T ? "EXPIRED" : "SNOOZED";
          snoozedUntil = until;
        }
      } else {
        status = expiresAt <= T ? "EXPIRED" : "PENDING";
      }
    }
  }

  if (positive && positiveAt < T) {
    // Acting on it leaves a trace: a call, meeting or email, and sometimes an order.
    const contact: EventType =
      entry.key === "book_meeting" ? "MEETING" : entry.key === "winback_call" || entry.key === "renewal_checkin" ? "CALL" : "EMAIL_SENT";
    const contactAt = entry.key === "book_meeting" ? timeOnDay(rng, toWorkingDay(dayStart(positiveAt) + rng.int(2, 8) * DAY_MS), 9, 17) : positiveAt + rng.int(1, 30) * MINUTE_MS;
    const silent = c.silentFrom !== null && contactAt >= c.silentFrom;
    if (contactAt < T && !silent) addEvent(w, rng, c, contact, contactAt, { via: "nudge" });
    if (rng.chance(ACCEPTED_PURCHASE_UPLIFT)) {
      const buyAt = rng.float(positiveAt + 0.25 * DAY_MS, Math.max(positiveAt + 0.5 * DAY_MS, genAt + 13.5 * DAY_MS));
      if (buyAt < T && (c.silentFrom === null || buyAt < c.silentFrom)) addEvent(w, rng, c, "PURCHASE", Math.floor(buyAt));
    }
  }

  const propensity = round(cand.propensity, 4);
  const rec: RecRow = {
    id,
    customerId: c.id,
    actionTypeId,
    actionTypeVersion: 1,
    repId,
    score: round(cand.score, 4),
    propensity,
    expectedValue: round(cand.propensity * entry.businessValue, 2),
    message: renderTemplate(entry.messageTemplate, { firstName: c.firstName, name: c.name, company: c.company }),
    reasons: reasonsFor(entry.key, signals, propensity),
    status,
    isControl,
    modelVersion,
    createdAt: new Date(genAt),
    expiresAt: new Date(expiresAt),
    shownAt: shownAt === null ? null : new Date(shownAt),
    snoozedUntil: snoozedUntil === null ? null : new Date(snoozedUntil),
    decidedAt: decidedAt === null ? null : new Date(decidedAt),
  };
  return { rec, key: entry.key, customer: c, repIdx, shown: shownAt !== null, positive, createdAt: genAt };
}

// ---------------------------------------------------------------------------
// Usage

function makeUsage(w: World, feedback: readonly FeedbackRow[], managerIds: readonly string[], adminId: string): Prisma.UsageEventCreateManyInput[] {
  const rng = w.rng.fork("usage");
  const rows: Prisma.UsageEventCreateManyInput[] = [];
  const add = (userId: string, type: UsageEventType, at: number, meta?: Payload) =>
    rows.push({ userId, type, at: new Date(at), ...(meta ? { meta } : {}) });

  const reactionsByUserDay = new Map<string, FeedbackRow[]>();
  for (const f of feedback) {
    const key = `${f.userId}|${dayStart(f.createdAt.getTime())}`;
    const list = reactionsByUserDay.get(key) ?? [];
    list.push(f);
    reactionsByUserDay.set(key, list);
  }
  const booksByRep = REPS.map(() => [] as Cust[]);
  for (const c of w.custs) booksByRep[ownerAt(c, w.today - 60 * DAY_MS, w.today)]?.push(c);

  for (let r = 0; r < REPS.length; r++) {
    const userId = w.repIds[r];
    const book = booksByRep[r] ?? [];
    if (!userId) continue;
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      const reactions = reactionsByUserDay.get(`${userId}|${day}`) ?? [];
      if (!w.activeDays[r]?.[d] && reactions.length === 0) continue;
      const firstReaction = reactions.reduce((m, f) => Math.min(m, f.createdAt.getTime()), Infinity);
      const signIn = Math.min(timeOnDay(rng, day, 7, 9), firstReaction - rng.int(3, 20) * MINUTE_MS);
      add(userId, "SIGN_IN", signIn, { method: "password" });
      const views = rng.int(1, 4);
      for (let k = 0; k < views; k++) add(userId, "QUEUE_VIEW", k === 0 ? signIn + rng.int(1, 5) * MINUTE_MS : timeOnDay(rng, day, 9, 18));
      const customerViews = book.length ? rng.int(1, 8) : 0;
      for (let k = 0; k < customerViews; k++) add(userId, "CUSTOMER_VIEW", timeOnDay(rng, day, 9, 18), { customerId: rng.pick(book).id });
      for (const f of reactions) add(userId, "REACTION", f.createdAt.getTime(), { recommendationId: f.recommendationId, kind: f.kind });
    }
  }
  const managerEngagement = MANAGERS.map((m) => m.engagement);
  managerIds.forEach((userId, m) => {
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      if (!isWorkingDay(day) || !rng.chance(managerEngagement[m] ?? 0.5)) continue;
      const signIn = timeOnDay(rng, day, 7, 10);
      add(userId, "SIGN_IN", signIn, { method: "password" });
      const n = rng.int(1, 3);
      for (let k = 0; k < n; k++) add(userId, "DASHBOARD_VIEW", signIn + rng.int(1, 480) * MINUTE_MS, { dashboard: rng.pick(DASHBOARDS) });
    }
  });
  for (let d = 0; d < HISTORY_DAYS; d++) {
    const day = w.historyStart + d * DAY_MS;
    if (!isWorkingDay(day) || !rng.chance(0.25)) continue;
    const signIn = timeOnDay(rng, day, 8, 17);
    add(adminId, "SIGN_IN", signIn, { method: "password" });
    if (rng.chance(0.5)) add(adminId, "DASHBOARD_VIEW", signIn + rng.int(1, 30) * MINUTE_MS, { dashboard: rng.pick(DASHBOARDS) });
  }
  return rows.sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime());
}

// ---------------------------------------------------------------------------
// Writing

const TS = "timestamp(3)";
const CUSTOMER_COLUMNS: ColumnTypes<Prisma.CustomerCreateManyInput> = {
  id: "uuid", externalId: "text", name: "text", email: "text", phone: "text", company: "text", segment: "text", birthday: "date",
  ownerId: "uuid", lifetimeValue: "numeric", renewalDate: "date", doNotContact: "boolean", marketingOptOut: "boolean", createdAt: TS, updatedAt: TS,
};
const EVENT_COLUMNS: ColumnTypes<Prisma.CustomerEventCreateManyInput> = {
  customerId: "uuid", type: '"EventType"', occurredAt: TS, amount: "numeric", payload: "jsonb", source: "text", createdAt: TS,
};
const RECOMMENDATION_COLUMNS: ColumnTypes<Prisma.RecommendationCreateManyInput> = {
  id: "uuid", customerId: "uuid", actionTypeId: "uuid", actionTypeVersion: "integer", repId: "uuid", score: "float8", propensity: "float8",
  expectedValue: "float8", message: "text", reasons: "jsonb", status: '"RecommendationStatus"', isControl: "boolean", modelVersion: "text",
  createdAt: TS, expiresAt: TS, shownAt: TS, snoozedUntil: TS, decidedAt: TS,
};
const FEEDBACK_COLUMNS: ColumnTypes<Prisma.FeedbackCreateManyInput> = {
  recommendationId: "uuid", userId: "uuid", kind: '"FeedbackKind"', dismissReason: '"DismissReason"', note: "text", snoozeUntil: TS,
  previousStatus: '"RecommendationStatus"', createdAt: TS,
};
const USAGE_COLUMNS: ColumnTypes<Prisma.UsageEventCreateManyInput> = { userId: "uuid", type: '"UsageEventType"', at: TS, meta: "jsonb" };

function conversion(outcomes: readonly RecOutcome[], today: number) {
  const purchases = new Map<string, number[]>();
  const rate = (list: readonly RecOutcome[]) => {
    let hit = 0;
    for (const o of list) {
      let times = purchases.get(o.customer.id);
      if (!times) {
        times = o.customer.events.filter((e) => e.type === "PURCHASE").map((e) => e.at);
        purchases.set(o.customer.id, times);
      }
      if (times.some((t) => t > o.createdAt && t <= o.createdAt + 14 * DAY_MS)) hit++;
    }
    return { n: list.length, rate: list.length ? round(hit / list.length, 4) : 0 };
  };
  const matured = outcomes.filter((o) => o.createdAt + 14 * DAY_MS <= today);
  const accepted = rate(matured.filter((o) => !o.rec.isControl && o.positive));
  const control = rate(matured.filter((o) => o.rec.isControl));
  return { accepted: accepted.rate, control: control.rate, acceptedN: accepted.n, controlN: control.n };
}

/**
 * Seeds the demo into an empty, migrated database. The caller makes sure it is
 * empty (see scripts/seed.ts and `wipeAppTables`).
 */
export async function seedDemo<O extends Prisma.PrismaClientOptions["omit"]>(prisma: SeedClient<O>, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = Date.now();
  const seed = options.seed ?? 42;
  const today = startOfUtcDay(options.today ?? new Date()).getTime();
  const customerCount = options.customers ?? 1500;
  let lap = started;
  const phase = (name: string) => {
    const t = Date.now();
    options.log?.(`  ${name.padEnd(28)} ${((t - lap) / 1000).toFixed(2)} s`);
    lap = t;
  };
  const root = new Rng(`nudge-demo:${seed}`);
  const ids = root.fork("ids");
  const w: World = {
    rng: root,
    ids,
    today,
    historyStart: today - HISTORY_DAYS * DAY_MS,
    repIds: REPS.map(() => ids.uuid()),
    activeDays: [],
    custs: [],
    actionIds: new Map(),
    purchaseSeq: 0,
  };
  const H = w.historyStart;

  // Staff.
  const adminId = ids.uuid();
  const managerIds = MANAGERS.map(() => ids.uuid());
  const teamIds = new Map<DemoTeam, string>(DEMO_TEAMS.map((t) => [t, ids.uuid()]));
  const salt = `$2b$10$${bcrypt.encodeBase64(root.fork("salt").bytes(16), 16)}`;
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, salt);
  phase("password hash");
  const staffCreated = new Date(H - 30 * DAY_MS + 9 * HOUR_MS);
  const users: Prisma.UserCreateManyInput[] = [
    { id: adminId, email: DEMO_ACCOUNTS.admin.email, name: DEMO_ACCOUNTS.admin.name, role: "ADMIN", teamId: null, passwordHash, active: true, createdAt: new Date(H - 45 * DAY_MS + 9 * HOUR_MS) },
    ...MANAGERS.map((m, i): Prisma.UserCreateManyInput => ({
      id: managerIds[i] as string,
      email: m.email,
      name: m.name,
      role: "MANAGER",
      teamId: teamIds.get(m.team) ?? null,
      passwordHash,
      active: true,
      createdAt: staffCreated,
    })),
    ...REPS.map((r, i): Prisma.UserCreateManyInput => ({
      id: w.repIds[i] as string,
      email: r.email,
      name: r.name,
      role: "REP",
      teamId: teamIds.get(r.team) ?? null,
      passwordHash,
      active: r.deactivatedDaysAgo === null,
      createdAt: new Date(Math.min(staffCreated.getTime(), H + (r.adoptDay - 7) * DAY_MS) + i * MINUTE_MS),
    })),
  ];

  // Catalog.
  const catalogAt = new Date(H - 10 * DAY_MS + 10 * HOUR_MS);
  const actionTypes: Prisma.ActionTypeCreateManyInput[] = [];
  const versions: Prisma.ActionTypeVersionCreateManyInput[] = [];
  const audit: Prisma.AuditLogCreateManyInput[] = [];
  for (const entry of DEMO_CATALOG) {
    const id = ids.uuid();
    w.actionIds.set(entry.key, id);
    const { rule, ...rest } = entry;
    actionTypes.push({
      id,
      ...rest,
      rule,
      businessValue: entry.businessValue.toFixed(2),
      active: true,
      version: 1,
      updatedById: adminId,
      createdAt: catalogAt,
      updatedAt: catalogAt,
    });
    const snapshot = catalogSnapshot(entry, 1);
    versions.push({ id: ids.uuid(), actionTypeId: id, version: 1, snapshot, createdAt: catalogAt });
    audit.push({ actorId: adminId, entity: "ActionType", entityId: id, action: "create", after: snapshot, at: catalogAt });
  }

  // Customers, events, history.
  w.custs = makeCustomers(w, customerCount);
  const evRng = root.fork("events");
  for (const c of w.custs) makeBaselineEvents(w, c, evRng);
  for (const c of w.custs) {
    const purchases = c.events.reduce((s, e) => s + (e.type === "PURCHASE" ? (e.amount ?? 0) : 0), 0);
    c.lifetimeValue = round(c.baseValue + purchases, 2);
  }
  w.activeDays = makeActiveDays(w);
  phase("customers and events");
  const history = simulateHistory(w);
  phase("recommendation history");
  const feedback = history.feedback.slice().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const usage = makeUsage(w, feedback, managerIds, adminId);

  REPS.forEach((r, i) => {
    if (r.deactivatedDaysAgo === null) return;
    audit.push({
      actorId: adminId,
      entity: "User",
      entityId: w.repIds[i] as string,
      action: "deactivate",
      before: { active: true },
      after: { active: false },
      at: new Date(today - r.deactivatedDaysAgo * DAY_MS + 10 * HOUR_MS),
    });
  });

  const customers: Prisma.CustomerCreateManyInput[] = [];
  const events: Prisma.CustomerEventCreateManyInput[] = [];
  for (const c of w.custs) {
    const purchases = c.events.reduce((s, e) => s + (e.type === "PURCHASE" ? (e.amount ?? 0) : 0), 0);
    customers.push({
      id: c.id,
      externalId: c.externalId,
      name: c.name,
      email: c.email,
      phone: c.phone,
      company: c.company,
      segment: c.segment,
      birthday: c.birthday === null ? null : new Date(c.birthday),
      ownerId: w.repIds[c.owner] as string,
      lifetimeValue: (c.baseValue + purchases).toFixed(2),
      renewalDate: c.renewalDate === null ? null : new Date(c.renewalDate),
      doNotContact: c.doNotContact,
      marketingOptOut: c.marketingOptOut,
      createdAt: new Date(c.createdAt),
      updatedAt: new Date(c.updatedAt),
    });
    c.events.sort((a, b) => a.at - b.at);
    for (const e of c.events) {
      events.push({
        customerId: c.id,
        type: e.type,
        occurredAt: new Date(e.at),
        amount: e.amount === null ? null : e.amount.toFixed(2),
        payload: e.payload,
        source: "seed",
        createdAt: new Date(e.at),
      });
    }
  }

  phase("usage and rows");
  // Write. Teams first without managers (users reference teams), then users,
  // then the team managers.
  await prisma.team.createMany({
    data: DEMO_TEAMS.map((name, i) => ({ id: teamIds.get(name) as string, name, managerId: null, createdAt: new Date(staffCreated.getTime() - (3 - i) * MINUTE_MS) })),
  });
  await prisma.user.createMany({ data: users });
  for (const [i, m] of MANAGERS.entries()) {
    await prisma.team.update({ where: { id: teamIds.get(m.team) as string }, data: { managerId: managerIds[i] as string } });
  }
  await prisma.actionType.createMany({ data: actionTypes });
  await prisma.actionTypeVersion.createMany({ data: versions });
  await bulkInsert(prisma, "Customer", CUSTOMER_COLUMNS, customers);
  phase(`write ${customers.length} customers`);
  await bulkInsert(prisma, "CustomerEvent", EVENT_COLUMNS, events);
  phase(`write ${events.length} events`);
  await bulkInsert(prisma, "Recommendation", RECOMMENDATION_COLUMNS, history.recs);
  await bulkInsert(prisma, "Feedback", FEEDBACK_COLUMNS, feedback);
  phase(`write ${history.recs.length} recs + feedback`);
  await bulkInsert(prisma, "UsageEvent", USAGE_COLUMNS, usage);
  await prisma.auditLog.createMany({ data: audit });
  phase(`write ${usage.length} usage + audit`);

  // Today's queues come from the real engine (batch generation), learning
  // from the history just written, at 08:00 UTC of the seeded day.
  const queue = await generateRecommendations({ now: new Date(today + 8 * 3_600_000), seed: `demo:${seed}` }, prisma);
  phase("today's queue");

  return {
    seed,
    today: iso(today),
    teams: DEMO_TEAMS.length,
    users: users.length,
    customers: customers.length,
    events: events.length,
    actionTypes: actionTypes.length,
    recommendations: history.recs.length + queue.created,
    historyRecommendations: history.recs.length,
    todaysQueue: queue,
    feedback: feedback.length,
    usageEvents: usage.length,
    auditLogs: audit.length,
    conversion14d: conversion(history.outcomes, today),
    ms: Date.now() - started,
  };
}

export { SEGMENTS };
