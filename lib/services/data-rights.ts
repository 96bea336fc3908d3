import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { customerForRights, customerRows, eraseCustomerRows, recordCustomerAccess, type ErasureCounts } from "@/lib/data/data-rights";
import { db, transaction } from "@/lib/data/db";
import { DomainError } from "@/lib/domain/errors";

// Use cases: a customer's data exported as one JSON document, and erased
// (anonymised where a count needs the row). Both are recorded in the access
// record; the erasure also in the audit log, without the erased data.

export type Requester = { userId: string; apiKeyId?: undefined } | { apiKeyId: string; userId?: undefined };

export interface CustomerExport {
  exportedAt: string;
  customerId: string;
  /** Every row of every table that refers to the customer (found from the database's foreign keys), by table. */
  tables: Record<string, Record<string, unknown>[]>;
}

export async function exportCustomer(customerId: string, by: Requester, now = new Date()): Promise<CustomerExport> {
  const c = await customerForRights(customerId);
  if (!c) throw new DomainError("NOT_FOUND", "No such customer.");
  // The export is recorded first, so it is itself part of what it returns.
  await recordCustomerAccess(customerId, "EXPORT", by);
  return { exportedAt: now.toISOString(), customerId, tables: await customerRows(customerId, db()) };
}

export interface ErasureResult {
  customerId: string;
  erasedAt: string;
  /** True when the customer had been erased before: nothing was changed. */
  alreadyErased: boolean;
  counts: ErasureCounts | null;
}

/** Erases a customer's personal data; repeating it changes nothing. */
export async function eraseCustomer(customerId: string, by: Requester, now = new Date()): Promise<ErasureResult> {
  return transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`erase:${customerId}`}, 0))`;
    const c = await customerForRights(customerId, tx);
    if (!c) throw new DomainError("NOT_FOUND", "No such customer.");
    if (c.erasedAt) return { customerId, erasedAt: c.erasedAt.toISOString(), alreadyErased: true, counts: null };
    const counts = await eraseCustomerRows(tx, customerId, now);
    await recordCustomerAccess(customerId, "ERASE", by, tx);
    // The audit entry names the customer by its internal id only and keeps counts, never the erased values.
    await recordAudit(tx, { actorId: by.userId ?? null, entity: "Customer", entityId: customerId, action: "erase", after: { ...counts, ...(by.apiKeyId ? { apiKeyId: by.apiKeyId } : {}) } });
    return { customerId, erasedAt: now.toISOString(), alreadyErased: false, counts };
  });
}
