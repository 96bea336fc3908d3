import "server-only";
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { databaseMode, jobQueueSettings } from "@/lib/config/env";
import type { EventJob, EventsResponse } from "@/lib/validation/api-responses";
import { startQueue } from "./batch-queue";
import { recordEvents } from "./ingest";

// Events recorded asynchronously (POST /api/v1/events with
// `Prefer: respond-async`): the request is validated as a batch, queued on the
// job queue in Postgres (pg-boss, as the batch's chunks) and answered 202 with
// the job's status URL; an `npm run worker` process records and re-scores the
// items exactly as the synchronous call would, and the caller polls
// GET /api/v1/events/jobs/{id} (only with the key that sent them). A job whose
// worker dies is retried after its lease; items sent without an
// idempotencyKey get one derived from the job (job:<id>:<index>), so a retry
// never records an event twice.

export const EVENTS_QUEUE = "nudge-events";
export const EVENTS_DEAD_LETTER = "nudge-events-dead";
const EVENTS_RETRY_LIMIT = 3;

export type EventJobData = { apiKeyId: string; items: unknown[] };

/** Creates the queues (idempotent). */
export async function ensureEventQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(EVENTS_DEAD_LETTER);
  await boss.createQueue(EVENTS_QUEUE, { name: EVENTS_QUEUE, retryLimit: EVENTS_RETRY_LIMIT, retryDelay: 1, retryBackoff: true, expireInSeconds: jobQueueSettings().leaseSeconds, deadLetter: EVENTS_DEAD_LETTER });
}

// This process's connection to the queue, for sending and reading status only
// (workers supervise leases); started on first use.
let appBoss: Promise<PgBoss> | null = null;

function queueForThisProcess(): Promise<PgBoss> | null {
  const mode = databaseMode();
  if (mode.kind !== "postgres") return null;
  appBoss ??= (async () => {
    const boss = await startQueue(() => new PgBoss({ connectionString: mode.url, schema: "pgboss", application_name: "nudge-app-jobs", max: 2, supervise: false, schedule: false }), ensureEventQueues);
    boss.on("error", (err: Error) => console.warn(`job queue: ${err.message}`));
    return boss;
  })().catch((err: unknown) => {
    appBoss = null;
    throw err;
  });
  return appBoss;
}

/** Whether this process can queue events (a Postgres server; the embedded database answers synchronously). */
export const canQueueEvents = () => databaseMode().kind === "postgres";

export const eventJobUrl = (id: string) => `/api/v1/events/jobs/${id}`;

/** Queues a validated batch for a worker; the job's first status. */
export async function enqueueEvents(apiKeyId: string, items: unknown[]): Promise<EventJob> {
  const boss = await queueForThisProcess();
  if (!boss) throw new Error("events can be queued only on a Postgres server");
  const id = randomUUID();
  const withKeys = items.map((item, index) =>
    typeof item === "object" && item !== null && !Array.isArray(item) && (item as { idempotencyKey?: unknown }).idempotencyKey === undefined ? { ...item, idempotencyKey: `job:${id}:${index}` } : item,
  );
  const data: EventJobData = { apiKeyId, items: withKeys };
  await boss.send(EVENTS_QUEUE, data, { id });
  return { jobId: id, status: "queued", statusUrl: eventJobUrl(id), items: items.length };
}

/** Records one queued batch (the worker's handler). */
export async function runEventJob(data: EventJobData): Promise<EventsResponse> {
  return recordEvents(data.items);
}

/** Starts taking event jobs in this process (a worker). */
export async function workEvents(boss: PgBoss): Promise<string> {
  return boss.work<EventJobData>(EVENTS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => (job ? runEventJob(job.data) : null));
}

/** A job's status for the key that queued it; null when there is no such job for this key. */
export async function eventJobStatus(apiKeyId: string, id: string): Promise<EventJob | null> {
  const boss = await queueForThisProcess();
  if (!boss) return null;
  const job = await boss.getJobById<EventJobData>(EVENTS_QUEUE, id, { includeArchive: true });
  if (!job || job.data.apiKeyId !== apiKeyId) return null;
  const base = { jobId: id, statusUrl: eventJobUrl(id), items: job.data.items.length };
  switch (job.state) {
    case "completed": {
      const out = job.output as Partial<EventsResponse> | null;
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
