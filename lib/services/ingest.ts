import "server-only";
import { db } from "@/lib/data/db";
import { activeUserIdsByEmail, customerIdsByExternalId, insertEvents, moveOpenRecommendationsToOwner, upsertCustomerRows } from "@/lib/data/ingest";
import { generateRecommendations } from "@/lib/services/generation";
import { apiCustomerSchema, apiEventSchema, issuesToDetails, type ApiCustomer, type ApiEvent, type FieldError } from "@/lib/validation/api";

// Use case: another system sends customers and events (/api/v1). Every item is
// validated on its own, so one bad item never blocks the rest; accepted items
// are written, and their customers re-scored, in one transaction, so a failure
// leaves nothing half-written.

export interface CustomerResult {
  externalId: string;
  status: "created" | "updated" | "rejected";
  errors?: FieldError[];
}

export async function upsertCustomers(items: unknown[]): Promise<CustomerResult[]> {
  const results: CustomerResult[] = new Array(items.length);
  const valid: { index: number; c: ApiCustomer }[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const parsed = apiCustomerSchema.safeParse(item);
    const externalId = typeof item === "object" && item !== null && "externalId" in item ? String(item.externalId) : "";
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

  await db().$transaction(async (tx) => {
    const { updated, inserted } = await upsertCustomerRows(
      tx,
      accepted.map((a) => ({ ...a.c, ownerId: ownerId.get(a.c.ownerEmail)! })),
    );
    const ids = [...updated, ...inserted].map((r) => r.id);
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
  errors?: FieldError[];
}

export async function recordEvents(items: unknown[]): Promise<{ results: EventResult[]; rescored: string[] }> {
  const results: EventResult[] = items.map((_, index) => ({ index, status: "recorded" }));
  const valid: { index: number; e: ApiEvent }[] = [];
  items.forEach((item, index) => {
    const parsed = apiEventSchema.safeParse(item);
    if (parsed.success) valid.push({ index, e: parsed.data });
    else results[index] = { index, status: "rejected", errors: issuesToDetails(parsed.error.issues) };
  });
  if (valid.length === 0) return { results, rescored: [] };

  const idOf = await customerIdsByExternalId([...new Set(valid.map((v) => v.e.customerExternalId))]);
  const keysInBatch = new Set<string>();
  const toWrite = valid.filter(({ index, e }) => {
    if (!idOf.has(e.customerExternalId)) {
      results[index] = { index, status: "rejected", errors: [{ path: "customerExternalId", message: "No customer has this externalId; send it to /api/v1/customers first" }] };
      return false;
    }
    if (e.idempotencyKey) {
      if (keysInBatch.has(e.idempotencyKey)) {
        results[index] = { index, status: "duplicate" };
        return false;
      }
      keysInBatch.add(e.idempotencyKey);
    }
    return true;
  });
  if (toWrite.length === 0) return { results, rescored: [] };

  const rescored = await db().$transaction(async (tx) => {
    const inserted = await insertEvents(
      tx,
      toWrite.map((w) => ({ ...w.e, customerId: idOf.get(w.e.customerExternalId)! })),
    );
    // A key that was not inserted was recorded by an earlier call: a retry.
    const newKeys = new Set(inserted.map((r) => r.idempotencyKey).filter((k): k is string => k !== null));
    for (const { index, e } of toWrite) {
      if (e.idempotencyKey && !newKeys.has(e.idempotencyKey)) results[index] = { index, status: "duplicate" };
    }
    const touched = [...new Set(inserted.map((r) => r.customerId))];
    if (touched.length) await generateRecommendations({ customerIds: touched }, tx);
    const byId = new Map([...idOf].map(([ext, id]) => [id, ext]));
    return touched.map((id) => byId.get(id)!).sort();
  });
  return { results, rescored };
}
