// The seed's in-memory world and its time helpers, shared by every phase
// (people, customers and events, history, usage). Times the simulation does
// arithmetic on are epoch milliseconds; anything handed to the engine
// (lib/engine) is a `Date`, so customers and events are engine-shaped.
import type { EngineCustomer, EngineEvent, HistoryEntry } from "@/lib/engine";
import type { EventType } from "@/lib/generated/prisma/enums";
import type { ActionKey, Segment } from "./catalog";
import type { Rng } from "./random";

/** Days of event and recommendation history before `today`. */
export const HISTORY_DAYS = 182;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export type Payload = Record<string, string | number | boolean>;

/** Product lines a purchase can be of (CustomerEvent.productLine): cross-sell is a line the customer had not bought before. */
export const PRODUCT_LINES = ["Core platform", "Analytics", "Integrations", "Premium support", "Training", "Hardware"] as const;
/** Share of a customer's purchases from their main product line; the rest are spread over all lines. */
export const MAIN_LINE_SHARE = 0.7;

export interface MemEvent extends EngineEvent {
  type: EventType;
  amount: number | null;
  /** PURCHASE only: the product line bought. */
  productLine: string | null;
  payload: Payload;
  /** SUPPORT_TICKET only (ms): the ticket reads "open" until then. */
  resolvedAt: number;
}

/** An engine customer plus what the simulation needs to know about them. */
export interface Cust extends EngineCustomer {
  /** The demo's old flags, written as consent records (tooling/seed/demo.ts consentRows). */
  doNotContact: boolean;
  marketingOptOut: boolean;
  externalId: string;
  firstName: string;
  email: string;
  phone: string;
  company: string;
  segment: Segment;
  /** Index into REPS of the current owner (always an active rep); `ownerId` is its user id. */
  owner: number;
  /** Index into REPS of the deactivated rep who owned the customer until then, if any. */
  formerOwner: number | null;
  updatedAt: Date;
  activity: number;
  silentFrom: number | null;
  baseValue: number;
  /** Index into PRODUCT_LINES of the line most of the customer's purchases are of. */
  mainLine: number;
  events: MemEvent[];
  /** Recommendations made so far, with their final status: the engine's cool-down input. */
  recHistory: HistoryEntry[];
}

export interface World {
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

export const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
export const isWorkingDay = (ms: number) => {
  const wd = new Date(ms).getUTCDay();
  return wd >= 1 && wd <= 5;
};
export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A time on `day` between the given hours (UTC), with seconds. */
export function timeOnDay(rng: Rng, day: number, fromHour: number, toHour: number): number {
  return day + fromHour * HOUR_MS + rng.int(0, (toHour - fromHour) * 60 - 1) * MINUTE_MS + rng.int(0, 59) * 1000;
}

/** Moves a weekend day to the nearest working day. */
export function toWorkingDay(day: number): number {
  const wd = new Date(day).getUTCDay();
  if (wd === 6) return day - DAY_MS;
  if (wd === 0) return day + DAY_MS;
  return day;
}

/** A random moment in [start, end); business hours on working days when `business`. Null if it falls outside. */
export function randomMoment(rng: Rng, start: number, end: number, business: boolean): number | null {
  const t = start + rng.next() * (end - start);
  if (!business) return Math.floor(t);
  const at = timeOnDay(rng, toWorkingDay(dayStart(t)), 8, 18);
  return at >= start && at < end ? at : null;
}
