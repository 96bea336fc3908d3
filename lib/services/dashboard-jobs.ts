import "server-only";
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { dashboardTimeouts } from "@/lib/config/env";
import { jobBacklog } from "@/lib/data/job-backlog";
import { wakeWorkers } from "@/lib/data/job-wake";
import { GRAINS } from "@/lib/validation/dashboard-filters";
import { pollQueue, senderQueue } from "./batch-queue";
import { ALL_FIGURE_SETS, computeRequested, type BackgroundRequest, type FigureSet } from "./dashboard-compute";
import type { BackgroundRunner } from "./dashboard-views";

// Dashboard figure sets computed in the background on the job queue
// (DASHBOARD_BACKGROUND=workers): the page that claimed a set sends it as a job
// and `npm run worker` processes compute it, one at a time each, so the app
// processes serve pages while the workers (as many as there are, on as many
// machines) take the long aggregates. A job whose worker dies is retried when
// its lease ends, which is when a page would take the claim over anyway (the
// refresh timeout and a minute); computing a set twice is harmless (the later
// copy wins, lib/data/dashboard-snapshots.ts writeSnapshot).

export const DASHBOARD_QUEUE = "nudge-dashboard-view";
export const DASHBOARD_DEAD_LETTER = "nudge-dashboard-view-dead";
const RETRY_LIMIT = 2;

/** Jobs waiting (not yet taken) past which a page says the server is busy instead of queueing another. */
export const MAX_WAITING = 20;

/** What a job carries: a BackgroundRequest, its dates as ISO strings. */
export type DashboardJob = {
  set: FigureSet;
  scope: { from: string; toExclusive: string; teamId: string | null; actionKey: string | null; segment: string | null; grain: (typeof GRAINS)[number] };
  startedAt: string;
  timeoutMs: number;
};

const isoDate = z.iso.datetime().transform((s) => new Date(s));
/** A job as read back from the queue (its data is jsonb another version may have written). */
const jobSchema = z.object({
  set: z.enum(ALL_FIGURE_SETS as [FigureSet, ...FigureSet[]]),
  scope: z.object({
    from: isoDate,
    toExclusive: isoDate,
    teamId: z.string().nullable(),
    actionKey: z.string().nullable(),
    segment: z.string().nullable(),
    grain: z.enum(GRAINS),
  }),
  startedAt: isoDate,
  timeoutMs: z.number().int().positive(),
});

export function toJob(req: BackgroundRequest): DashboardJob {
  const { from, toExclusive, teamId, actionKey, segment, grain } = req.scope;
  return { set: req.set, scope: { from: from.toISOString(), toExclusive: toExclusive.toISOString(), teamId, actionKey, segment, grain }, startedAt: req.startedAt.toISOString(), timeoutMs: req.timeoutMs };
}

export function fromJob(data: unknown): BackgroundRequest {
  const job = jobSchema.parse(data);
  return { set: job.set, scope: { ...job.scope, now: job.startedAt }, startedAt: job.startedAt, timeoutMs: job.timeoutMs };
}

/** How long a worker holds a dashboard job before it counts as lost: the claim's stale bound, the refresh timeout and a minute. */
export const dashboardJobLeaseSeconds = () => Math.ceil(dashboardTimeouts().refreshMs / 1000) + 60;

/** Creates the queues, or brings their settings up to date (idempotent); `leaseSeconds` for tests. */
export async function ensureDashboardQueues(boss: PgBoss, leaseSeconds = dashboardJobLeaseSeconds()): Promise<void> {
  await boss.createQueue(DASHBOARD_DEAD_LETTER);
  const options = { name: DASHBOARD_QUEUE, retryLimit: RETRY_LIMIT, retryDelay: 5, retryBackoff: true, expireInSeconds: leaseSeconds, deadLetter: DASHBOARD_DEAD_LETTER };
  await boss.createQueue(DASHBOARD_QUEUE, options);
  // createQueue leaves an existing queue as it was: a changed DASHBOARD_REFRESH_TIMEOUT_MS reaches the lease here.
  await boss.updateQueue(DASHBOARD_QUEUE, options);
}

const sender = senderQueue(ensureDashboardQueues);

/** Stops this process's connection to the queue, if it was started. */
export const closeDashboardQueue = () => sender.close();

/** A job no worker has taken for this long means none is running: logged, at most once per this interval. */
export const UNTAKEN_MS = 120_000;
const warned = { at: 0 };

/** A runner that sends background computations to the workers (null on the embedded database: no queue there). */
export function queueRunner(queue: () => Promise<PgBoss> | null = () => sender.get()): BackgroundRunner {
  const boss = async () => {
    const b = queue();
    if (!b) throw new Error("DASHBOARD_BACKGROUND=workers needs a Postgres server");
    return b;
  };
  return {
    async full(): Promise<boolean> {
      await boss(); // started first: it creates the queue's tables on a database that has none yet
      const { waiting, oldest } = await jobBacklog(DASHBOARD_QUEUE);
      const age = untakenAge(oldest);
      if (age > UNTAKEN_MS && Date.now() - warned.at > UNTAKEN_MS) {
        warned.at = Date.now();
        console.warn(
          `dashboard figures: a view has waited ${Math.round(age / 1000)} s for a worker (DASHBOARD_BACKGROUND=workers); start \`npm run worker\`, or set DASHBOARD_BACKGROUND=app to compute them in the app`,
        );
      }
      return waiting >= MAX_WAITING;
    },
    async run(req: BackgroundRequest): Promise<void> {
      await (await boss()).send(DASHBOARD_QUEUE, toJob(req), { id: randomUUID() });
      void wakeWorkers(DASHBOARD_QUEUE); // not awaited: the page need not wait for it, and it never throws
    },
    async untakenSince(): Promise<Date | null> {
      const { oldest } = await jobBacklog(DASHBOARD_QUEUE);
      return untakenAge(oldest) > UNTAKEN_MS ? oldest : null;
    },
  };
}

const untakenAge = (oldest: Date | null) => (oldest ? Date.now() - oldest.getTime() : 0);

/** Starts taking dashboard jobs in this process (a worker), one at a time: each can hold a connection for minutes. Resolves with the poller's id. */
export async function workDashboardJobs(boss: PgBoss, onDone?: (req: BackgroundRequest, outcome: "stored" | "failed", ms: number) => void): Promise<string> {
  return pollQueue(boss, DASHBOARD_QUEUE, async (job) => {
    const req = fromJob(job.data);
    const t = performance.now();
    const outcome = await computeRequested(req);
    onDone?.(req, outcome, Math.round(performance.now() - t));
    return { outcome };
  });
}
