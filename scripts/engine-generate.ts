// npm run engine:generate: batch generation for every rep's queue; prints what it did.
import { databaseMode } from "@/lib/config/env";
import { disconnectDb } from "@/lib/data/db";
import { generateRecommendations } from "@/lib/services/generation";

async function main() {
  const mode = databaseMode();
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
