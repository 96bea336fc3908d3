import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { recordAudit } from "./audit";
import { db } from "./db";
import { API_SCOPES, type ApiScope } from "@/lib/validation/api";

// Keys look like `nk_<prefix>_<secret>`. Only a sha256 of the whole key is stored
// (keys are long random strings, so a fast hash is enough); the prefix finds the row.
const hash = (key: string) => createHash("sha256").update(key).digest("hex");

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  /** Shown once, never stored. */
  key: string;
}

export async function createApiKey(name: string, scopes: readonly ApiScope[] = API_SCOPES, createdById: string | null = null): Promise<CreatedApiKey> {
  const prefix = randomBytes(6).toString("hex");
  const key = `nk_${prefix}_${randomBytes(24).toString("base64url")}`;
  const row = await db().apiKey.create({
    data: { name, prefix, secretHash: hash(key), scopes: [...scopes], createdById },
    select: { id: true, name: true, prefix: true, scopes: true },
  });
  return { ...row, scopes: row.scopes as ApiScope[], key };
}

export type ApiKeyCheck = { ok: true; keyId: string; scopes: ApiScope[] } | { ok: false; reason: "missing" | "unknown" | "revoked" };

/** Resolves a presented key; revoked and unknown keys are refused alike by callers (401). */
export async function verifyApiKey(presented: string | null): Promise<ApiKeyCheck> {
  if (!presented) return { ok: false, reason: "missing" };
  const m = /^nk_([0-9a-f]{12})_[A-Za-z0-9_-]{20,}$/.exec(presented);
  if (!m) return { ok: false, reason: "unknown" };
  const row = await db().apiKey.findUnique({
    where: { prefix: m[1]! },
    select: { id: true, scopes: true, revokedAt: true, lastUsedAt: true, secretHash: true },
  });
  if (!row) return { ok: false, reason: "unknown" };
  const a = Buffer.from(row.secretHash, "hex");
  const b = Buffer.from(hash(presented), "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  // Touch lastUsedAt at most once a minute, so busy integrations don't write on every call.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { ok: true, keyId: row.id, scopes: row.scopes.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s)) };
}

// ---- admin: list, issue (audited), revoke (audited) ----

export async function listApiKeys() {
  const rows = await db().apiKey.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true, createdBy: { select: { name: true } } },
  });
  return rows;
}

/** createApiKey plus an audit row, in one transaction; the key is returned once and never stored. */
export async function issueApiKey(actorId: string, name: string, scopes: readonly ApiScope[]): Promise<CreatedApiKey> {
  const prefix = randomBytes(6).toString("hex");
  const key = `nk_${prefix}_${randomBytes(24).toString("base64url")}`;
  return db().$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: { name, prefix, secretHash: hash(key), scopes: [...scopes], createdById: actorId },
      select: { id: true, name: true, prefix: true, scopes: true },
    });
    await recordAudit(tx, { actorId, entity: "ApiKey", entityId: row.id, action: "create", after: { name, prefix, scopes: [...scopes] } });
    return { ...row, scopes: row.scopes as ApiScope[], key };
  });
}

/** Revokes a key; verifyApiKey refuses it from the next request on. Revoking twice is a no-op. */
export async function revokeApiKey(actorId: string, id: string, now = new Date()): Promise<{ revokedAt: Date } | null> {
  return db().$transaction(async (tx) => {
    const row = await tx.apiKey.findUnique({ where: { id }, select: { name: true, prefix: true, revokedAt: true } });
    if (!row) return null;
    if (row.revokedAt) return { revokedAt: row.revokedAt };
    await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
    await recordAudit(tx, { actorId, entity: "ApiKey", entityId: id, action: "revoke", before: { revokedAt: null }, after: { name: row.name, prefix: row.prefix, revokedAt: now.toISOString() } });
    return { revokedAt: now };
  });
}
