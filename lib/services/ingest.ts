import "server-only";
import { createHash } from "node:crypto";
import { databaseMode } from "@/lib/config/env";
import { db, transaction } from "@/lib/data/db";
import { activeUserIdsByEmail, eventCustomers, eventRequestHashes, insertEvents, moveOpenRecommendationsToOwner, upsertCustomerRows } from "@/lib/data/ingest";
import { recordContactFeedback, screenContactFeedback, type ContactFeedbackLink } from "@/lib/services/contact-feedback";
import { insertConsentRecords, latestConsentEntries } from "@/lib/data/consent";
import { legacyFlagRows, withdrawForLostConsent } from "@/lib/services/consent";
import { generateRecommendations, loadRealtimeContext } from "@/lib/services/generation";
import { loadHistory } from "@/lib/data/decisions";
import { rawTransaction } from "@/lib/data/raw";
import { apiCustomerSchema, apiEventSchema, issuesToDetails, MONEY, type ApiCustomer, type ApiEvent, type FieldError } from "@/lib/validation/api";
import { numericMax } from "@/lib/validation/postgres-safe";

// Use case: another system sends customers and events (/api/v1). Every item is
// validated on its own, so one bad item never blocks the rest; accepted items
// are written, and their customers re-scored, in one transaction, so a failure
// leaves nothing half-written.

export interface CustomerResult {
  externalId: string;
  status: "created" | "updated" | "rejected";
  errors?: FieldError[];
}

export async function upsertCustomers(items: unknown[], by?: { apiKeyId?: string }): Promise<CustomerResult[]> {
  const results: CustomerResult[] = new Array(items.length);
  const valid: { index: number; c: ApiCustomer }[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const parsed = apiCustomerSchema.safeParse(item);
    const raw = typeof item === "object" && item !== null && "externalId" in item ? item.externalId : undefined;
    // Echoed back as sent when it is a plain value (never serialised: it may be nested thousands deep).
    const externalId = typeof raw === "string" ? raw.slice(0, 200) : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : "";
    if (!parsed.success) {
      results[index] = { externalId, status: "rejected", errors: issuesToDetails(parsed.error.issues) };
    } else if (seen.has(parsed.data.externalId)) {
      results[index] = { externalId, status: "rejected", errors: [{ path: "externalId", message: "This externalId appears earlier in the same batch" }] };
    } else {
      seen.add(parsed.data.externalId);
      valid.push({ index, c: parsed.data });
    }
  });
  if (valid.length === 0) return results;

  // Customers belong to active sales reps.
  const ownerId = await activeUserIdsByEmail([...new Set(valid.map((v) => v.c.ownerEmail))], "REP");
  const accepted = valid.filter(({ index, c }) => {
    if (ownerId.has(c.ownerEmail)) return true;
    results[index] = { externalId: c.externalId, status: "rejected", errors: [{ path: "ownerEmail", message: "No active sales rep has this email" }] };
    return false;
  });
  if (accepted.length === 0) return results;

  await transaction(async (tx) => {
    const { updated, inserted } = await upsertCustomerRows(
      tx,
      accepted.map((a) => ({ ...a.c, ownerId: ownerId.get(a.c.ownerEmail)! })),
    );
    const ids = [...updated, ...inserted].map((r) => r.id);
    // The old consent flags, still accepted, are recorded as consent (only what changes).
    const idOf = new Map([...updated, ...inserted].map((r) => [r.externalId, r.id]));
    const flagged = accepted.filter((a) => a.c.doNotContact !== undefined || a.c.marketingOptOut !== undefined);
    if (flagged.length > 0) {
      const now = new Date();
      const latest = await latestConsentEntries(tx, flagged.map((a) => idOf.get(a.c.externalId)!));
      for (const a of flagged) {
        const id = idOf.get(a.c.externalId)!;
        const rows = legacyFlagRows(latest.get(id) ?? [], a.c, now);
        if (rows.length) await insertConsentRecords(tx, id, rows, { apiKeyId: by?.apiKeyId ?? null });
      }
      await withdrawForLostConsent(tx, flagged.map((a) => idOf.get(a.c.externalId)!));
    }
    // Open suggestions follow their customer to a new owner.
    await moveOpenRecommendationsToOwner(tx, ids);
    await generateRecommendations({ customerIds: ids }, tx);
    const created = new Set(inserted.map((r) => r.externalId));
    for (const { index, c } of accepted) results[index] = { externalId: c.externalId, status: created.has(c.externalId) ? "created" : "updated" };
  });
  return results;
}

