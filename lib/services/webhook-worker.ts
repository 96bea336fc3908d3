import "server-only";
import { webhookSettings } from "@/lib/config/env";
import { deliverDueWebhooks, encryptPlaintextWebhookSecrets } from "./webhooks";

// The delivery worker: in each app process (started by instrumentation.ts),
// every WEBHOOK_POLL_MS it sends the due deliveries, round after round while
// there are more. Processes share the work through the claim's SKIP LOCKED.
// A failing round (database down) is logged and tried again at the next tick.

const globalForWorker = globalThis as unknown as { nudgeWebhookWorker?: ReturnType<typeof setInterval> };

export function startWebhookWorker(): boolean {
  const settings = webhookSettings();
  if (settings.pollMs === 0 || globalForWorker.nudgeWebhookWorker) return false;
  // Secrets stored before encryption at rest are encrypted once, at start.
  void encryptPlaintextWebhookSecrets()
    .then((n) => (n ? console.info(`encrypted the signing secrets of ${n} webhook endpoint(s)`) : undefined))
    .catch((err) => console.warn("could not encrypt stored webhook secrets:", err instanceof Error ? err.message.split("\n").slice(-1)[0] : err));
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      for (let round = 0; round < 50; round++) {
        const r = await deliverDueWebhooks(settings);
        if (r.attempted === 0) break;
      }
    } catch (err) {
      console.warn("webhook delivery round failed:", err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    } finally {
      busy = false;
    }
  };
  globalForWorker.nudgeWebhookWorker = setInterval(() => void tick(), settings.pollMs);
  globalForWorker.nudgeWebhookWorker.unref?.();
  return true;
}

/** Stops this process's worker (tests; a shutdown). */
export function stopWebhookWorker(): void {
  if (globalForWorker.nudgeWebhookWorker) clearInterval(globalForWorker.nudgeWebhookWorker);
  globalForWorker.nudgeWebhookWorker = undefined;
}
