// Consent suppression, applied before any rule: a customer's wishes beat any score.
import type { EngineCustomer } from "./features";

export const ACTION_CATEGORIES = ["OFFER", "MEETING", "RELATIONSHIP", "RETENTION", "GROWTH", "SERVICE"] as const;
export type ActionCategory = (typeof ACTION_CATEGORIES)[number];

export type ConsentBlockCode = "DO_NOT_CONTACT" | "MARKETING_OPT_OUT";
export type ConsentBlock = { code: ConsentBlockCode; text: string };

/** Categories that count as marketing and are suppressed by a marketing opt-out. */
export const MARKETING_CATEGORIES: readonly ActionCategory[] = ["OFFER"];

/** Why this customer may not receive an action of this category, or null when they may. */
export function consentBlock(
  customer: Pick<EngineCustomer, "doNotContact" | "marketingOptOut">,
  category: ActionCategory,
): ConsentBlock | null {
  if (customer.doNotContact) {
    return { code: "DO_NOT_CONTACT", text: "Customer asked not to be contacted" };
  }
  if (customer.marketingOptOut && MARKETING_CATEGORIES.includes(category)) {
    return { code: "MARKETING_OPT_OUT", text: "Customer opted out of marketing offers" };
  }
  return null;
}
