import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "./db";
import { readRows } from "./raw";

// Dashboard figures computed ahead of time (lib/services/dashboard-views.ts
// decides when they are written and served). Rows are keyed by figure set and
// scope; payloads are encoded by lib/data/snapshot-codec.ts.

/** The channel notifyDashboardViews notifies (lib/data/queue-events.ts listens on it). */
export const DASHBOARD_VIEWS_CHANNEL = "nudge_dashboard_views";

export interface StoredSnapshot {
  key: string;
  payload: string;
  computedAt: Date;
  computeMs: number;
}

const LEASE_KEY = "lease:refresh";

/** The stored rows among `keys` (any order; missing keys are left out). */
export async function readSnapshots(keys: string[]): Promise<StoredSnapshot[]> {
  if (keys.length === 0) return [];
  return readRows<StoredSnapshot>(db(), Prisma.sql`
    SELECT key, payload, "computedAt", "computeMs" FROM "DashboardSnapshot" WHERE key = ANY(${keys}::text[])`);
}

/**
 * Writes (or replaces) one figure set; a copy computed as of an earlier moment than the stored one (a retried job
 * finishing late) leaves the stored one. False when it was left.
 */
export async function writeSnapshot(row: StoredSnapshot & { view: string }): Promise<boolean> {
  const written = await db().$executeRaw`
    INSERT INTO "DashboardSnapshot" (key, view, payload, "computedAt", "computeMs")
    VALUES (${row.key}, ${row.view}, ${row.payload}, ${row.computedAt}::timestamp(3), ${row.computeMs})
    ON CONFLICT (key) DO UPDATE SET view = EXCLUDED.view, payload = EXCLUDED.payload, "computedAt" = EXCLUDED."computedAt", "computeMs" = EXCLUDED."computeMs"
      WHERE "DashboardSnapshot"."computedAt" <= EXCLUDED."computedAt"`;
  return written === 1;
}

/**
 * Claims this interval's refresh: true for exactly one caller among processes
 * racing for it, and only when the last claim (renewed after each figure set,
 * so: the end of the last refresh) is older than `minGapMs`. A claim is never
 * released; a refresher that died mid-way is replaced `minGapMs` later.
 */
export async function claimRefresh(now: Date, minGapMs: number): Promise<boolean> {
  const since = new Date(now.getTime() - minGapMs);
  const rows = await readRows<{ key: string }>(db(), Prisma.sql`
    INSERT INTO "DashboardSnapshot" (key, view, payload, "computedAt", "computeMs")
    VALUES (${LEASE_KEY}, 'lease', '', ${now}::timestamp(3), 0)
    ON CONFLICT (key) DO UPDATE SET "computedAt" = EXCLUDED."computedAt"
      WHERE "DashboardSnapshot"."computedAt" <= ${since}::timestamp(3)
    RETURNING key`);
  return rows.length === 1;
}

/** Keeps this process's claim while it refreshes (so no other process starts a refresh beside it). */
export async function renewRefreshClaim(now: Date): Promise<void> {
  await db().$executeRaw`UPDATE "DashboardSnapshot" SET "computedAt" = ${now}::timestamp(3) WHERE key = ${LEASE_KEY}`;
}

/** When each stored figure set was computed and how long that took, by key (the refresher skips fast and recent ones). */
export async function storedSets(): Promise<Map<string, { computeMs: number; computedAt: Date }>> {
  const rows = await readRows<{ key: string; computeMs: number; computedAt: Date }>(db(), Prisma.sql`SELECT key, "computeMs", "computedAt" FROM "DashboardSnapshot" WHERE key <> ${LEASE_KEY}`);
  return new Map(rows.map((r) => [r.key, { computeMs: r.computeMs, computedAt: r.computedAt }]));
}

/** Deletes figure sets computed before `before` (views whose default range has moved on, teams that are gone). */
export async function deleteSnapshotsBefore(before: Date): Promise<number> {
  return db().$executeRaw`DELETE FROM "DashboardSnapshot" WHERE key <> ${LEASE_KEY} AND "computedAt" < ${before}::timestamp(3)`;
}

// ---------------------------------------------------------------- requests

/** A figure set being computed in the background for a page (DashboardRequest). */
export interface SnapshotRequest {
  key: string;
  startedAt: Date;
  failedAt: Date | null;
  error: string | null;
}

/** The requests among `keys` (missing keys are left out). */
export async function readRequests(keys: string[]): Promise<SnapshotRequest[]> {
  if (keys.length === 0) return [];
  return readRows<SnapshotRequest>(db(), Prisma.sql`
    SELECT key, "startedAt", "failedAt", error FROM "DashboardRequest" WHERE key = ANY(${keys}::text[])`);
}

/**
 * Claims the computation of one figure set: true for exactly one caller among
 * those racing for it. Taken when there is no request for the key, when the
 * running one started before `staleBefore` (its process died or it hangs past
 * the refresh timeout), or when the failed one failed before `retryBefore`.
 */
export async function claimRequest(key: string, startedAt: Date, staleBefore: Date, retryBefore: Date): Promise<boolean> {
  const rows = await readRows<{ key: string }>(db(), Prisma.sql`
    INSERT INTO "DashboardRequest" (key, "startedAt") VALUES (${key}, ${startedAt}::timestamp(3))
    ON CONFLICT (key) DO UPDATE SET "startedAt" = EXCLUDED."startedAt", "failedAt" = NULL, error = NULL
      WHERE ("DashboardRequest"."failedAt" IS NULL AND "DashboardRequest"."startedAt" < ${staleBefore}::timestamp(3))
         OR "DashboardRequest"."failedAt" < ${retryBefore}::timestamp(3)
    RETURNING key`);
  return rows.length === 1;
}

/** The claimed computation is stored: its request goes (only the claim that started at `startedAt`). */
export async function finishRequest(key: string, startedAt: Date): Promise<void> {
  await db().$executeRaw`DELETE FROM "DashboardRequest" WHERE key = ${key} AND "startedAt" = ${startedAt}::timestamp(3)`;
}

/** The claimed computation failed: kept, with why, until a retry is allowed. */
export async function failRequest(key: string, startedAt: Date, at: Date, error: string): Promise<void> {
  await db().$executeRaw`
    UPDATE "DashboardRequest" SET "failedAt" = ${at}::timestamp(3), error = ${error.slice(0, 500)}
    WHERE key = ${key} AND "startedAt" = ${startedAt}::timestamp(3)`;
}

/**
 * Tells the pages waiting for a view computed in the background that one was stored or failed (they reload:
 * app/api/dashboards/stream). Not sent by the refresher: its sets are not waited for, and it stores a hundred at a time.
 */
export async function notifyDashboardViews(): Promise<void> {
  await db().$queryRaw`SELECT pg_notify(${DASHBOARD_VIEWS_CHANNEL}, '')`;
}

/** Deletes requests started before `before` (failed ones, and any a process left behind). */
export async function deleteRequestsBefore(before: Date): Promise<number> {
  return db().$executeRaw`DELETE FROM "DashboardRequest" WHERE "startedAt" < ${before}::timestamp(3)`;
}
