// npm run engine:generate [-- --queue]: batch generation for every rep's queue; prints what it did.
// --queue splits it over the job queue for `npm run worker` processes to take, and waits for them.
import { databaseMode } from "@/lib/config/env";
import { disconnectDb } from "@/lib/data/db";
import { CHUNK_RETRY_LIMIT, createBoss, enqueueBatch, ensureQueues, startQueue, waitForBatch } from "@/lib/services/batch-queue";
import { generateRecommendations } from "@/lib/services/generation";

async function viaQueue(url: string) {
  const boss = await startQueue(() => createBoss(url), ensureQueues);
  boss.on("error", (err: Error) => console.error(`job queue: ${err.message}`));
  const t0 = performance.now();
  const batch = await enqueueBatch(boss);
  console.log(`queued ${batch.jobIds.length} chunks (${batch.customers} customers) as run ${batch.runId}; ${batch.expired} expired past their date. Waiting for workers (npm run worker)…`);
  let last = -1;
  const s = await waitForBatch(boss, batch.jobIds, {
    onProgress: (p) => {
      if (p.completed + p.failed !== last) console.log(`  ${p.completed} of ${batch.jobIds.length} chunks done${p.failed ? `, ${p.failed} failed` : ""}`);
      last = p.completed + p.failed;
    },
  });
  const ms = performance.now() - t0;
  const sum = (k: "customers" | "created" | "control" | "superseded" | "droppedByCap") => s.results.reduce((a, r) => a + r[k], 0);
  console.log(`customers scored: ${sum("customers")} in ${(ms / 1000).toFixed(2)} s (${Math.round((sum("customers") / ms) * 1000)} customers/s)`);
  console.log(`recommendations created: ${sum("created")} (${sum("control")} in the control group, never shown)`);
  console.log(`withdrawn as no longer eligible: ${sum("superseded")}; held back by caps: ${sum("droppedByCap")}`);
  if (s.failed) console.log(`${s.failed} chunks failed after ${CHUNK_RETRY_LIMIT} retries and are in the dead-letter queue: ${JSON.stringify(s.failures)}`);
  await boss.stop({ graceful: false, wait: true });
  return s.failed === 0;
}

async function main() {
  const mode = databaseMode();
  if (process.argv.includes("--queue")) {
    if (mode.kind !== "postgres") throw new Error("--queue needs a Postgres server (set DATABASE_URL).");
    const ok = await viaQueue(mode.url);
    await disconnectDb();
    process.exit(ok ? 0 : 1);
  }
  console.log(`Generating recommendations on ${mode.kind === "postgres" ? "Postgres (DATABASE_URL)" : `embedded PGlite (${mode.dir})`}…`);
  const r = await generateRecommendations();
  const rate = r.ms > 0 ? Math.round((r.customers / r.ms) * 1000) : r.customers;
  console.log(`model ${r.modelVersion}`);
  console.log(`customers scored: ${r.customers} in ${(r.ms / 1000).toFixed(2)} s (${rate} customers/s)`);
  console.log(`recommendations created: ${r.created} (${r.control} in the control group, never shown)`);
  console.log(`expired past their date: ${r.expired}; withdrawn as no longer eligible: ${r.superseded}; held back by caps: ${r.droppedByCap}`);
  await disconnectDb();
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await disconnectDb();
  process.exit(1);
});
