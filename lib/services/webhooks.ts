import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/data/audit";
import { db, transaction } from "@/lib/data/db";
import { claimDueDeliveries, deleteEndpointRow, endpointsWithPlainSecrets, replaceStoredSecret, findDelivery, findEndpoint, insertEndpoint, recordAttempt, resetDelivery, setEndpointDisabledAt, type ClaimedDelivery } from "@/lib/data/webhooks";
import { DomainError } from "@/lib/domain/errors";
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signWebhook } from "@/lib/domain/webhook-signature";
import type { CreateWebhookEndpointInput } from "@/lib/validation/webhooks";
import { decryptWebhookSecret, encryptWebhookSecret } from "./webhook-secrets";

// Use case: push Nudge's events to other systems. Admins register endpoints
// (audited; the signing secret is returned once). Triggers write a delivery row
// per subscribed endpoint in the transaction of each change (an outbox in
// Postgres, so an event is never lost when the app stops); `deliverDueWebhooks`
// sends due rows, signed, and on failure retries with exponential back-off
// until the last attempt, then marks the row DEAD. Delivery is at least once:
// receivers de-duplicate on the event id.

export interface CreatedWebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  /** Shown once: sign-verification key for the receiver. */
  secret: string;
}

export async function createWebhookEndpoint(actorId: string, input: CreateWebhookEndpointInput): Promise<CreatedWebhookEndpoint> {
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const events = [...new Set(input.events)];
  return transaction(async (tx) => {
    const id = randomUUID();
    await insertEndpoint(tx, { id, url: input.url, description: input.description, events, secretEncrypted: encryptWebhookSecret(secret, id), secretHint: secret.slice(0, 10), createdById: actorId });
    await recordAudit(tx, { actorId, entity: "WebhookEndpoint", entityId: id, action: "create", after: { url: input.url, description: input.description, events } });
    return { id, url: input.url, events, secret };
  });
}

/** Pauses (deliveries wait, none is lost) or resumes an endpoint. */
export async function setWebhookEndpointEnabled(actorId: string, id: string, enabled: boolean, now = new Date()): Promise<void> {
  await transaction(async (tx) => {
    const row = await findEndpoint(tx, id);
    if (!row) throw new DomainError("NOT_FOUND", "This webhook endpoint no longer exists.");
    if ((row.disabledAt === null) === enabled) return;
    await setEndpointDisabledAt(tx, id, enabled ? null : now);
    await recordAudit(tx, { actorId, entity: "WebhookEndpoint", entityId: id, action: enabled ? "enable" : "disable", before: { enabled: !enabled }, after: { enabled } });
  });
}

/** Deletes an endpoint and its delivery log. */
export async function deleteWebhookEndpoint(actorId: string, id: string): Promise<void> {
  await transaction(async (tx) => {
    const row = await findEndpoint(tx, id);
    if (!row) throw new DomainError("NOT_FOUND", "This webhook endpoint no longer exists.");
    await deleteEndpointRow(tx, id);
    await recordAudit(tx, { actorId, entity: "WebhookEndpoint", entityId: id, action: "delete", before: { url: row.url, events: row.events } });
  });
}

/** Sends a delivery again, with the same event id (receivers that saw it ignore it). */
export async function replayWebhookDelivery(actorId: string, id: string, now = new Date()): Promise<void> {
  await transaction(async (tx) => {
    const row = await findDelivery(tx, id);
    if (!row) throw new DomainError("NOT_FOUND", "This delivery no longer exists.");
    if (row.status === "PENDING") throw new DomainError("CONFLICT", "This delivery is still being tried; wait for it to be delivered or dead.");
    await resetDelivery(tx, id, now);
    await recordAudit(tx, { actorId, entity: "WebhookEndpoint", entityId: row.endpointId, action: "replay", before: { status: row.status }, after: { deliveryId: id, eventId: row.eventId, eventType: row.eventType } });
  });
}

// ---------- delivery ----------

