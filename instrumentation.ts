// Runs once when a Next.js server process starts: the webhook delivery worker
// (lib/services/webhook-worker.ts) and the retention job's timer
// (lib/services/retention.ts) run in the Node.js runtime only.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startWebhookWorker } = await import("./lib/services/webhook-worker");
    startWebhookWorker();
    const { startRetentionWorker } = await import("./lib/services/retention");
    startRetentionWorker();
  }
}
