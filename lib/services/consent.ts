import "server-only";
import { transaction, type Tx } from "@/lib/data/db";
import { insertConsentRecords, latestConsentEntries, withdrawOpenForPurposes, type ConsentInsert } from "@/lib/data/consent";
import { consentState, CONSENT_PURPOSES, purposeChannels, type ConsentEntry, type ConsentPurpose, type ConsentState } from "@/lib/engine";
import { generateRecommendations } from "@/lib/services/generation";
import type { ConsentChange } from "@/lib/validation/consent";

// Use case: a customer gives or withdraws consent for a purpose (on a channel
// or all of them). The records are appended (the history is never rewritten),
// and in the same transaction the open suggestions of every purpose that lost
// consent are withdrawn and the customer is re-scored under the new consent.

export interface ConsentResult {
  consent: ConsentState;
  /** Open suggestions withdrawn because their purpose lost consent. */
  withdrawn: number;
}

/** The records a change writes: one per channel (every channel when none is named), one for profiling. */
export function consentRows(change: ConsentChange, now: Date, defaultSource: string): ConsentInsert[] {
  const channels = change.channel ? [change.channel] : purposeChannels(change.purpose);
  const recordedAt = change.recordedAt ? new Date(change.recordedAt) : now;
  return channels.map((channel) => ({ purpose: change.purpose, channel, granted: change.granted, recordedAt, source: change.source ?? defaultSource }));
}

export async function recordConsent(
  customerId: string,
  changes: ConsentChange[],
  by: { userId?: string | null; apiKeyId?: string | null; source: string },
  now = new Date(),
): Promise<ConsentResult> {
  return transaction((tx) => applyConsent(tx, customerId, changes.flatMap((c) => consentRows(c, now, by.source)), by, now));
}

/** Appends the rows, withdraws what lost consent and re-scores; inside the caller's transaction. */
export async function applyConsent(tx: Tx, customerId: string, rows: ConsentInsert[], by: { userId?: string | null; apiKeyId?: string | null }, now = new Date()): Promise<ConsentResult> {
  // One writer per customer at a time, so two concurrent changes cannot both miss the other's rows.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`consent:${customerId}`}, 0))`;
  const before = consentState((await latestConsentEntries(tx, [customerId])).get(customerId) ?? []);
  await insertConsentRecords(tx, customerId, rows, by);
  const consent = consentState((await latestConsentEntries(tx, [customerId])).get(customerId) ?? []);
  const lost = CONSENT_PURPOSES.filter((p) => !consent[p]);
  const withdrawn = await withdrawOpenForPurposes(tx, customerId, lost);
  // Re-score when anything changed (a purpose lost or regained consent, or profiling).
  if (CONSENT_PURPOSES.some((p) => before[p] !== consent[p]) || withdrawn > 0) await generateRecommendations({ customerIds: [customerId], now }, tx);
  return { consent, withdrawn };
}

/**
 * The old customer flags sent through POST /api/v1/customers, as consent:
 * doNotContact true withdraws service and marketing contact on every channel,
 * false grants service contact; marketingOptOut true withdraws marketing
 * offers, false grants them. Only values that differ from the current ones are
 * recorded.
 */
export function legacyFlagRows(latest: readonly ConsentEntry[], flags: { doNotContact?: boolean; marketingOptOut?: boolean }, now: Date): ConsentInsert[] {
  const want = new Map<ConsentPurpose, boolean>();
  if (flags.doNotContact === true) {
    want.set("SERVICE", false);
    want.set("MARKETING", false);
  } else if (flags.doNotContact === false) want.set("SERVICE", true);
  if (flags.marketingOptOut !== undefined && !(flags.doNotContact === true)) want.set("MARKETING", !flags.marketingOptOut);
  const out: ConsentInsert[] = [];
  for (const [purpose, granted] of want) {
    for (const channel of purposeChannels(purpose)) {
      const current = latest.find((e) => e.purpose === purpose && e.channel === channel)?.granted ?? true;
      if (current !== granted) out.push({ purpose, channel, granted, recordedAt: now, source: "api: customer flags" });
    }
  }
  return out;
}



/** Withdraws the open suggestions of every purpose these customers no longer consent to (all channels withdrawn). */
export async function withdrawForLostConsent(tx: Tx, customerIds: string[]): Promise<number> {
  const latest = await latestConsentEntries(tx, customerIds);
  let n = 0;
  for (const id of customerIds) {
    const state = consentState(latest.get(id) ?? []);
    n += await withdrawOpenForPurposes(tx, id, CONSENT_PURPOSES.filter((p) => !state[p]));
  }
  return n;
}
