// npm run db:migrate: applies pending SQL migrations to the configured database.
import { databaseMode } from "@/lib/config/env";
import { migrate, readMigrations } from "@/tooling/db/migrate";
import { connectConfigured } from "@/tooling/db/sql";

async function main() {
  const mode = databaseMode();
  console.log(mode.kind === "postgres" ? `Migrating Postgres at ${redact(mode.url)}` : `Migrating embedded PGlite in ${mode.dir}`);
  const conn = await connectConfigured();
  try {
    const { applied, alreadyApplied } = await migrate(conn, await readMigrations());
    for (const name of applied) console.log(`  applied ${name}`);
    console.log(applied.length ? `${applied.length} migration(s) applied.` : `Up to date (${alreadyApplied.length} applied).`);
  } finally {
    await conn.close();
  }
}

function redact(url: string) {
  return url.replace(/\/\/([^:@]+):[^@]*@/, "//$1:***@");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
