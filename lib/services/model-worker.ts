import "server-only";
import { modelLifecycleSettings } from "@/lib/config/env";
import { lifecycleTick } from "./model-lifecycle";

// The model lifecycle on a schedule: in each app process (started by
// instrumentation.ts), every MODEL_LIFECYCLE_INTERVAL_MINUTES, one
// lifecycleTick (drift monitor, shadow judgement, retraining when due). Ticks
// of several processes do not overlap: the tick takes an advisory lock and
// skips when another process holds it. A failing tick is logged and tried
// again at the next interval.

const globalForWorker = globalThis as unknown as { nudgeModelWorker?: ReturnType<typeof setInterval> };

export function startModelWorker(): boolean {
  const settings = modelLifecycleSettings();
  if (settings.intervalMs === 0 || globalForWorker.nudgeModelWorker) return false;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await lifecycleTick({ retrainHours: settings.retrainHours });
    } catch (err) {
      console.warn("model lifecycle tick failed:", err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    } finally {
      busy = false;
    }
  };
  globalForWorker.nudgeModelWorker = setInterval(() => void tick(), settings.intervalMs);
  globalForWorker.nudgeModelWorker.unref?.();
  return true;
}

/** Stops this process's worker (tests; a shutdown). */
export function stopModelWorker(): void {
  if (globalForWorker.nudgeModelWorker) clearInterval(globalForWorker.nudgeModelWorker);
  globalForWorker.nudgeModelWorker = undefined;
}
