// npm run bench:engine [-- --batch-runs=3] [--iterations=200] [--seconds=30] [--port=3400] [--allow-small] [--skip-batch] [--skip-http] [--workers=1,2 [--queue-runs=2]] [--queued-events=200]
// The decision engine on the large data set (npm run seed:large), BENCH.md method:
//  - batch generation, in-process: generateRecommendations() over every
//    customer, `--batch-runs` times on the same `now`, each run inside a
//    transaction that is rolled back, so every run starts from the same state;
//    throughput of the median run.
//  - event re-score, over HTTP against `next start` (production build in
//    .next-bench): POST /api/v1/events with one PURCHASE or WEB_VISIT for a
//    random customer, recorded and re-scored before the answer.
// Baselines in the same run: `SELECT 1` through the same Prisma client
// (in-process) and, over HTTP, GET /api/health (the app has no bare dynamic
// route; /api/health is the closest: one `SELECT 1`).
import { db, disconnectDb } from "@/lib/data/db";
import { createApiKey } from "@/lib/data/api-keys";
import { generateRecommendations, type GenerationResult } from "@/lib/services/generation";
import { createBoss, enqueueBatch, ensureQueues, waitForBatch } from "@/lib/services/batch-queue";
import { closeEventQueue, enqueueEvents, eventJobStatus } from "@/lib/services/event-jobs";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Rng } from "@/tooling/seed/random";
import {
  arg,
  baselineLine,
  headerLines,
  latencyLine,
  measure,
  requireDatabaseUrl,
  requireLargeData,
  startServer,
  throughputLine,
  timedFetch,
  timingFromArgs,
  type Server,
} from "./lib/bench";

class Rollback extends Error {}

/**
 * CPU time (ms, user + system) of each of these processes so far, from /proc
 * (Linux); a process that has exited is left out. CPU time per customer holds
 * on a shared machine where the wall clock moves with the neighbours.
 */
function cpuMs(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100); // USER_HZ = 100
    } catch {
      // exited, or no /proc
    }
  }
  return out;
}

/** CPU spent between two snapshots by the processes alive at the second (one that started in between counts from 0). */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

/** The database server's processes serving this database (meaningful when Postgres runs on this machine). */
async function backendPids(): Promise<number[]> {
  const rows = await db().$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  return rows.map((r) => r.pid);
}

