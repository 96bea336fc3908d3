// npm run signals:check [-- --rebuild]: compares every customer's kept signals
// (CustomerSignal, kept by triggers on CustomerEvent) with a recomputation from
// the events at this moment, and says whether they are equal. --rebuild first
// rebuilds every row from the events (a backfill after a bulk load with the
// triggers off). Exits 1 when any kept row differs.
import { databaseMode } from "@/lib/config/env";
import { checkCustomerSignals } from "@/lib/data/decisions";
import { db, disconnectDb } from "@/lib/data/db";

async function main() {
  const mode = databaseMode();
  console.log(`Checking incremental signals on ${mode.kind === "postgres" ? "Postgres (DATABASE_URL)" : `embedded PGlite (${mode.dir})`}…`);
  if (process.argv.includes("--rebuild")) {
    const t = performance.now();
    const [row] = await db().$queryRaw<{ n: bigint }[]>`SELECT nudge_rebuild_customer_signals() AS n`;
    console.log(`rebuilt ${Number(row?.n ?? 0).toLocaleString("en-US")} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const t = performance.now();
  const c = await checkCustomerSignals(db(), new Date());
  const s = ((performance.now() - t) / 1000).toFixed(1);
  console.log(
    `incremental signals: ${c.customers} customers, ${c.kept} kept rows exact now, ${c.stale} past their validity or missing (recomputed by the next batch), ` +
      `${c.differ} differ from a recomputation (${s} s)`,
  );
  if (c.differ > 0) console.log(`first that differ: ${c.examples.join(", ")}`);
  await disconnectDb();
  process.exit(c.differ > 0 ? 1 : 0);
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await disconnectDb();
  process.exit(1);
});
