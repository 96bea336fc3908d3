import "server-only";
import { db, type Db } from "./db";
import type { WebhookDeliveryStatus } from "@/lib/generated/prisma/enums";

// Webhook endpoints and their delivery rows. Delivery rows are written by
// triggers on Recommendation (migration 20261203310000_webhooks) in the
// transaction of the change; the worker claims due rows with FOR UPDATE SKIP
// LOCKED, so several processes never send the same attempt twice.

type Client = Pick<Db, "webhookEndpoint" | "webhookDelivery" | "$queryRaw" | "$executeRaw">;

export interface EndpointRow {
  id: string;
  url: string;
  description: string;
  events: string[];
  createdAt: Date;
  disabledAt: Date | null;
  createdBy: { name: string } | null;
  /** The secret's first characters, to tell endpoints apart; the secret itself is shown once. */
  secretHint: string;
}

/** `secretEncrypted` is the signing secret as lib/services/webhook-secrets.ts encrypts it for this id. */
export async function insertEndpoint(client: Client, data: { id: string; url: string; description: string; events: string[]; secretEncrypted: string; secretHint: string; createdById: string }): Promise<{ id: string }> {
  return client.webhookEndpoint.create({ data, select: { id: true } });
}

/** Endpoints whose secret is still stored as written before encryption (migration 20261204100000). */
export async function endpointsWithPlainSecrets(client: Client): Promise<{ id: string; secretEncrypted: string }[]> {
  return client.webhookEndpoint.findMany({ where: { NOT: { secretEncrypted: { startsWith: "v1:" } } }, select: { id: true, secretEncrypted: true } });
}

/** Replaces a stored secret, unless it changed since it was read. */
export async function replaceStoredSecret(client: Client, id: string, from: string, to: string): Promise<void> {
  await client.webhookEndpoint.updateMany({ where: { id, secretEncrypted: from }, data: { secretEncrypted: to } });
}

export async function findEndpoint(client: Client, id: string): Promise<{ id: string; url: string; events: string[]; disabledAt: Date | null } | null> {
  return client.webhookEndpoint.findUnique({ where: { id }, select: { id: true, url: true, events: true, disabledAt: true } });
}

export async function setEndpointDisabledAt(client: Client, id: string, at: Date | null): Promise<void> {
  await client.webhookEndpoint.update({ where: { id }, data: { disabledAt: at } });
}

export async function deleteEndpointRow(client: Client, id: string): Promise<void> {
  await client.webhookEndpoint.delete({ where: { id } });
}

export async function listEndpoints(): Promise<EndpointRow[]> {
  const rows = await db().webhookEndpoint.findMany({
    orderBy: [{ disabledAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, url: true, description: true, events: true, createdAt: true, disabledAt: true, secretHint: true, createdBy: { select: { name: true } } },
  });
  return rows.map((r) => ({ ...r, secretHint: `${r.secretHint}…` }));
}

export interface DeliveryLogRow {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  endpoint: { id: string; url: string };
}

/** The newest deliveries, optionally of one status. */
export async function listDeliveries(opts: { status?: WebhookDeliveryStatus; take: number }): Promise<DeliveryLogRow[]> {
  return db().webhookDelivery.findMany({
    where: opts.status ? { status: opts.status } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.take,
    select: {
      id: true, eventId: true, eventType: true, status: true, attempts: true, nextAttemptAt: true, lastAttemptAt: true,
      lastStatusCode: true, lastError: true, deliveredAt: true, createdAt: true, endpoint: { select: { id: true, url: true } },
    },
  });
}

export async function countDeliveries(): Promise<Record<WebhookDeliveryStatus, number>> {
  const rows = await db().webhookDelivery.groupBy({ by: ["status"], _count: { _all: true } });
  const out: Record<WebhookDeliveryStatus, number> = { PENDING: 0, DELIVERED: 0, DEAD: 0 };
  for (const r of rows) out[r.status] = r._count._all;
  return out;
}

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  url: string;
  endpointId: string;
  /** Encrypted (lib/services/webhook-secrets.ts). */
  secretEncrypted: string;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints: counts the attempt
 * and leases the row until `leaseUntil` (a worker that dies mid-send leaves it
 * to be retried then). Rows another worker holds are skipped.
 */
export async function claimDueDeliveries(client: Client, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  return client.$queryRaw<ClaimedDelivery[]>`
    UPDATE "WebhookDelivery" d
       SET attempts = d.attempts + 1, "lastAttemptAt" = ${now.toISOString()}::timestamp(3), "nextAttemptAt" = ${leaseUntil.toISOString()}::timestamp(3)
      FROM (SELECT w.id FROM "WebhookDelivery" w JOIN "WebhookEndpoint" e ON e.id = w."endpointId" AND e."disabledAt" IS NULL
             WHERE w.status = 'PENDING' AND w."nextAttemptAt" <= ${now.toISOString()}::timestamp(3)
             ORDER BY w."nextAttemptAt", w.id
             LIMIT ${limit}
             FOR UPDATE OF w SKIP LOCKED) due, "WebhookEndpoint" e
     WHERE d.id = due.id AND e.id = d."endpointId"
 RETURNING d.id, d."eventId", d."eventType", d.payload, d.attempts, d."createdAt", e.url, e.id AS "endpointId", e."secretEncrypted"`;
}

/** Records an attempt's outcome, unless the row changed since it was claimed (a replay). */
export async function recordAttempt(
  client: Client,
  id: string,
  claimedAttempts: number,
  outcome: { status: WebhookDeliveryStatus; statusCode: number | null; error: string | null; deliveredAt: Date | null; nextAttemptAt: Date },
): Promise<void> {
  await client.webhookDelivery.updateMany({
    where: { id, attempts: claimedAttempts, status: "PENDING" },
    data: { status: outcome.status, lastStatusCode: outcome.statusCode, lastError: outcome.error, deliveredAt: outcome.deliveredAt, nextAttemptAt: outcome.nextAttemptAt },
  });
}

export async function findDelivery(client: Client, id: string): Promise<{ id: string; endpointId: string; eventId: string; eventType: string; status: WebhookDeliveryStatus } | null> {
  return client.webhookDelivery.findUnique({ where: { id }, select: { id: true, endpointId: true, eventId: true, eventType: true, status: true } });
}

/** Sends a delivery again from scratch (same event id): pending, no attempts, due now. */
export async function resetDelivery(client: Client, id: string, now: Date): Promise<void> {
  await client.webhookDelivery.update({ where: { id }, data: { status: "PENDING", attempts: 0, nextAttemptAt: now, lastError: null, lastStatusCode: null } });
}
