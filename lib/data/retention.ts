import "server-only";
import { db, transaction, type Db } from "./db";
import { DEFAULT_RETENTION_DAYS } from "@/lib/validation/retention-limits";

// Retention of raw events: the purge statements and the record of each run.
// What stays (lib/services/retention.ts says why): purchases, with their
// payload, source and idempotency key removed, and each customer's latest
// contact event.

type Client = Pick<Db, "$queryRaw" | "$executeRaw">;

export const CONTACT_TYPES_SQL = ["MEETING", "CALL", "EMAIL_SENT"];

/**
 * Retention by whole months: every CustomerEvent month partition that ends at
 * or before the cutoff is replaced by a copy of what retention keeps (purchases
 * stripped, each customer's latest contact), or dropped when nothing is kept
 * (nudge_retention_rewrite_months, migration 20261207000000_history_partitions).
 * What is left before the cutoff (the partly expired month, the DEFAULT
 * partition) is for purgeEventsBefore and stripPurchasesBefore.
 */
export async function rewriteExpiredMonths(client: Client, cutoff: Date): Promise<{ months: string[]; deletedByType: Record<string, number>; stripped: number }> {
  const [row] = await client.$queryRaw<{ months: string[]; deleted: Record<string, number>; stripped: number }[]>`
    SELECT months, deleted, stripped FROM nudge_retention_rewrite_months(${cutoff}::timestamp, ${CONTACT_TYPES_SQL}::text[])`;
  return { months: row?.months ?? [], deletedByType: row?.deleted ?? {}, stripped: row?.stripped ?? 0 };
}

/**
 * Creates the monthly partitions of CustomerEvent and UsageEvent from the month
 * before `now` to three months ahead when missing (rows of those months already
 * in the DEFAULT partition move into them); returns how many it created. Waits
 * at most 5 s for locks: a busy moment leaves it to the next call (rows land in
 * the DEFAULT partition meanwhile, nothing fails).
 */
export async function ensureMonthPartitions(now = new Date()): Promise<number> {
  return transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('lock_timeout', '5s', true)`;
    const [row] = await tx.$queryRaw<{ n: number }[]>`
      SELECT nudge_ensure_month_partitions(${now}::timestamp - interval '1 month', ${now}::timestamp + interval '3 months') AS n`;
    return row?.n ?? 0;
  });
}

/** Deletes raw events that occurred before the cutoff (not purchases, not a customer's latest contact); returns counts per type. */
export async function purgeEventsBefore(client: Client, cutoff: Date): Promise<Record<string, number>> {
  const rows = await client.$queryRaw<{ type: string; n: number }[]>`
    WITH gone AS (
      DELETE FROM "CustomerEvent" e
      WHERE e."occurredAt" < ${cutoff} AND e.type <> 'PURCHASE'
        AND NOT (e.type::text = ANY(${CONTACT_TYPES_SQL}::text[]) AND NOT EXISTS (
          SELECT 1 FROM "CustomerEvent" n
          WHERE n."customerId" = e."customerId" AND n.type::text = ANY(${CONTACT_TYPES_SQL}::text[])
            AND (n."occurredAt" > e."occurredAt" OR (n."occurredAt" = e."occurredAt" AND n.id > e.id))))
      RETURNING e.type::text AS type)
    SELECT type, COUNT(*)::int AS n FROM gone GROUP BY type ORDER BY type`;
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

/** Strips the raw parts (payload, source, idempotency key) of purchases before the cutoff; returns how many changed. */
export async function stripPurchasesBefore(client: Client, cutoff: Date): Promise<number> {
  return client.$executeRaw`
    UPDATE "CustomerEvent" SET payload = NULL, source = NULL, "idempotencyKey" = NULL, "requestHash" = NULL
    WHERE type = 'PURCHASE' AND "occurredAt" < ${cutoff}
      AND (payload IS NOT NULL OR source IS NOT NULL OR "idempotencyKey" IS NOT NULL OR "requestHash" IS NOT NULL)`;
}

export interface RetentionRunRow {
  id: number;
  startedAt: Date;
  finishedAt: Date | null;
  cutoff: Date;
  retentionDays: number;
  trigger: string;
  actorName: string | null;
  eventsDeleted: number;
  eventsStripped: number;
  deletedByType: Record<string, number>;
  error: string | null;
}

export async function insertRetentionRun(
  client: Client,
  run: { startedAt: Date; finishedAt: Date | null; cutoff: Date; retentionDays: number; trigger: string; actorId: string | null; eventsDeleted: number; eventsStripped: number; deletedByType: Record<string, number>; error: string | null },
): Promise<number> {
  const [row] = await client.$queryRaw<{ id: number }[]>`
    INSERT INTO "RetentionRun" ("startedAt", "finishedAt", cutoff, "retentionDays", trigger, "actorId", "eventsDeleted", "eventsStripped", "deletedByType", error)
    VALUES (${run.startedAt}, ${run.finishedAt}, ${run.cutoff}, ${run.retentionDays}, ${run.trigger}, ${run.actorId}::uuid, ${run.eventsDeleted}, ${run.eventsStripped},
            ${JSON.stringify(run.deletedByType)}::jsonb, ${run.error})
    RETURNING id`;
  return row!.id;
}

export async function listRetentionRuns(limit = 20, client: Client = db()): Promise<RetentionRunRow[]> {
  return client.$queryRaw<RetentionRunRow[]>`
    SELECT r.id, r."startedAt", r."finishedAt", r.cutoff, r."retentionDays", r.trigger, u.name AS "actorName", r."eventsDeleted", r."eventsStripped", r."deletedByType", r.error
    FROM "RetentionRun" r LEFT JOIN "User" u ON u.id = r."actorId" ORDER BY r.id DESC LIMIT ${limit}`;
}

/** When the scheduled job last ran (any outcome), or null. */
export async function lastScheduledRun(client: Client = db()): Promise<Date | null> {
  const [row] = await client.$queryRaw<{ at: Date | null }[]>`SELECT MAX("startedAt") AS at FROM "RetentionRun" WHERE trigger = 'schedule'`;
  return row?.at ?? null;
}

export async function saveRetentionDays(client: Client, days: number): Promise<{ before: number; after: number }> {
  const [prev] = await client.$queryRaw<{ d: number }[]>`SELECT "eventRetentionDays" AS d FROM "ProgramSettings" WHERE id = 1`;
  await client.$executeRaw`
    INSERT INTO "ProgramSettings" (id, "eventRetentionDays", "updatedAt") VALUES (1, ${days}, now())
    ON CONFLICT (id) DO UPDATE SET "eventRetentionDays" = EXCLUDED."eventRetentionDays", "updatedAt" = now()`;
  return { before: prev?.d ?? DEFAULT_RETENTION_DAYS, after: days };
}

export async function loadRetentionDays(client: Client = db()): Promise<number> {
  const [row] = await client.$queryRaw<{ d: number }[]>`SELECT "eventRetentionDays" AS d FROM "ProgramSettings" WHERE id = 1`;
  return row?.d ?? DEFAULT_RETENTION_DAYS;
}
