// npm test: the whole suite, the same command CI runs.
//   1. generate the Prisma client, typecheck, lint
//   2. Vitest: unit + integration (throw-away Postgres database, or embedded PGlite if no server answers)
//   3. Playwright: end-to-end journeys in Debian's Chromium against a production build
// Ends with one summary line "tests: N passed, N failed" and fails if nothing ran.
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ROOT, run, tsx } from "./lib/proc";

const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);
const reports = path.join(ROOT, "test-results");

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCounts(file: string): Counts {
  const r = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCounts(file: string): Counts {
  const r = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
}

async function step(name: string, fn: () => Promise<void>) {
  const t0 = Date.now();
  console.log(`\n=== ${name}`);
  await fn();
  console.log(`=== ${name}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function main() {
  const only = process.argv[2]; // optional: "unit" | "e2e"
  rmSync(path.join(reports, "vitest.json"), { force: true });
  rmSync(path.join(reports, "playwright.json"), { force: true });
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  let failure: unknown;
  try {
    await step("prisma generate", () => tsx("scripts/generate.ts"));
    if (!only) {
      await step("typecheck", () => run(bin("tsc"), ["--noEmit"]));
      await step("lint", () => run(bin("eslint"), [".", "--max-warnings=0"]));
    }
    if (only !== "e2e") {
      await step("vitest", () => run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(reports, "vitest.json")}`]));
    }
    if (only !== "unit") {
      await step("playwright", () => run(bin("playwright"), ["test"], { env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, "playwright.json") } }));
    }
  } catch (err) {
    failure = err;
  }
  for (const [file, read] of [
    [path.join(reports, "vitest.json"), vitestCounts],
    [path.join(reports, "playwright.json"), playwrightCounts],
  ] as const) {
    if (!existsSync(file)) continue;
    const c = read(file);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  if (failure) console.error(`\n${failure instanceof Error ? failure.message : String(failure)}`);
  console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  if (failure || total.failed > 0) process.exit(1);
  if (total.passed === 0) {
    console.error("No test ran: refusing to pass.");
    process.exit(1);
  }
}

void main();
