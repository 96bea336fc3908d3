// Migrates the configured database and seeds the demo on first run.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { databaseMode } from "@/lib/config/env";
import { tsx } from "./lib/proc";

async function main() {
  const mode = databaseMode();
  if (mode.kind === "pglite") {
    mkdirSync(path.dirname(path.resolve(mode.dir)), { recursive: true });
    console.log(`Database: embedded PGlite in ${mode.dir} (set DATABASE_URL to use a Postgres server instead)`);
  } else {
    console.log("Database: Postgres from DATABASE_URL");
  }
  // Separate processes: PGlite allows one process at a time, so each step
  // opens, works and closes before the server starts.
  await tsx("scripts/migrate.ts");
  await tsx("scripts/seed.ts");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
