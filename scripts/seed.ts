// npm run db:seed [-- --force] [--seed=N] [--customers=N]
// Seeds the demo into the configured database (Postgres via DATABASE_URL, else
// embedded PGlite) when it has no users yet; `--force` empties the app tables
// first. Run migrations before (npm run db:migrate).
import { databaseMode } from "@/lib/config/env";
import { db, disconnectDb } from "@/lib/data/db";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import type { SeedClient } from "@/tooling/seed/client";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo, wipeAppTables } from "@/tooling/seed/demo";

function intArg(name: string, fallback: number): number {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got "${raw}")`);
  return n;
}

async function main() {
  const mode = databaseMode();
  if (mode.kind === "postgres") {
    try {
      await run(db(), "Postgres");
    } finally {
      await disconnectDb();
    }
    return;
  }
  // Our own PGlite handle rather than db(): Prisma's PGlite adapter never closes
  // the database on $disconnect, which leaves the process hanging and skips
  // PGlite's clean shutdown.
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const pglite = await PGlite.create(mode.dir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  try {
    await run(prisma, `embedded PGlite in ${mode.dir}`);
  } finally {
    await prisma.$disconnect();
    await pglite.close();
  }
}

async function run<O extends Prisma.PrismaClientOptions["omit"]>(prisma: SeedClient<O>, target: string) {
  const force = process.argv.includes("--force");
  const seed = intArg("seed", 42);
  const customers = intArg("customers", 1500);

  const users = await prisma.user.count();
  if (users > 0 && !force) {
    console.log(`Database (${target}) already seeded: ${users} user(s). Use --force to wipe and reseed.`);
    return;
  }
  if (force) {
    console.log(`--force: emptying the application tables (${target})`);
    await wipeAppTables(prisma);
  }
  console.log(`Seeding the demo into ${target} (seed ${seed}, ${customers} customers)...`);
  let summary;
  try {
    summary = await seedDemo(prisma, { seed, customers, log: (line) => console.log(line) });
  } catch (err) {
    // Leave the database empty rather than half-seeded (which would look "already seeded").
    await wipeAppTables(prisma).catch(() => undefined);
    throw err;
  }
  const q = summary.todaysQueue;
  console.log(
    [
      `Seeded in ${(summary.ms / 1000).toFixed(1)} s (today = ${summary.today}):`,
      `  teams ${summary.teams}, users ${summary.users}, customers ${summary.customers}, events ${summary.events}`,
      `  action types ${summary.actionTypes}, recommendations ${summary.recommendations} (history ${summary.historyRecommendations}, today ${q.created}: ${q.created - q.control} visible + ${q.control} control, model ${q.modelVersion})`,
      `  feedback ${summary.feedback}, usage events ${summary.usageEvents}, audit log ${summary.auditLogs}`,
      `  purchase within 14 days: accepted ${(summary.conversion14d.accepted * 100).toFixed(1)}% (n=${summary.conversion14d.acceptedN}) vs control ${(summary.conversion14d.control * 100).toFixed(1)}% (n=${summary.conversion14d.controlN})`,
      `Sign in with ${Object.values(DEMO_ACCOUNTS)
        .map((a) => a.email)
        .join(", ")} / ${DEMO_PASSWORD}`,
    ].join("\n"),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
