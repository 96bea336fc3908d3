import "server-only";
import { db, type Tx } from "./db";

// The CRM origins admins allowed to frame the embed panel. The proxy reads them
// on every /embed/* request through a short cache (EMBED_ORIGINS_TTL_MS), so
// a change applies within seconds on every app instance. (Next runs the proxy
// apart from the pages, so dropping the cache after a change only helps code
// that shares the pages' module scope; the lifetime is what bounds the delay.)

export const EMBED_ORIGINS_TTL_MS = 5_000;

export interface EmbedOriginRow {
  origin: string;
  createdAt: Date;
  createdByName: string | null;
}

export async function listEmbedOrigins(): Promise<EmbedOriginRow[]> {
  const rows = await db().embedOrigin.findMany({ orderBy: { origin: "asc" }, select: { origin: true, createdAt: true, createdBy: { select: { name: true } } } });
  return rows.map((r) => ({ origin: r.origin, createdAt: r.createdAt, createdByName: r.createdBy?.name ?? null }));
}

/** Adds an origin; false when it was already there. */
export async function insertEmbedOrigin(tx: Tx, origin: string, actorId: string): Promise<boolean> {
  const res = await tx.embedOrigin.createMany({ data: [{ origin, createdById: actorId }], skipDuplicates: true });
  return res.count > 0;
}

/** Removes an origin; false when it was not there. */
export async function deleteEmbedOrigin(tx: Tx, origin: string): Promise<boolean> {
  const res = await tx.embedOrigin.deleteMany({ where: { origin } });
  return res.count > 0;
}

// On globalThis: the proxy and the pages may be bundled apart but share the process.
const cache = globalThis as unknown as { nudgeEmbedOrigins?: { origins: string[]; at: number } };

/**
 * The allowed origins, from a cache at most EMBED_ORIGINS_TTL_MS old. When the
 * database cannot answer, the last list read stays in use (or none: the panel
 * then refuses to be framed, it never opens up).
 */
export async function cachedEmbedOrigins(now = Date.now()): Promise<string[]> {
  const hit = cache.nudgeEmbedOrigins;
  if (hit && now - hit.at < EMBED_ORIGINS_TTL_MS) return hit.origins;
  try {
    const rows = await db().embedOrigin.findMany({ select: { origin: true }, orderBy: { origin: "asc" } });
    cache.nudgeEmbedOrigins = { origins: rows.map((r) => r.origin), at: now };
  } catch (err) {
    console.warn("embed origins: could not read them, keeping the last list:", err instanceof Error ? err.message : err);
    cache.nudgeEmbedOrigins = { origins: hit?.origins ?? [], at: now };
  }
  return cache.nudgeEmbedOrigins.origins;
}

/** Drops the cache (after an admin's change, so this process applies it at once). */
export function forgetEmbedOrigins(): void {
  cache.nudgeEmbedOrigins = undefined;
}
