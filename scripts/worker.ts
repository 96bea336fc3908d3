// npm run worker: takes the batch's chunk jobs (lib/services/batch-queue.ts),
// events queued with Prefer: respond-async (lib/services/event-jobs.ts) and
// dashboard views sent to the workers (DASHBOARD_BACKGROUND=workers,
// lib/services/dashboard-jobs.ts) from the job queue in Postgres until stopped. Start as many as you like, on
// as many machines as you like, each with the app's DATABASE_URL; they share
// the work. SIGTERM or SIGINT stops taking jobs and lets the ones in hand finish.
import { databaseMode, jobQueueSettings } from "@/lib/config/env";
import { disconnectDb } from "@/lib/data/db";
import { listenForJobs } from "@/lib/data/job-wake";
import { ensureMonthPartitions } from "@/lib/data/retention";
import { CHUNK_QUEUE, createBoss, ensureQueues, startQueue, workChunks } from "@/lib/services/batch-queue";
import { DASHBOARD_QUEUE, ensureDashboardQueues, workDashboardJobs } from "@/lib/services/dashboard-jobs";
import { snapshotKey } from "@/lib/services/dashboard-compute";
import { startDashboardRefresher } from "@/lib/services/dashboard-views";
import { ensureEventQueues, EVENTS_QUEUE, workEvents } from "@/lib/services/event-jobs";

async function main() {
  const mode = databaseMode();
  if (mode.kind !== "postgres") throw new Error("npm run worker needs a Postgres server (set DATABASE_URL); the embedded database runs the batch in one process (npm run engine:generate).");
  const url = mode.url;
  const boss = await startQueue(() => createBoss(url), async (b) => {
    await ensureQueues(b);
    await ensureEventQueues(b);
    await ensureDashboardQueues(b);
  });
  boss.on("error", (err: Error) => console.error(`job queue: ${err.message}`));
  // Events queued with Prefer: respond-async (POST /api/v1/events).
  const { chunkHoldMs, concurrency } = jobQueueSettings();
  const eventPollers = await workEvents(boss, concurrency);
  const chunkPollers = await workChunks(boss, {
    concurrency,
    onChunk: (job, r) =>
      console.log(`chunk ${job.index + 1} of ${job.chunks} (run ${job.runId.slice(0, 8)}): ${r.customers} customers in ${(r.ms / 1000).toFixed(2)} s, ${r.created} created (${r.control} control), ${r.droppedByCap} held back by caps`),
    // For fault drills (the kill-a-worker test): hold each job this long before working it.
    holdMs: chunkHoldMs,
  });
  // Dashboard views a page sent to the workers, one at a time (each can hold a connection for minutes).
  const dashboardPoller = await workDashboardJobs(boss, (req, outcome, ms) => console.log(`dashboard view ${snapshotKey(req.set, req.scope)} ${outcome} after ${(ms / 1000).toFixed(1)} s`));
  // Woken when jobs are queued (lib/data/job-wake.ts); the pollers poll anyway.
  const pollers = new Map([[EVENTS_QUEUE, eventPollers], [CHUNK_QUEUE, chunkPollers], [DASHBOARD_QUEUE, [dashboardPoller]]]);
  const wake = await listenForJobs(url, (queue) => {
    for (const id of pollers.get(queue) ?? []) boss.notifyWorker(id);
  });
  console.log(`worker ${process.pid} ready: taking batch chunks (${concurrency} at a time), queued events and dashboard views from the job queue`);
  // The monthly partitions of events and usage ahead of time (as the app's retention timer does), so a deployment of
  // workers without an app process still never writes into the DEFAULT partition. Hourly; a busy moment waits for the next.
  const months = () => void ensureMonthPartitions().catch((err: unknown) => console.warn(`monthly partitions: ${err instanceof Error ? err.message : err}`));
  months();
  const monthly = setInterval(months, 3_600_000);
  monthly.unref();
  // The dashboards' figures computed ahead, taking turns with the app processes (lib/services/dashboard-views.ts).
  startDashboardRefresher((line) => console.log(line));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log(`worker ${process.pid} stopping: finishing the chunks in hand`);
    await wake.close();
    await boss.stop({ graceful: true, wait: true, timeout: 120_000 });
    await disconnectDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await disconnectDb();
  process.exit(1);
});
