// Runs once when a Next.js server process starts: the webhook delivery worker
// (lib/services/webhook-worker.ts), the model lifecycle's schedule
// (lib/services/model-worker.ts), the retention job's timer
// (lib/services/retention.ts) and the dashboards' refresher
// (lib/services/dashboard-views.ts) run in the Node.js runtime only.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startWebhookWorker } = await import("./lib/services/webhook-worker");
    startWebhookWorker();
    const { startModelWorker } = await import("./lib/services/model-worker");
    startModelWorker();
    const { startRetentionWorker } = await import("./lib/services/retention");
    startRetentionWorker();
    const { startDashboardRefresher } = await import("./lib/services/dashboard-views");
    startDashboardRefresher();
  }
}
