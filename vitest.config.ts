import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests (tests/unit) are pure. Integration tests (tests/integration) run
// against a throw-away Postgres database created by tests/support/global-setup.ts,
// or against embedded PGlite when no server is reachable (then one file at a time,
// since PGlite is single-connection).
const embedded = process.env.NUDGE_TEST_DB === "pglite";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      "server-only": path.resolve(__dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup.ts"],
    fileParallelism: !embedded,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Every test sees fresh learning statistics (no real-time stats cache).
    env: { STATS_MAX_AGE_SECONDS: "0" },
  },
});
