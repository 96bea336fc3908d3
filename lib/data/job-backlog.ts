import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "./db";
import { readRows } from "./raw";

/**
 * The jobs of `queue` that wait for a worker (queued or waiting to be retried, not yet taken) and when the oldest of
 * them was queued (null: none waits). Read from pg-boss's own table (schema "pgboss", as its getQueueSize counts).
 */
export async function jobBacklog(queue: string): Promise<{ waiting: number; oldest: Date | null }> {
  const [row] = await readRows<{ waiting: number; oldest: Date | null }>(
    db(),
    Prisma.sql`SELECT count(*)::int AS waiting, min(created_on) AS oldest FROM pgboss.job WHERE name = ${queue} AND state < 'active'`,
  );
  return { waiting: row?.waiting ?? 0, oldest: row?.oldest ?? null };
}
