import "server-only";
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { databaseMode, jobQueueSettings } from "@/lib/config/env";
import { db } from "@/lib/data/db";
import { isTransientDbError } from "@/lib/data/retry";
import { wakeWorkers } from "@/lib/data/job-wake";
import { expireLapsed, repWorkload } from "@/lib/data/decisions";
import { ensureDraw } from "@/lib/data/holdout";
import { generateRecommendations, type GenerationResult } from "./generation";

// The batch, split over worker processes on a durable job queue in Postgres
// (pg-boss, its own schema "pgboss"): the coordinator expires lapsed
// suggestions and opens the holdout draw once, then queues one job per group
// of reps (each rep's customers whole, so a rep's daily cap is allocated in
// one piece, best first, exactly as in one process); any number of
// `npm run worker` processes on any number of machines take them. A job whose
// worker dies is retried when its lease (JOB_LEASE_SECONDS) expires, up to
// CHUNK_RETRY_LIMIT times with back-off, then parked in the dead-letter
// queue. Running a chunk twice is harmless: its writes are one transaction,
// and a second run at the same moment finds the first run's suggestions open
// (one live suggestion per customer) and the caps counted.

export const CHUNK_QUEUE = "nudge-batch-chunk";
export const CHUNK_DEAD_LETTER = "nudge-batch-chunk-dead";
export const CHUNK_RETRY_LIMIT = 3;

/** Customers per job, roughly: reps are added to a job until it holds this many. */
export const DEFAULT_CHUNK_CUSTOMERS = 5000;

export type ChunkJob = { runId: string; index: number; chunks: number; repIds: string[]; now: string; seed: string };
export type ChunkResult = Pick<GenerationResult, "customers" | "candidates" | "created" | "control" | "superseded" | "droppedByCap" | "modelVersion" | "ms">;

/** How long a worker holds a job before it counts as lost and is retried (JOB_LEASE_SECONDS, default 300). */
export const jobExpireSeconds = () => jobQueueSettings().leaseSeconds;

/** A pg-boss instance on the app's database (not started). */
export function createBoss(url: string): PgBoss {
  return new PgBoss({
    connectionString: url,
    schema: "pgboss",
    application_name: "nudge-jobs",
    max: 4,
    // Expired leases are found by the maintenance loop; its period bounds how late a lost job is retried.
    maintenanceIntervalSeconds: jobQueueSettings().maintenanceSeconds,
  });
}

/**
 * A started pg-boss instance from `make`, with `ensure` run on it (creating
 * queues). Processes starting at once on a database without pg-boss's schema
 * can deadlock creating it or the queues (seen with two workers); a transient
 * failure starts over with a fresh instance (one that failed half-way cannot
 * be started again), up to 5 times.
 */