export interface EventResult {
  index: number;
  status: "recorded" | "duplicate" | "rejected";
  /** IDEMPOTENCY_KEY_REUSED: the key was used before with a different event. */
  code?: "IDEMPOTENCY_KEY_REUSED";
  errors?: FieldError[];
  /** CONTACT_FEEDBACK, recorded: the suggestion the feedback was linked to (lib/services/contact-feedback.ts). */
  feedback?: ContactFeedbackLink;
}

/** The event as it will be stored, hashed: a retry under the same key must send the same event. */
export function eventRequestHash(e: ApiEvent): string {
  const canonical = JSON.stringify([e.customerExternalId, e.type, e.occurredAt, e.amount ?? null, e.payload ?? null, e.source ?? null]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** Most a customer's purchases may add up to: credited revenue (a part of them) is stored as NUMERIC(14, 2). */
export const MAX_PURCHASE_TOTAL = numericMax(MONEY.precision, MONEY.scale);
const MAX_PURCHASE_CENTS = Math.round(MAX_PURCHASE_TOTAL * 100);

const reused = (index: number): EventResult => ({
  index,
  status: "rejected",
  code: "IDEMPOTENCY_KEY_REUSED",
  errors: [{ path: "idempotencyKey", message: "This idempotency key was already used with a different event; use a new key for a new event" }],
});

/**
 * Records events. Each item is validated on its own; a repeated idempotency key
 * with the same event is a "duplicate" (recorded once), with a different event
 * it is rejected (IDEMPOTENCY_KEY_REUSED); a purchase that would bring its
 * customer's purchases past what credited revenue can store is rejected. The
 * rest are written and their customers re-scored in one transaction.
 */
export async function recordEvents(items: unknown[]): Promise<{ results: EventResult[]; rescored: string[] }> {
  const results: EventResult[] = items.map((_, index) => ({ index, status: "recorded" }));
  const valid: { index: number; e: ApiEvent; hash: string | null }[] = [];
  items.forEach((item, index) => {
    const parsed = apiEventSchema.safeParse(item);
    if (parsed.success) valid.push({ index, e: parsed.data, hash: parsed.data.idempotencyKey ? eventRequestHash(parsed.data) : null });
    else results[index] = { index, status: "rejected", errors: issuesToDetails(parsed.error.issues) };
  });
  if (valid.length === 0) return { results, rescored: [] };

  const contextRead = databaseMode().kind === "postgres" ? loadRealtimeContext(new Date()) : null;
  contextRead?.catch(() => {}); // unused (and its failure with it) when no event gets as far as the re-score
  const customers = await eventCustomers(
    [...new Set(valid.map((v) => v.e.customerExternalId))],
    [...new Set(valid.filter((v) => v.e.type === "PURCHASE" && v.e.amount).map((v) => v.e.customerExternalId))],
  );
  const idOf = new Map([...customers].map(([ext, c]) => [ext, c.id]));
  const keysInBatch = new Map<string, string | null>();
  const candidates = valid.filter(({ index, e, hash }) => {
    if (!idOf.has(e.customerExternalId)) {
      results[index] = { index, status: "rejected", errors: [{ path: "customerExternalId", message: "No customer has this externalId; send it to /api/v1/customers first" }] };
      return false;
    }
    if (e.idempotencyKey) {
      if (keysInBatch.has(e.idempotencyKey)) {
        results[index] = keysInBatch.get(e.idempotencyKey) === hash ? { index, status: "duplicate" } : reused(index);
        return false;
      }
      keysInBatch.set(e.idempotencyKey, hash);
    }
    return true;
  });
  if (candidates.length === 0) return { results, rescored: [] };

  // The re-score's settings, catalog, model and draw: read on the pool, side by side and beside the customer lookup,
  // and awaited before the transaction opens. On embedded PGlite (one connection) the re-score reads them itself.
  // The re-score runs at its own "now", after the insert, so the kept signals the insert refreshed are exact at it.
  const context = contextRead ? await contextRead : undefined;
  // The customers' suggestion history is read on the pool while the transaction inserts, before it (so lapsed
  // suggestions are still open in it: read with their expiry, the pipeline treats them as lapsed). Reading it inside
  // would see the same committed rows a few milliseconds later, and nothing this transaction writes before the
  // re-score changes them. Its connection is asked for before the transaction's, and the pool serves in order, so a
  // transaction awaiting it never waits for a connection another such transaction holds.
  const historyRead = context
    ? loadHistory(db(), [...new Set(candidates.map((c) => idOf.get(c.e.customerExternalId)!))], { now: new Date(), actions: context.actions }, { withExpiry: true })
    : undefined;
  historyRead?.catch(() => {}); // unused when nothing is inserted
  const rescored = await rawTransaction(async (tx) => {
    // Keys recorded by an earlier call: the same event is a duplicate, another one is refused.
    const stored = await eventRequestHashes(tx, candidates.flatMap((c) => (c.e.idempotencyKey ? [c.e.idempotencyKey] : [])));
    const seenBefore = (c: (typeof candidates)[number]) => {
      const h = stored.get(c.e.idempotencyKey!);
      results[c.index] = h === null || h === c.hash ? { index: c.index, status: "duplicate" } : reused(c.index);
    };
    const fresh = candidates.filter((c) => {
      if (c.e.idempotencyKey && stored.has(c.e.idempotencyKey)) {
        seenBefore(c);
        return false;
      }
      return true;
    });

    // Purchases that would overflow what credited revenue can hold are refused on their own.
    const totals = new Map([...customers.values()].map((c) => [c.id, c.purchaseCents]));
    const priced = fresh.filter(({ index, e }) => {
      if (e.type !== "PURCHASE" || !e.amount) return true;
      const id = idOf.get(e.customerExternalId)!;
      const total = (totals.get(id) ?? 0) + Math.round(e.amount * 100);
      if (total > MAX_PURCHASE_CENTS) {
        results[index] = {
          index,
          status: "rejected",
          errors: [{ path: "amount", message: `This purchase would bring the customer's purchases past ${MAX_PURCHASE_TOTAL.toLocaleString("en-US")}, the most credited revenue can store` }],
        };
        return false;
      }
      totals.set(id, total);
      return true;
    });
    const toWrite = await screenContactFeedback(tx, priced, idOf, results);
    if (toWrite.length === 0) return [];

    const inserted = await insertEvents(
      tx,
      toWrite.map((w) => ({ ...w.e, customerId: idOf.get(w.e.customerExternalId)!, requestHash: w.hash })),
    );
    // A key that was not inserted was recorded meanwhile by a concurrent call (we waited for it to commit).
    const newKeys = new Set(inserted.map((r) => r.idempotencyKey).filter((k): k is string => k !== null));
    const raced = toWrite.filter((w) => w.e.idempotencyKey && !newKeys.has(w.e.idempotencyKey));
    if (raced.length) {
      const now = await eventRequestHashes(tx, raced.map((w) => w.e.idempotencyKey!));
      for (const c of raced) {
        const h = now.get(c.e.idempotencyKey!);
        results[c.index] = h === undefined || h === null || h === c.hash ? { index: c.index, status: "duplicate" } : reused(c.index);
      }
    }
    await recordContactFeedback(tx, toWrite, idOf, results);
    const touched = [...new Set(inserted.map((r) => r.customerId))];
    if (touched.length) await generateRecommendations({ customerIds: touched, context, history: historyRead }, tx);
    const byId = new Map([...idOf].map(([ext, id]) => [id, ext]));
    return touched.map((id) => byId.get(id)!).sort();
  });
  return { results, rescored };
}