async function batchRun(now: Date): Promise<{ ms: number; result: GenerationResult }> {
  let out: { ms: number; result: GenerationResult } | undefined;
  try {
    await db().$transaction(
      async (tx) => {
        const t = performance.now();
        const result = await generateRecommendations({ now, seed: "bench:engine" }, tx);
        out = { ms: performance.now() - t, result };
        throw new Rollback();
      },
      { timeout: 600_000, maxWait: 30_000 },
    );
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return out!;
}

async function main() {
  const url = requireDatabaseUrl("bench:engine");
  const facts = await requireLargeData(url, "bench:engine", process.argv.includes("--allow-small"));
  const timing = timingFromArgs();
  const batchRuns = Number(arg("batch-runs") ?? 3);
  for (const line of headerLines("bench:engine", facts, timing, [
    `batch: in-process generateRecommendations() over all customers, ${batchRuns} runs on the same now, each rolled back; the median run`,
    "re-score: POST /api/v1/events (1 event, random customer, PURCHASE/WEB_VISIT alternating) over HTTP to next start; baseline GET /api/health (no bare dynamic route exists; it runs one SELECT 1)",
  ]))
    console.log(line);

  const select1 = await measure(() => db().$queryRaw`SELECT 1`, timing);
  console.log(baselineLine("SELECT 1 through Prisma (in-process)", select1));

  if (!process.argv.includes("--skip-batch")) {
    const now = new Date();
    const runs: { ms: number; result: GenerationResult }[] = [];
    for (let i = 0; i < batchRuns; i++) {
      const r = await batchRun(now);
      runs.push(r);
      console.log(
        `# batch run ${i + 1}: ${r.result.customers} customers in ${(r.ms / 1000).toFixed(2)} s; ${r.result.created} created (${r.result.control} control), ` +
          `${r.result.expired} expired, ${r.result.superseded} withdrawn, ${r.result.droppedByCap} held back by caps (rolled back); ` +
          `model ${r.result.modelVersion}; ms in setup ${r.result.phases.setup}, load ${r.result.phases.load}, decide ${r.result.phases.decide}, write ${r.result.phases.write}`,
      );
    }
    const median = runs.slice().sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
    console.log(throughputLine("batch generation", median.result.customers, median.ms));
  }

  const workerCounts = (arg("workers") ?? "").split(",").filter(Boolean).map(Number);
  if (workerCounts.length) await queueBench(url, workerCounts, Number(arg("queue-runs") ?? 2));
  const queuedEvents = Number(arg("queued-events") ?? 0);
  if (queuedEvents > 0) await queuedEventsBench(queuedEvents);

  if (process.argv.includes("--skip-http")) return;
  let server: Server | undefined;
  const key = await createApiKey("bench:engine", ["events:write"], null, 1_000_000); // load, not the per-key rate limit
  const source = `bench:engine:${Date.now()}`;
  try {
    server = await startServer(url);
    const customers = await eventCustomers();
    const rng = new Rng("bench:engine:customers");
    const health = await measure(() => timedFetch(`${server!.base}/api/health`, {}), timing);
    console.log(baselineLine("GET /api/health over HTTP", health));
    const headers = { authorization: `Bearer ${key.key}`, "content-type": "application/json" };
    const rescore = await measure(async (i) => {
      const purchase = i % 2 === 0;
      const event = {
        customerExternalId: rng.pick(customers).externalId,
        type: purchase ? "PURCHASE" : "WEB_VISIT",
        occurredAt: new Date().toISOString(),
        ...(purchase ? { amount: 100 + (i % 50) * 20 } : { payload: { page: "/pricing" } }),
        source,
      };
      const body = await timedFetch(`${server!.base}/api/v1/events`, { method: "POST", headers, body: JSON.stringify({ events: [event] }) });
      const parsed = JSON.parse(body) as { results: { status: string }[]; rescored: string[] };
      if (parsed.results[0]?.status !== "recorded" || parsed.rescored.length !== 1) throw new Error(`unexpected answer: ${body}`);
    }, timing);
    console.log(latencyLine("event re-score", rescore, health));
  } finally {
    await server?.stop();
    // The bench's own events and key go; the re-scored recommendations stay (as after any real event).
    await db().$executeRaw`DELETE FROM "CustomerEvent" WHERE source = ${source}`;
    await db().apiKey.delete({ where: { id: key.id } });
  }
}

/** `npm run worker`'s node arguments (package.json), so the bench runs exactly what production runs. */
const WORKER_ARGS = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts.worker!.split(/\s+/).slice(1);

/** Starts `npm run worker` processes (one node process each) and resolves when all say they are ready. */
async function startWorkers(n: number): Promise<ChildProcess[]> {
  const procs = Array.from({ length: n }, () =>
    spawn(process.execPath, WORKER_ARGS, { env: process.env, stdio: ["ignore", "pipe", "inherit"] }),
  );
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve, reject) => {
          let out = "";
          p.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            if (out.includes("ready")) resolve();
          });
          p.once("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
        }),
    ),
  );
  for (const p of procs) p.stdout!.resume();
  return procs;
}

/**
 * The batch split over the job queue with N worker processes: for each N
 * (alternating, `runs` rounds), N long-lived workers are started, warmed by
 * one batch, then timed on one more, each committed (unlike the in-process
 * runs); the median per N, and the ratio of the largest N's throughput to one
 * worker's. A worker's first chunk costs about a second more than the rest
 * (code warm-up, model thaw, connections), which long-lived workers pay once.
 */