export async function startQueue(make: () => PgBoss, ensure: (boss: PgBoss) => Promise<void>): Promise<PgBoss> {
  for (let attempt = 1; ; attempt++) {
    const boss = make();
    // Until the caller listens: an 'error' event without a listener would throw.
    const early = (err: Error) => console.warn(`job queue: ${err.message}`);
    boss.on("error", early);
    try {
      await boss.start();
      await ensure(boss);
      boss.off("error", early);
      return boss;
    } catch (err) {
      await Promise.race([boss.stop({ graceful: false, wait: false }).catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
      if (attempt >= 5 || !isTransientDbError(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.round(Math.random() * 100 * 2 ** attempt)));
    }
  }
}

/**
 * A connection to the queue for an app process that sends jobs and reads their status (workers supervise leases),
 * started on first use with `ensure` run on it; `get` is null on the embedded database (no queue there).
 */
export function senderQueue(ensure: (boss: PgBoss) => Promise<void>): { get(): Promise<PgBoss> | null; close(): Promise<void> } {
  let started: Promise<PgBoss> | null = null;
  return {
    get() {
      const mode = databaseMode();
      if (mode.kind !== "postgres") return null;
      started ??= (async () => {
        const boss = await startQueue(() => new PgBoss({ connectionString: mode.url, schema: "pgboss", application_name: "nudge-app-jobs", max: 2, supervise: false, schedule: false }), ensure);
        boss.on("error", (err: Error) => console.warn(`job queue: ${err.message}`));
        return boss;
      })().catch((err: unknown) => {
        started = null;
        throw err;
      });
      return started;
    },
    async close() {
      const boss = await started?.catch(() => null);
      started = null;
      await boss?.stop({ graceful: false, wait: true });
    },
  };
}

/** Creates the queues (idempotent; concurrent callers can deadlock on a fresh database: start through startQueue). */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(CHUNK_DEAD_LETTER);
  await boss.createQueue(CHUNK_QUEUE, { name: CHUNK_QUEUE, retryLimit: CHUNK_RETRY_LIMIT, retryDelay: 1, retryBackoff: true, expireInSeconds: jobExpireSeconds(), deadLetter: CHUNK_DEAD_LETTER });
}

/** Groups reps, in the given order, into jobs of about `target` customers (a rep is never split). */
export function planChunks(workload: readonly { repId: string; customers: number }[], target = DEFAULT_CHUNK_CUSTOMERS): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const w of workload) {
    current.push(w.repId);
    size += w.customers;
    if (size >= target) {
      chunks.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

export interface QueuedBatch {
  runId: string;
  jobIds: string[];
  customers: number;
  expired: number;
}

/** Expires lapsed suggestions and opens the draw once, then queues the batch's chunks. */
export async function enqueueBatch(boss: PgBoss, opts: { now?: Date; seed?: string; chunkCustomers?: number } = {}): Promise<QueuedBatch> {
  const now = opts.now ?? new Date();
  const runId = randomUUID();
  const seed = opts.seed ?? runId;
  const expired = await expireLapsed(db(), now);
  await ensureDraw(db(), now, opts.seed);
  const workload = await repWorkload();
  const chunks = planChunks(workload, opts.chunkCustomers);
  const jobIds: string[] = [];
  for (const [index, repIds] of chunks.entries()) {
    const data: ChunkJob = { runId, index, chunks: chunks.length, repIds, now: now.toISOString(), seed };
    const id = await boss.send(CHUNK_QUEUE, data, { id: randomUUID() });
    if (!id) throw new Error(`chunk ${index} of run ${runId} was not queued`);
    jobIds.push(id);
  }
  await wakeWorkers(CHUNK_QUEUE);
  return { runId, jobIds, customers: workload.reduce((s, w) => s + w.customers, 0), expired };
}

/** One chunk: the reps' customers through the one pipeline, written in one transaction. */
export async function runChunk(job: ChunkJob): Promise<ChunkResult> {
  const r = await generateRecommendations({ now: new Date(job.now), repIds: job.repIds, skipExpiry: true, reuseStats: true, seed: `${job.seed}:${job.index}` });
  return { customers: r.customers, candidates: r.candidates, created: r.created, control: r.control, superseded: r.superseded, droppedByCap: r.droppedByCap, modelVersion: r.modelVersion, ms: r.ms };
}

/**
 * One poller of `queue` (pg-boss's work, one job at a time), with two changes
 * to how it polls. A poller that has just finished a job asks for the next one
 * at once: pg-boss would wait out the rest of its polling interval, so a
 * worker took at most two short jobs (an event, about 20 ms) a second per
 * poller. And an idle poller is woken when jobs are queued (worker.ts listens
 * for wakeWorkers), instead of finding them at its next poll (JOB_POLL_MS).
 * Resolves with the poller's id (for boss.notifyWorker).
 */
export async function pollQueue<T extends object, R>(boss: PgBoss, queue: string, handler: (job: PgBoss.Job<T>) => Promise<R>): Promise<string> {
  let id = "";
  // pg-boss starts the poller before it returns its id, but the poller's first fetch is a round trip away: id is set by then.
  id = await boss.work<T>(queue, { batchSize: 1, pollingIntervalSeconds: jobQueueSettings().pollMs / 1000 }, async ([job]) => {
    if (!job) return null;
    try {
      return await handler(job);
    } finally {
      boss.notifyWorker(id);
    }
  });
  return id;
}

/**
 * Starts taking chunk jobs in this process, `concurrency` at a time (one
 * poller each): while one chunk waits on the database for its customers and
 * history, another is decided here, so one worker keeps both the database and
 * its own core busy. Resolves with the pollers' ids. `onChunk` hears of each
 * finished chunk.
 */
export async function workChunks(
  boss: PgBoss,
  opts: { onChunk?: (job: ChunkJob, result: ChunkResult) => void; holdMs?: number; concurrency?: number } = {},
): Promise<string[]> {
  const { onChunk, holdMs = 0, concurrency = 1 } = opts;
  const handler = async (job: PgBoss.Job<ChunkJob>) => {
    // Fault drills only (WORKER_CHUNK_HOLD_MS): hold the job before working it, so a test can kill the worker with one in hand.
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    const result = await runChunk(job.data);
    onChunk?.(job.data, result);
    return result;
  };
  const ids: string[] = [];
  for (let i = 0; i < concurrency; i++) ids.push(await pollQueue(boss, CHUNK_QUEUE, handler));
  return ids;
}

export type BatchState = { completed: number; failed: number; pending: number; results: ChunkResult[]; failures: { index: number; output: unknown }[] };

/** Where the batch's jobs stand (each read by id, archive included). */
export async function batchState(boss: PgBoss, jobIds: readonly string[]): Promise<BatchState> {
  const jobs = await Promise.all(jobIds.map((id) => boss.getJobById<ChunkJob>(CHUNK_QUEUE, id, { includeArchive: true })));
  const state: BatchState = { completed: 0, failed: 0, pending: 0, results: [], failures: [] };
  for (const j of jobs) {
    if (j?.state === "completed") {
      state.completed++;
      state.results.push(j.output as ChunkResult);
    } else if (j?.state === "failed" || j?.state === "cancelled") {
      state.failed++;
      state.failures.push({ index: j.data.index, output: j.output });
    } else state.pending++;
  }
  return state;
}

/** Waits until every job of the batch has completed or failed for good; `onProgress` after each poll. */
export async function waitForBatch(boss: PgBoss, jobIds: readonly string[], opts: { pollMs?: number; timeoutMs?: number; onProgress?: (s: BatchState) => void } = {}): Promise<BatchState> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60 * 60_000);
  for (;;) {
    const s = await batchState(boss, jobIds);
    opts.onProgress?.(s);
    if (s.pending === 0) return s;
    if (Date.now() > deadline) throw new Error(`batch not finished after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s: ${s.pending} of ${jobIds.length} chunks pending`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}
