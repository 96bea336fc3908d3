// npm start: prepares the database (embedded PGlite when DATABASE_URL is unset),
// seeds demo data on first run, builds if needed, and serves on PORT (3000).
import { NEXT, NEXT_KEEP_ALIVE_MS, run, tsx } from "./lib/proc";
import { ensureAuthSecret } from "./lib/secret";
import { ensureBuild } from "./lib/build";

async function main() {
  const port = process.env.PORT ?? "3000";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    NEXTAUTH_SECRET: ensureAuthSecret(),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
  };
  await tsx("scripts/generate.ts", { env });
  await tsx("scripts/prepare-db.ts", { env });
  await ensureBuild({ ...env, NODE_ENV: "production" });
  console.log(`\nNudge is starting on http://localhost:${port}  (demo sign-in: rep@nudge.test / nudge-demo)\n`);
  await run(NEXT, ["start", "-p", port, "--keepAliveTimeout", NEXT_KEEP_ALIVE_MS], { env: { ...env, NODE_ENV: "production" } });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