async function queueBench(url: string, counts: number[], runs: number) {
  console.log(`# queue: engine:generate -- --queue with N \`npm run worker\` processes, started and warmed by one batch before the clock; ${runs} timed runs per N, alternating; each committed; the median run`);
  const boss = createBoss(url);
  boss.on("error", () => {});
  await boss.start();
  await ensureQueues(boss);
  const batchOnce = async () => {
    const t = performance.now();
    const batch = await enqueueBatch(boss, { seed: "bench:engine:queue" });
    const s = await waitForBatch(boss, batch.jobIds, { pollMs: 50 });
    const ms = performance.now() - t;
    if (s.failed) throw new Error(`${s.failed} chunks failed`);
    return { ms, customers: s.results.reduce((a, r) => a + r.customers, 0), chunks: batch.jobIds.length };
  };
  const by = new Map<number, { ms: number; customers: number }[]>();
  for (let i = 0; i < runs; i++) {
    for (const n of counts) {
      const workers = await startWorkers(n);
      try {
        await batchOnce();
        const pids = workers.map((w) => w.pid!);
        const backends = await backendPids();
        const [w0, d0] = [cpuMs(pids), cpuMs(backends)];
        const r = await batchOnce();
        const [w1, d1] = [cpuMs(pids), cpuMs(await backendPids())];
        const per = (before: Map<number, number>, after: Map<number, number>) => ((cpuSpent(before, after) * 1000) / r.customers).toFixed(1);
        console.log(
          `# queue run, ${n} worker(s): ${r.customers} customers in ${(r.ms / 1000).toFixed(2)} s over ${r.chunks} chunks; ` +
            `CPU per customer: workers ${per(w0, w1)} us, database ${per(d0, d1)} us (/proc; the database only when it runs on this machine)`,
        );
        by.set(n, [...(by.get(n) ?? []), r]);
      } finally {
        for (const w of workers) w.kill("SIGTERM");
        await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once("exit", r) : r(null)))));
      }
    }
  }
  const rate = new Map<number, number>();
  for (const n of counts) {
    const list = by.get(n)!.slice().sort((a, b) => a.ms - b.ms);
    const median = list[Math.floor(list.length / 2)]!;
    rate.set(n, (median.customers / median.ms) * 1000);
    console.log(throughputLine(`batch generation (queue, ${n} worker${n === 1 ? "" : "s"})`, median.customers, median.ms));
  }
  const most = Math.max(...counts);
  if (rate.has(1) && most > 1) console.log(`queue scaling: ${most} workers / 1 worker = ${(rate.get(most)! / rate.get(1)!).toFixed(2)}x`);
  await boss.stop({ graceful: false, wait: true });
}

/** Active reps' customers, by externalId: the events' customers. */
const eventCustomers = () =>
  db().$queryRaw<{ externalId: string }[]>`
      SELECT c."externalId" FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.active AND u.role = 'REP' ORDER BY c."externalId"`;

/**
 * Events sent with `Prefer: respond-async`, drained by one worker: `n`
 * one-event jobs queued back to back (as a burst of asynchronous calls queues
 * them, through the same enqueueEvents), timed from the first send until every
 * job has completed (each job's status read every 100 ms until it has). One
 * worker, started and warmed by 10 such jobs before the clock.
 */
async function queuedEventsBench(n: number) {
  console.log(`# queued events: ${n} one-event jobs (PURCHASE/WEB_VISIT alternating, random customer) queued back to back as POST /api/v1/events with Prefer: respond-async queues them; one \`npm run worker\`, warmed by 10 jobs; timed until all completed`);
  const key = await createApiKey("bench:engine:queued", ["events:write"], null, 1_000_000);
  const source = `bench:engine:queued:${Date.now()}`;
  const [worker] = await startWorkers(1);
  try {
    const customers = await eventCustomers();
    const rng = new Rng("bench:engine:queued");
    const drain = async (count: number) => {
      const t = performance.now();
      const pending = new Set<string>();
      for (let i = 0; i < count; i++) {
        const purchase = i % 2 === 0;
        const event = { customerExternalId: rng.pick(customers).externalId, type: purchase ? "PURCHASE" : "WEB_VISIT", occurredAt: new Date().toISOString(), ...(purchase ? { amount: 100 + (i % 50) * 20 } : {}), source };
        pending.add((await enqueueEvents(key.id, [event])).jobId);
      }
      const sentMs = performance.now() - t;
      while (pending.size) {
        await new Promise((r) => setTimeout(r, 100));
        for (const id of [...pending]) {
          const s = await eventJobStatus(key.id, id);
          if (s?.status === "failed") throw new Error(`queued event job ${id} failed: ${s.error}`);
          if (s?.status === "completed") pending.delete(id);
        }
      }
      return { ms: performance.now() - t, sentMs };
    };
    await drain(10);
    const { ms, sentMs } = await drain(n);
    console.log(`# queued events: the ${n} jobs were queued in ${(sentMs / 1000).toFixed(2)} s`);
    console.log(`queued events (1 worker): ${Math.round((n / ms) * 1000)} events/s (${n} one-event jobs in ${(ms / 1000).toFixed(2)} s)`);
  } finally {
    worker!.kill("SIGTERM");
    await new Promise((r) => (worker!.exitCode === null ? worker!.once("exit", r) : r(null)));
    await closeEventQueue();
    await db().$executeRaw`DELETE FROM "CustomerEvent" WHERE source = ${source}`;
    await db().apiKey.delete({ where: { id: key.id } });
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
