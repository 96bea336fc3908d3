// How workers find jobs (lib/services/batch-queue.ts pollQueue,
// lib/data/job-wake.ts): a poller that has finished a job takes the next at
// once, and an idle poller is woken when jobs are queued, instead of either
// waiting for its next poll. The polling interval here is a minute, longer
// than each test's timeout, so a test passes only if the jobs were taken
// without a poll.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_wake") : null;
if (own) process.env.DATABASE_URL = own.url;
process.env.JOB_POLL_MS = "60000";

const { db, disconnectDb } = await import("@/lib/data/db");
const { createBoss, pollQueue } = await import("@/lib/services/batch-queue");
const { listenForJobs, wakeWorkers } = await import("@/lib/data/job-wake");

type Boss = ReturnType<typeof createBoss>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once every job is completed (polled every 50 ms; the test's timeout bounds it). */
async function completed(boss: Boss, queue: string, ids: string[]): Promise<void> {
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => boss.getJobById(queue, id, { includeArchive: true })));
    if (jobs.every((j) => j?.state === "completed")) return;
    await sleep(50);
  }
}

async function send(boss: Boss, queue: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await boss.send(queue, { n: i }))!);
  return ids;
}

/** The backends listening for wake-ups. */
const listeners = () => db().$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE application_name = 'nudge-job-wake' AND datname = current_database()`;

describe.skipIf(!reachable)("workers find queued jobs without waiting for a poll", () => {
  let boss: Boss;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    boss = createBoss(own!.url);
    boss.on("error", () => {});
    await boss.start();
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await boss.stop({ graceful: false, wait: true });
    delete process.env.JOB_POLL_MS;
    await disconnectDb();
    await own?.drop();
  });

  it("takes jobs queued back to back one after another, not one per polling interval", { timeout: 20_000 }, async () => {
    await boss.createQueue("t-back-to-back");
    const ids = await send(boss, "t-back-to-back", 5);
    const seen: number[] = [];
    await pollQueue<{ n: number }, number>(boss, "t-back-to-back", async (job) => {
      seen.push(job.data.n);
      return job.data.n;
    });
    await completed(boss, "t-back-to-back", ids);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("wakes an idle poller when jobs are queued, and again after its listening connection was cut", { timeout: 20_000 }, async () => {
    await boss.createQueue("t-wake");
    const [sentinel] = await send(boss, "t-wake", 1);
    const poller = await pollQueue<{ n: number }, number>(boss, "t-wake", async (job) => job.data.n);
    const wake = await listenForJobs(own!.url, (queue) => queue === "t-wake" && boss.notifyWorker(poller), { retryMs: 100 });
    closers.push(wake.close);
    // The poller's first fetch took the sentinel; the fetch after it found nothing, and it now sleeps for a minute.
    await completed(boss, "t-wake", [sentinel!]);
    await sleep(500);

    const first = await send(boss, "t-wake", 2);
    await wakeWorkers("t-wake");
    await completed(boss, "t-wake", first);

    // A lost listening connection is opened again; wake-ups reach the poller after it.
    const [before] = await listeners();
    expect(before).toBeDefined();
    await db().$queryRaw`SELECT pg_terminate_backend(${before!.pid}::int)`;
    for (;;) {
      const now = await listeners();
      if (now.length === 1 && now[0]!.pid !== before!.pid) break;
      await sleep(50);
    }
    await sleep(500);
    const second = await send(boss, "t-wake", 2);
    await wakeWorkers("t-wake");
    await completed(boss, "t-wake", second);
  });

  it("waking workers never fails its caller", async () => {
    await expect(wakeWorkers("x".repeat(9000))).resolves.toBeUndefined(); // a payload Postgres refuses (over 8000 bytes)
  });
});
