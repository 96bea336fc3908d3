// npm run seed:large [-- --reset] [--seed=N] [--customers=N] [--reps=N] [--today=YYYY-MM-DD] [--finish] [--skip-batch]
// Builds the large, deterministic benchmark data set (tooling/seed/large.ts) on the
// Postgres in DATABASE_URL: at least 50 reps, 50,000 customers, 1,000,000
// events and 300,000 feedback rows, demo-shaped, then runs one batch generation
// so every rep has today's queue. Never runs on the embedded database.
// Skips when the database already holds the large data set; refuses a database
// holding other data unless --reset (drops and recreates the public schema).
// --finish: for a seed stopped after its data was written (a SIGKILL keeps the
// rows; any other failure wipes them): rebuilds the rollups, turns the fact
// triggers on, VACUUM ANALYZE, then trains the model version and runs the first
// batch as a full seed does. Pass the seed's --today if it was another day.
// --skip-batch: no first batch (the queues stay empty until the next batch;
// at 1,000,000 customers the first one is cold and takes long).
import pg from "pg";
import { disconnectDb, db } from "@/lib/data/db";
import { generateRecommendations } from "@/lib/services/generation";
import { trainVersion } from "@/lib/services/model-lifecycle";
import { migrate, readMigrations } from "@/tooling/db/migrate";
import { connectPostgres } from "@/tooling/db/sql";
import { BENCH_REP_EMAIL, LARGE_DEFAULTS, finishLarge, isLarge, largeCounts, seedLarge, wipeLarge, type LargeCounts } from "@/tooling/seed/large";

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=").slice(1).join("=");
}
function intArg(name: string, fallback: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got "${raw}")`);
  return n;
}
const redact = (url: string) => url.replace(/\/\/([^:@]+):[^@]*@/, "//$1:***@");
const fmt = (n: number) => n.toLocaleString("en-US");

function printCounts(c: LargeCounts) {
  console.log(
    `  teams ${c.teams}, users ${c.users} (${c.reps} reps), customers ${fmt(c.customers)} (${fmt(c.benchRepCustomers)} owned by ${BENCH_REP_EMAIL}), ` +
      `events ${fmt(c.events)}, action types ${c.actionTypes}, recommendations ${fmt(c.recommendations)}, feedback ${fmt(c.feedback)}, usage events ${fmt(c.usageEvents)}`,
  );
}

/** Creates the target database (through the server's `postgres` database) when it does not exist yet. */
async function createDatabaseIfMissing(url: string) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = "/postgres";
  const admin = await connectPostgres(u.toString());
  try {
    const rows = await admin.query<{ exists: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists", [name]);
    if (!rows[0]?.exists) {
      await admin.exec(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`  created database ${name}`);
    }
  } finally {
    await admin.close();
  }
}

// Training the first model version reads every seeded outcome: 109 s at 1,000,000 customers (after the
// seed's VACUUM; more than the 120 s this used to allow on a colder cache, which failed the third 1 M seed).
const TRAIN_TIMEOUT_MS = 15 * 60_000;

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("seed:large needs a real Postgres: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/nudge_bench). It never seeds the embedded database.");
    process.exit(2);
  }
  const dbName = new URL(url).pathname.slice(1);
  if (/^nudge_(e2e|test)/.test(dbName)) {
    console.error(`Refusing to put the large data set into ${dbName}: that database belongs to the e2e/test runs. Use a database of its own (e.g. nudge_bench).`);
    process.exit(2);
  }
  const reset = process.argv.includes("--reset");
  const finish = process.argv.includes("--finish");
  const skipBatch = process.argv.includes("--skip-batch");
  if (reset && finish) throw new Error("--reset and --finish exclude each other");
  const seed = intArg("seed", LARGE_DEFAULTS.seed);
  const customers = intArg("customers", LARGE_DEFAULTS.customers);
  const reps = intArg("reps", LARGE_DEFAULTS.reps);
  const todayArg = arg("today");
  const today = todayArg ? new Date(`${todayArg}T00:00:00Z`) : new Date();
  if (Number.isNaN(today.getTime())) throw new Error(`--today must be YYYY-MM-DD (got "${todayArg}")`);
  const t0 = Date.now();
  console.log(`Large seed on ${redact(url)}`);

  await createDatabaseIfMissing(url);
  if (reset) {
    const conn = await connectPostgres(url);
    try {
      console.log("--reset: dropping and recreating the public schema");
      await conn.exec(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;`);
    } finally {
      await conn.close();
    }
  }
  const conn = await connectPostgres(url);
  try {
    const { applied } = await migrate(conn, await readMigrations());
    console.log(applied.length ? `  migrations applied: ${applied.join(", ")}` : "  migrations up to date");
  } finally {
    await conn.close();
  }

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const before = await largeCounts(client);
    let seeded: { today: Date; ms: number };
    if (finish) {
      if (!isLarge(before)) {
        console.error("--finish needs the large data set written (at least 50 reps, 50,000 customers, 1,000,000 events, 300,000 feedback):");
        printCounts(before);
        process.exitCode = 2;
        return;
      }
      console.log(`Finishing the large data set written before (today ${today.toISOString().slice(0, 10)})…`);
      const started = Date.now();
      let lap = started;
      await finishLarge(client, (name, extra = "") => {
        const t = Date.now();
        console.log(`  ${name.padEnd(34)} ${((t - lap) / 1000).toFixed(1).padStart(6)} s${extra ? `  ${extra}` : ""}`);
        lap = t;
      });
      seeded = { today: new Date(Math.floor(today.getTime() / 86_400_000) * 86_400_000), ms: Date.now() - started };
      console.log(`  finished in ${(seeded.ms / 1000).toFixed(1)} s`);
    } else if (isLarge(before)) {
      console.log("Already seeded at the large size (use --reset to rebuild):");
      printCounts(before);
      return;
    } else if (before.users > 0 || before.customers > 0) {
      console.error(
        `The database already holds other data (${before.users} users, ${before.customers} customers). Run with --reset to drop it and build the large data set.`,
      );
      process.exitCode = 2;
      return;
    } else {
      console.log(`Seeding ${fmt(customers)} customers, ${reps} reps (seed ${seed}, today ${today.toISOString().slice(0, 10)})…`);
      try {
        seeded = await seedLarge(client, { seed, customers, reps, today, log: (line) => console.log(line) });
      } catch (err) {
        await wipeLarge(client).catch(() => undefined);
        throw err;
      }
      console.log(`  data written in ${(seeded.ms / 1000).toFixed(1)} s`);
    }

    // The model version the engine scores with, trained on the seeded outcomes, as the
    // app's lifecycle worker does at its first tick (lib/services/model-lifecycle.ts).
    const genAt = new Date(seeded.today.getTime() + 8 * 3_600_000);
    const active = await client.query<{ number: number }>(`SELECT number FROM "ModelVersion" WHERE status = 'ACTIVE'`);
    if (finish && active.rows[0]) {
      console.log(`  model version                      v${active.rows[0].number} already active`);
    } else {
      const version = await db().$transaction((tx) => trainVersion(tx, genAt, { status: "ACTIVE", reason: "seed" }), { timeout: TRAIN_TIMEOUT_MS });
      console.log(`  model version                      v${version.number} trained on the seeded outcomes`);
    }
    // Today's queues from the real engine, at 08:00 UTC of the seeded day.
    if (skipBatch) {
      console.log("  batch generation                   skipped (--skip-batch)");
    } else {
      const gen = await generateRecommendations({ now: genAt, seed: `large:${seed}` }, db());
      console.log(
        `  batch generation                   ${(gen.ms / 1000).toFixed(1).padStart(6)} s  ${fmt(gen.customers)} customers (${fmt(Math.round((gen.customers / gen.ms) * 1000))}/s), ` +
          `${fmt(gen.created)} recommendations created (${fmt(gen.control)} control), ${fmt(gen.expired)} expired, ${fmt(gen.droppedByCap)} held back by caps, model ${gen.modelVersion}`,
      );
    }
    await client.query(`ANALYZE "Recommendation"`);
    const after = await largeCounts(client);
    console.log(`Seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s:`);
    printCounts(after);
    if (!isLarge(after)) throw new Error("The data set came out smaller than the large minimum (50 reps, 50,000 customers, 1,000,000 events, 300,000 feedback).");
    console.log(`Sign in as ${BENCH_REP_EMAIL} / nudge-demo (the bench rep, ${fmt(after.benchRepCustomers)} customers).`);
  } finally {
    await client.end();
    await disconnectDb();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
