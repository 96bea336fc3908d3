// npm run probe [-- --per-route=2500] [--burst=1000] [--seed=N]
// The full API probe (issue 11): at least 10,000 generated malformed bodies
// across every /api/v1 route (fast-check; the route handlers called in-process,
// as Next.js calls them), then at least 1,000 concurrent reactions with
// duplicate keys and conflicting reactions on one suggestion; the database is
// checked after each (tests/support/probe.ts). It is the short form that
// `npm test` runs (tests/integration/probe.test.ts), scaled up, and runs in
// Vitest for the same reason: the route modules need the test setup's module
// aliases (server-only) outside Next.js. Throw-away database on the Postgres at
// TEST_DATABASE_ADMIN_URL (default postgres@127.0.0.1:5432), dropped after.
// Prints per-route figures and the summary line
//   probe: N bodies, 0 responses ≥ 500, rejected items wrote 0 rows; burst: …
// and exits non-zero when any check failed.
import path from "node:path";
import { ROOT, run } from "./lib/proc";

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
};

async function main() {
  const perRoute = arg("per-route", 2500);
  const burst = arg("burst", 1000);
  const seed = arg("seed", Date.now() % 1_000_000);
  if (perRoute * 4 < 10_000) console.warn(`probe: ${perRoute} bodies per route is fewer than 10,000 in all (the full run's promise)`);
  console.log(`probe: seed ${seed}, ${perRoute} bodies per route, ${burst} concurrent reactions`);
  const t0 = Date.now();
  await run(path.join(ROOT, "node_modules", ".bin", "vitest"), ["run", "tests/integration/probe.test.ts", "--reporter=default"], {
    env: { ...process.env, PROBE_PER_ROUTE: String(perRoute), PROBE_BURST: String(burst), PROBE_SEED: String(seed) },
  });
  console.log(`probe: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
