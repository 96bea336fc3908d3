import "server-only";
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { databaseMode, jobQueueSettings } from "@/lib/config/env";
import { apiEventSchema, issuesToDetails } from "@/lib/validation/api";
import type { EventJob, EventsResponse } from "@/lib/validation/api-responses";
import { wakeWorkers } from "@/lib/data/job-wake";
import { pollQueue, senderQueue } from "./batch-queue";
import { recordEvents, type EventResult } from "./ingest";

// Events recorded asynchronously (POST /api/v1/events with
// `Prefer: respond-async`): the request is validated as a batch, queued on the
// job queue in Postgres (pg-boss, as the batch's chunks) and answered 202 with
// the job's status URL; an `npm run worker` process records and re-scores the
// items exactly as the synchronous call would, and the caller polls
// GET /api/v1/events/jobs/{id} (only with the key that sent them). A job whose
// worker dies is retried after its lease; items sent without an
// idempotencyKey get one derived from the job (job:<id>:<index>), so a retry
// never records an event twice.
//
// Items are validated before they are queued: an invalid one is answered in
// the job's results without being stored (raw, it could hold what Postgres's
// jsonb refuses, such as \u0000 or a lone surrogate, or nest past what JSON
// serialisation survives), and a valid one is queued with its known fields
// only. The worker validates again, as the synchronous call does.

export const EVENTS_QUEUE = "nudge-events";
export const EVENTS_DEAD_LETTER = "nudge-events-dead";
const EVENTS_RETRY_LIMIT = 3;

/**
 * A queued batch: the valid items (known fields only), their positions in the
 * batch as sent (`indexes`), and the results of the items refused up front.
 */
export type EventBatch = { items: unknown[]; indexes: number[]; rejected: EventResult[] };

/**
 * What the job stores: the batch, and later the worker's answer, as JSON
 * text. pg-boss keeps a job's data and output in jsonb columns, and a refused
 * item's error can quote what jsonb cannot hold (a key with \u0000 or a lone
 * surrogate); inside a JSON string those are plain escaped text.
 */
export type EventJobData = { apiKeyId: string; batch: string };
type EventJobOutput = { response: string };

const EVENT_FIELDS = Object.keys(apiEventSchema.shape) as (keyof typeof apiEventSchema.shape)[];

/** Creates the queues (idempotent). */
export async function ensureEventQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(EVENTS_DEAD_LETTER);
  await boss.createQueue(EVENTS_QUEUE, { name: EVENTS_QUEUE, retryLimit: EVENTS_RETRY_LIMIT, retryDelay: 1, retryBackoff: true, expireInSeconds: jobQueueSettings().leaseSeconds, deadLetter: EVENTS_DEAD_LETTER });
}

// This process's connection to the queue, for sending and reading status only (workers supervise leases).
const sender = senderQueue(ensureEventQueues);
const queueForThisProcess = () => sender.get();

/** Stops this process's connection to the queue, if it was started (scripts that queue events and then exit). */
export const closeEventQueue = () => sender.close();

/** Whether this process can queue events (a Postgres server; the embedded database answers synchronously). */
export const canQueueEvents = () => databaseMode().kind === "postgres";

export const eventJobUrl = (id: string) => `/api/v1/events/jobs/${id}`;

/** Queues a validated batch for a worker; the job's first status. */
export async function enqueueEvents(apiKeyId: string, items: unknown[]): Promise<EventJob> {
  const boss = await queueForThisProcess();
  if (!boss) throw new Error("events can be queued only on a Postgres server");
  const id = randomUUID();
  const batch: EventBatch = { items: [], indexes: [], rejected: [] };
  items.forEach((item, index) => {
    const parsed = apiEventSchema.safeParse(item);
    if (!parsed.success) {
      batch.rejected.push({ index, status: "rejected", errors: issuesToDetails(parsed.error.issues) });
      return;
    }
    const sent = item as Record<string, unknown>;
    const known: Record<string, unknown> = Object.fromEntries(EVENT_FIELDS.filter((k) => sent[k] !== undefined).map((k) => [k, sent[k]]));
    known.idempotencyKey ??= `job:${id}:${index}`;
    batch.items.push(known);
    batch.indexes.push(index);
  });
  const data: EventJobData = { apiKeyId, batch: JSON.stringify(batch) };
  await boss.send(EVENTS_QUEUE, data, { id });
  void wakeWorkers(EVENTS_QUEUE); // not awaited: the answer need not wait for it, and it never throws
  return { jobId: id, status: "queued", statusUrl: eventJobUrl(id), items: items.length };
}

/** Records one queued batch (the worker's handler). */
/** The batch of a job (one queued before batches were stored as text holds its items as sent). */
function batchOf(data: EventJobData): EventBatch {
  if (typeof data.batch === "string") return JSON.parse(data.batch) as EventBatch;
  const items = (data as { items?: unknown[] }).items ?? [];
  return { items, indexes: items.map((_, i) => i), rejected: [] };
}

export async function runEventJob(data: EventJobData): Promise<EventsResponse> {
  const batch = batchOf(data);
  const out = await recordEvents(batch.items);
  const results = [...batch.rejected, ...out.results.map((r) => ({ ...r, index: batch.indexes[r.index]! }))].sort((a, b) => a.index - b.index);
  return { results, rescored: out.rescored };
}

const itemCount = (data: EventJobData) => {
  const batch = batchOf(data);
  return batch.items.length + batch.rejected.length;
};

/**
 * Starts taking event jobs in this process (a worker), `concurrency` at a time
 * (an event's re-score mostly waits on the database, so a second one runs in
 * the meantime). Resolves with the pollers' ids.
 */
export async function workEvents(boss: PgBoss, concurrency = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < concurrency; i++) ids.push(await pollQueue<EventJobData, EventJobOutput>(boss, EVENTS_QUEUE, async (job) => ({ response: JSON.stringify(await runEventJob(job.data)) })));
  return ids;
}

/** A job's status for the key that queued it; null when there is no such job for this key. */
export async function eventJobStatus(apiKeyId: string, id: string): Promise<EventJob | null> {
  const boss = await queueForThisProcess();
  if (!boss) return null;
  const job = await boss.getJobById<EventJobData>(EVENTS_QUEUE, id, { includeArchive: true });
  if (!job || job.data.apiKeyId !== apiKeyId) return null;
  const base = { jobId: id, statusUrl: eventJobUrl(id), items: itemCount(job.data) };
  switch (job.state) {
    case "completed": {
      const stored = (job.output as Partial<EventJobOutput> | null)?.response;
      const out = typeof stored === "string" ? (JSON.parse(stored) as EventsResponse) : (job.output as Partial<EventsResponse> | null);
      return { ...base, status: "completed", results: out?.results ?? [], rescored: out?.rescored ?? [] };
    }
    case "failed":
    case "cancelled":
      return { ...base, status: "failed", error: failureText(job.output) };
    case "active":
      return { ...base, status: "active" };
    default:
      return { ...base, status: "queued" };
  }
}

function failureText(output: unknown): string {
  const message = typeof output === "object" && output !== null && "message" in output ? String((output as { message: unknown }).message) : null;
  return message ? `The batch could not be recorded after ${EVENTS_RETRY_LIMIT} retries: ${message.slice(0, 300)}` : `The batch could not be recorded after ${EVENTS_RETRY_LIMIT} retries.`;
}
