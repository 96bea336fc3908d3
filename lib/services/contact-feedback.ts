import "server-only";
import type { RawClient } from "@/lib/data/raw";
import { insertFeedbackFromEvents, recommendationCustomers } from "@/lib/data/sentiment";
import { contactFeedbackPayloadSchema, type ApiEvent, type FieldError } from "@/lib/validation/api";

// CONTACT_FEEDBACK events (a customer's feedback on a contact), as part of
// recordEvents in lib/services/ingest.ts, inside its transaction:
// `screenContactFeedback` refuses, before anything is written, an item whose
// recommendationId is not a shown suggestion of the same customer;
// `recordContactFeedback`, once the events are inserted, writes their
// ContactFeedback rows (linked as lib/data/sentiment.ts insertFeedbackFromEvents
// says) and tells each item what it was linked to.

/** What a recorded CONTACT_FEEDBACK item was linked to. */
export interface ContactFeedbackLink {
  /** explicit: the payload's recommendationId; attributed: the latest acted-on suggestion within the window; unlinked: none. */
  link: "explicit" | "attributed" | "unlinked";
  recommendationId: string | null;
  actionKey: string | null;
}

interface Item {
  index: number;
  e: ApiEvent;
}
interface Result {
  index: number;
  status: "recorded" | "duplicate" | "rejected";
  errors?: FieldError[];
  feedback?: ContactFeedbackLink;
}

const payloadOf = (e: ApiEvent) => (e.type === "CONTACT_FEEDBACK" ? contactFeedbackPayloadSchema.parse(e.payload) : null);

/** Keeps the items that may be written; rejects (in `results`) feedback naming another customer's or a control-group suggestion. */
export async function screenContactFeedback<T extends Item>(tx: RawClient, items: T[], customerIdOf: Map<string, string>, results: Result[]): Promise<T[]> {
  const named = items.flatMap((i) => {
    const id = payloadOf(i.e)?.recommendationId;
    return id ? [id.toLowerCase()] : [];
  });
  if (named.length === 0) return items;
  const recs = await recommendationCustomers(tx, [...new Set(named)]);
  return items.filter(({ index, e }) => {
    const id = payloadOf(e)?.recommendationId?.toLowerCase();
    if (!id) return true;
    const rec = recs.get(id);
    const problem =
      !rec || rec.customerId !== customerIdOf.get(e.customerExternalId)
        ? "No suggestion with this id belongs to this customer"
        : rec.isControl
          ? "This suggestion was held back in the control group, so it never led to a contact"
          : null;
    if (!problem) return true;
    results[index] = { index, status: "rejected", errors: [{ path: "payload.recommendationId", message: problem }] };
    return false;
  });
}

/** The feedback as sent, as a key: identical items are linked identically. */
function contentKey(customerId: string, occurredAt: string, p: { csat?: number | null; verdict?: string | null; comment?: string | null; recommendationId?: string | null }): string {
  return JSON.stringify([customerId, occurredAt, p.csat ?? null, p.verdict ?? null, p.comment || null, p.recommendationId?.toLowerCase() ?? null]);
}

/** After the events are inserted: writes their ContactFeedback rows and adds `feedback` to each recorded item's result. */
export async function recordContactFeedback(tx: RawClient, items: Item[], customerIdOf: Map<string, string>, results: Result[]): Promise<void> {
  const feedback = items.filter((i) => i.e.type === "CONTACT_FEEDBACK" && results[i.index]?.status === "recorded");
  if (feedback.length === 0) return;
  const written = await insertFeedbackFromEvents(tx, [...new Set(feedback.map((i) => customerIdOf.get(i.e.customerExternalId)!))]);
  const linkOf = new Map<string, ContactFeedbackLink>();
  for (const w of written) {
    const p = contactFeedbackPayloadSchema.safeParse(w.payload);
    if (!p.success) continue;
    const link = w.recommendationId === null ? "unlinked" : p.data.recommendationId ? "explicit" : "attributed";
    linkOf.set(contentKey(w.customerId, w.occurredAt.toISOString(), p.data), { link, recommendationId: w.recommendationId, actionKey: w.actionKey });
  }
  for (const { index, e } of feedback) {
    const link = linkOf.get(contentKey(customerIdOf.get(e.customerExternalId)!, e.occurredAt, payloadOf(e) ?? {}));
    if (link) results[index] = { ...results[index]!, feedback: link };
  }
}
