// Serves the app for Playwright: a fresh, migrated and seeded database
// (E2E_DATABASE_URL, recreated each run), a production build, next start.
import { connectPostgres } from "@/tooling/db/sql";
import { ensureBuild } from "./lib/build";
import { NEXT, NEXT_KEEP_ALIVE_MS, run, tsx } from "./lib/proc";

async function recreate(url: string) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  if (!/^nudge_e2e\w*$/.test(name) || !["127.0.0.1", "localhost"].includes(u.hostname)) {
    throw new Error(`Refusing to recreate ${name} on ${u.hostname}: e2e only wipes local nudge_e2e* databases.`);
  }
  u.pathname = "/postgres";
  const admin = await connectPostgres(u.toString());
  try {
    await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.exec(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.close();
  }
}

async function main() {
  const port = process.env.E2E_PORT ?? "3100";
  const url = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/nudge_e2e";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    NEXTAUTH_SECRET: "e2e-secret-not-for-production-0123456789",
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
    // The journeys check dashboard figures right after acting, so no figure set is served from its copy computed
    // ahead (lib/services/dashboard-views.ts) unless it took 10 s to compute; the refresher still runs.
    DASHBOARD_LIVE_BUDGET_MS: process.env.DASHBOARD_LIVE_BUDGET_MS ?? "10000",
  };
  await recreate(url);
  await tsx("scripts/migrate.ts", { env });
  await tsx("scripts/seed.ts", { env });
  await ensureBuild({ ...env, NODE_ENV: "production" });
  await run(NEXT, ["start", "-p", port, "--keepAliveTimeout", NEXT_KEEP_ALIVE_MS, "-H", "127.0.0.1"], { env: { ...env, NODE_ENV: "production" } });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
