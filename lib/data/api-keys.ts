import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { db, type Db } from "./db";
import { readRows } from "./raw";
import { Prisma } from "@/lib/generated/prisma/client";
import { CONSENT_PURPOSES, type ConsentPurpose } from "@/lib/engine/consent";
import { API_SCOPES, type ApiScope } from "@/lib/validation/api";

// How API keys are stored. Keys look like `nk_<prefix>_<secret>`. Only a sha256
// of the whole key is stored (keys are long random strings, so a fast hash is
// enough); the prefix finds the row. The rules (verification, audited issue and
// revoke) are in lib/services/api-keys.ts.
const hash = (key: string) => createHash("sha256").update(key).digest("hex");

type Client = Pick<Db, "apiKey">;

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  /** Shown once, never stored. */
  key: string;
}

/** Mints a key and stores its hash; the key itself is returned once and never stored. */
export async function insertApiKey(
  client: Client,
  name: string,
  scopes: readonly ApiScope[],
  createdById: string | null,
  rateLimitPerMinute?: number,
  purposes: readonly ConsentPurpose[] = [],
): Promise<CreatedApiKey> {
  const prefix = randomBytes(6).toString("hex");
  const key = `nk_${prefix}_${randomBytes(24).toString("base64url")}`;
  const row = await client.apiKey.create({
    data: { name, prefix, secretHash: hash(key), scopes: [...scopes], createdById, rateLimitPerMinute, purposes: [...purposes] },
    select: { id: true, name: true, prefix: true, scopes: true },
  });
  return { ...row, scopes: row.scopes as ApiScope[], key };
}

/** A key with every scope (or the given ones), unaudited: for scripts and tests. */
export async function createApiKey(
  name: string,
  scopes: readonly ApiScope[] = API_SCOPES,
  createdById: string | null = null,
  rateLimitPerMinute?: number,
  purposes: readonly ConsentPurpose[] = [],
): Promise<CreatedApiKey> {
  return insertApiKey(db(), name, scopes, createdById, rateLimitPerMinute, purposes);
}

export interface StoredApiKey {
  id: string;
  scopes: ApiScope[];
  /** Purposes the key is limited to; empty: every purpose. */
  purposes: ConsentPurpose[];
  rateLimitPerMinute: number;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** The stored key a presented one is, or null when it is malformed, unknown or its secret does not match. */
export async function findApiKeyByPresented(presented: string): Promise<StoredApiKey | null> {
  const m = /^nk_([0-9a-f]{12})_[A-Za-z0-9_-]{20,}$/.exec(presented);
  if (!m) return null;
  // Every /api/v1 request reads this row: straight from the pool (lib/data/raw.ts), without the ORM's cost.
  const [row] = await readRows<{ id: string; scopes: string[]; purposes: string[]; rateLimitPerMinute: number; revokedAt: Date | null; lastUsedAt: Date | null; secretHash: string }>(
    db(),
    Prisma.sql`SELECT id, scopes, purposes, "rateLimitPerMinute", "revokedAt", "lastUsedAt", "secretHash" FROM "ApiKey" WHERE prefix = ${m[1]!}`,
  );
  if (!row) return null;
  const a = Buffer.from(row.secretHash, "hex");
  const b = Buffer.from(hash(presented), "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  return { id: row.id, purposes: (row.purposes ?? []).filter((p): p is ConsentPurpose => (CONSENT_PURPOSES as readonly string[]).includes(p)), rateLimitPerMinute: row.rateLimitPerMinute, revokedAt: row.revokedAt, lastUsedAt: row.lastUsedAt, scopes: row.scopes.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s)) };
}

export async function touchApiKeyUsed(id: string, at: Date): Promise<void> {
  await db().apiKey.update({ where: { id }, data: { lastUsedAt: at } });
}

export async function listApiKeys() {
  const rows = await db().apiKey.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, scopes: true, purposes: true, createdAt: true, lastUsedAt: true, revokedAt: true, createdBy: { select: { name: true } } },
  });
  return rows;
}

export async function findApiKey(client: Client, id: string): Promise<{ name: string; prefix: string; revokedAt: Date | null } | null> {
  return client.apiKey.findUnique({ where: { id }, select: { name: true, prefix: true, revokedAt: true } });
}

export async function setApiKeyRevoked(client: Client, id: string, at: Date): Promise<void> {
  await client.apiKey.update({ where: { id }, data: { revokedAt: at } });
}
