import "server-only";
import { findApiKey, findApiKeyByPresented, insertApiKey, setApiKeyRevoked, touchApiKeyUsed, type CreatedApiKey } from "@/lib/data/api-keys";
import { recordAudit } from "@/lib/data/audit";
import { transaction } from "@/lib/data/db";
import type { ConsentPurpose } from "@/lib/engine/consent";
import type { ApiScope } from "@/lib/validation/api";

// Use case: API keys. Admins issue and revoke them (audited); scripts create
// them; every /api/v1 request verifies one (lib/auth/api-key.ts).

export type { CreatedApiKey };
/** A key with every scope (or the given ones), unaudited: `npm run apikey:create`, tests and benches. */
export { createApiKey } from "@/lib/data/api-keys";

export type ApiKeyCheck = { ok: true; keyId: string; scopes: ApiScope[]; purposes: ConsentPurpose[]; rateLimitPerMinute: number } | { ok: false; reason: "missing" | "unknown" | "revoked" };

/** Resolves a presented key; revoked and unknown keys are refused alike by callers (401). */
export async function verifyApiKey(presented: string | null, now = new Date()): Promise<ApiKeyCheck> {
  if (!presented) return { ok: false, reason: "missing" };
  const row = await findApiKeyByPresented(presented);
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  // Touch lastUsedAt at most once a minute, so busy integrations don't write on every call.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) await touchApiKeyUsed(row.id, now);
  return { ok: true, keyId: row.id, scopes: row.scopes, purposes: row.purposes, rateLimitPerMinute: row.rateLimitPerMinute };
}

/** Issues a key with an audit row, in one transaction; the key is returned once and never stored. */
export async function issueApiKey(actorId: string, name: string, scopes: readonly ApiScope[], purposes: readonly ConsentPurpose[] = []): Promise<CreatedApiKey> {
  return transaction(async (tx) => {
    const created = await insertApiKey(tx, name, scopes, actorId, undefined, purposes);
    await recordAudit(tx, { actorId, entity: "ApiKey", entityId: created.id, action: "create", after: { name, prefix: created.prefix, scopes: [...scopes], purposes: [...purposes] } });
    return created;
  });
}

/** Revokes a key; verifyApiKey refuses it from the next request on. Revoking twice is a no-op; null: no such key. */
export async function revokeApiKey(actorId: string, id: string, now = new Date()): Promise<{ revokedAt: Date } | null> {
  return transaction(async (tx) => {
    const row = await findApiKey(tx, id);
    if (!row) return null;
    if (row.revokedAt) return { revokedAt: row.revokedAt };
    await setApiKeyRevoked(tx, id, now);
    await recordAudit(tx, { actorId, entity: "ApiKey", entityId: id, action: "revoke", before: { revokedAt: null }, after: { name: row.name, prefix: row.prefix, revokedAt: now.toISOString() } });
    return { revokedAt: now };
  });
}
