import { defineConfig, devices } from "@playwright/test";

// End-to-end journeys against a production build served by scripts/e2e-server.ts
// on a fresh, seeded database. Debian's Chromium: Playwright's own browser
// download is not available on these machines.
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
process.env.E2E_DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/nudge_e2e";
// A second run on another port (E2E_PORT, E2E_DATABASE_URL, NEXT_DIST_DIR) keeps
// its results, report and saved sessions apart from the main run's.
const RESULTS = PORT === 3100 ? "test-results" : `test-results/port-${PORT}`;

const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  },
};

export default defineConfig({
  testDir: "e2e",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json"], ["html", { open: "never", outputFolder: PORT === 3100 ? "playwright-report" : `playwright-report-${PORT}` }]],
  outputDir: `${RESULTS}/e2e`,
  use: { baseURL: BASE_URL, trace: "retain-on-failure", screenshot: "only-on-failure" },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/, use: chromium },
    { name: "chromium", dependencies: ["setup"], testIgnore: [/auth\.setup\.ts/, /admin\.spec\.ts/], use: chromium },
    // The admin journey changes the catalog and the demo rep's queue, so it runs after the others.
    { name: "admin", dependencies: ["chromium"], testMatch: /admin\.spec\.ts/, use: chromium },
  ],
  webServer: {
    command: "node_modules/.bin/tsx --conditions=react-server scripts/e2e-server.ts",
    url: `${BASE_URL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(PORT), E2E_DATABASE_URL: process.env.E2E_DATABASE_URL, ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}) },
  },
});