export interface DeliveryOptions {
  now?: () => Date;
  /** First retry delay; attempt n waits base × 2^(n−1), at most MAX_RETRY_DELAY_MS. */
  retryBaseMs: number;
  /** Attempts before a delivery is DEAD. */
  maxAttempts: number;
  timeoutMs: number;
  /** Deliveries claimed per round. */
  batch?: number;
  fetch?: typeof fetch;
}

export const MAX_RETRY_DELAY_MS = 6 * 3600_000;

/** The wait after failed attempt `attempt` (1-based). */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** The body sent for a delivery: the same bytes on every attempt. */
export function webhookBody(d: Pick<ClaimedDelivery, "eventId" | "eventType" | "createdAt" | "payload">): string {
  return JSON.stringify({ id: d.eventId, type: d.eventType, createdAt: d.createdAt.toISOString(), data: d.payload });
}

export interface DeliveryRound {
  attempted: number;
  delivered: number;
  retrying: number;
  dead: number;
}

/** Encrypts the secrets still stored in plain text (endpoints created before encryption); returns how many. */
export async function encryptPlaintextWebhookSecrets(): Promise<number> {
  const rows = await endpointsWithPlainSecrets(db());
  for (const r of rows) await replaceStoredSecret(db(), r.id, r.secretEncrypted, encryptWebhookSecret(r.secretEncrypted, r.id));
  return rows.length;
}

/** Sends every due delivery once (in parallel, up to `batch`); returns what happened. */
export async function deliverDueWebhooks(opts: DeliveryOptions): Promise<DeliveryRound> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const claimed = await claimDueDeliveries(db(), started, new Date(started.getTime() + opts.timeoutMs + 30_000), opts.batch ?? 20);
  const round: DeliveryRound = { attempted: claimed.length, delivered: 0, retrying: 0, dead: 0 };
  await Promise.all(
    claimed.map(async (d) => {
      const body = webhookBody(d);
      let statusCode: number | null = null;
      let error: string | null = null;
      let secret: string | null = null;
      try {
        secret = decryptWebhookSecret(d.secretEncrypted, d.endpointId);
      } catch (err) {
        error = err instanceof Error ? err.message : "The endpoint's signing secret cannot be read";
      }
      if (secret !== null) try {
        const at = now();
        const res = await (opts.fetch ?? fetch)(d.url, {
          method: "POST",
          redirect: "manual",
          signal: AbortSignal.timeout(opts.timeoutMs),
          headers: {
            "content-type": "application/json",
            "user-agent": "Nudge-Webhooks/1",
            [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(at.getTime() / 1000)),
            [EVENT_ID_HEADER]: d.eventId,
            [EVENT_TYPE_HEADER]: d.eventType,
          },
          body,
        });
        statusCode = res.status;
        await res.body?.cancel().catch(() => {});
        if (res.status < 200 || res.status >= 300) error = `The receiver answered ${res.status}`;
      } catch (err) {
        const e = err as { name?: string; cause?: { code?: string }; message?: string };
        error = e.name === "TimeoutError" ? `No answer within ${opts.timeoutMs} ms` : `Could not reach the receiver: ${e.cause?.code ?? e.message ?? "network error"}`;
      }
      const at = now();
      if (error === null) {
        round.delivered++;
        await recordAttempt(db(), d.id, d.attempts, { status: "DELIVERED", statusCode, error: null, deliveredAt: at, nextAttemptAt: at });
      } else if (d.attempts >= opts.maxAttempts) {
        round.dead++;
        await recordAttempt(db(), d.id, d.attempts, { status: "DEAD", statusCode, error, deliveredAt: null, nextAttemptAt: at });
      } else {
        round.retrying++;
        await recordAttempt(db(), d.id, d.attempts, { status: "PENDING", statusCode, error, deliveredAt: null, nextAttemptAt: new Date(at.getTime() + retryDelayMs(d.attempts, opts.retryBaseMs)) });
      }
    }),
  );
  return round;
}
