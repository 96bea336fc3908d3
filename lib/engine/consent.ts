// Consent by purpose, applied before any rule: a customer's wishes beat any score.
// Pure: the latest recorded value per (purpose, channel) comes from lib/data.
import type { EngineCustomer } from "./features";

export const ACTION_CATEGORIES = ["OFFER", "MEETING", "RELATIONSHIP", "RETENTION", "GROWTH", "SERVICE"] as const;
export type ActionCategory = (typeof ACTION_CATEGORIES)[number];

/**
 * SERVICE: the customer may be contacted about their account, renewals,
 * meetings, tickets, relationship care. MARKETING: the customer may be offered
 * products and discounts. PROFILING: the engine may use the customer's own
 * behaviour to personalise its estimates (without it they get the estimates of
 * their segment).
 */
export const CONSENT_PURPOSES = ["SERVICE", "MARKETING", "PROFILING"] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
/** The purposes an action can need (profiling is about scoring, not contact). */
export const CONTACT_PURPOSES = ["SERVICE", "MARKETING"] as const satisfies readonly ConsentPurpose[];
export type ContactPurpose = (typeof CONTACT_PURPOSES)[number];
export const CONSENT_CHANNELS = ["EMAIL", "PHONE", "IN_PERSON"] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const PURPOSE_LABEL: Record<ConsentPurpose, string> = { SERVICE: "Service contact", MARKETING: "Marketing offers", PROFILING: "Profiling for recommendations" };
export const CHANNEL_LABEL: Record<ConsentChannel, string> = { EMAIL: "Email", PHONE: "Phone", IN_PERSON: "In person" };

/** Which purpose an action category needs when the admin has not said: offers are marketing, the rest service. */
export function defaultPurpose(category: ActionCategory): ContactPurpose {
  return category === "OFFER" ? "MARKETING" : "SERVICE";
}

/** The channels a purpose is recorded per: none (null) for profiling. */
export function purposeChannels(purpose: ConsentPurpose): readonly (ConsentChannel | null)[] {
  return purpose === "PROFILING" ? [null] : CONSENT_CHANNELS;
}

/** Whether each purpose may be used now. */
export type ConsentState = Record<ConsentPurpose, boolean>;
export const FULL_CONSENT: ConsentState = { SERVICE: true, MARKETING: true, PROFILING: true };

/** A recorded consent value (any order; the latest per purpose and channel counts). */
export type ConsentEntry = { purpose: ConsentPurpose; channel: ConsentChannel | null; granted: boolean; recordedAt: Date; id?: number };

/** The latest entry per (purpose, channel); ties on time go to the higher id. */
export function latestConsent(entries: readonly ConsentEntry[]): ConsentEntry[] {
  const latest = new Map<string, ConsentEntry>();
  for (const e of entries) {
    const k = `${e.purpose}|${e.channel ?? ""}`;
    const prev = latest.get(k);
    const t = e.recordedAt.getTime();
    if (!prev || t > prev.recordedAt.getTime() || (t === prev.recordedAt.getTime() && (e.id ?? 0) > (prev.id ?? 0))) latest.set(k, e);
  }
  return [...latest.values()];
}

/**
 * A purpose may be used while at least one of its channels is not withdrawn:
 * a channel without any record counts as granted (the old flags' default), so
 * a customer with no record has full consent. Withdrawing a purpose on every
 * channel (or profiling) stops it.
 */
export function consentState(entries: readonly ConsentEntry[]): ConsentState {
  const latest = latestConsent(entries);
  const withdrawn = (p: ConsentPurpose, ch: ConsentChannel | null) => latest.some((e) => e.purpose === p && e.channel === ch && !e.granted);
  const allowed = (p: ConsentPurpose) => purposeChannels(p).some((ch) => !withdrawn(p, ch));
  return { SERVICE: allowed("SERVICE"), MARKETING: allowed("MARKETING"), PROFILING: allowed("PROFILING") };
}

export type ConsentBlockCode = "NO_SERVICE_CONSENT" | "NO_MARKETING_CONSENT";
export type ConsentBlock = { code: ConsentBlockCode; text: string };

/** Why this customer may not receive an action for this purpose, or null when they may. */
export function consentBlock(customer: Pick<EngineCustomer, "consent">, purpose: ContactPurpose): ConsentBlock | null {
  if (customer.consent.SERVICE === false && purpose === "SERVICE") return { code: "NO_SERVICE_CONSENT", text: "Customer withdrew consent to service contact" };
  if (customer.consent.MARKETING === false && purpose === "MARKETING") return { code: "NO_MARKETING_CONSENT", text: "Customer withdrew consent to marketing offers" };
  return null;
}

/** Whether the engine may personalise this customer's estimates (profiling consent). */
export function mayProfile(customer: Pick<EngineCustomer, "consent">): boolean {
  return customer.consent.PROFILING !== false;
}
