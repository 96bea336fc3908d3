import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { transaction, type Tx } from "@/lib/data/db";
import {
  ensureMonthPartitions,
  insertRetentionRun,
  lastScheduledRun,
  loadRetentionDays,
  purgeEventsBefore,
  rewriteExpiredMonths,
  saveRetentionDays,
  stripPurchasesBefore,
} from "@/lib/data/retention";
import { retentionSettings } from "@/lib/config/env";

// Use case: raw events older than the admin-set period are purged, and the run
// says what it removed (RetentionRun). What the product still needs is kept:
// purchases (amount, date, product line: lifetime value, revenue, conversion and
// every KPI read them), stripped of their payload, source and idempotency key;
// each customer's latest contact (MEETING, CALL, EMAIL_SENT: "days since last
// contact"); and the rollups and ContactFeedback rows, which do not depend on
// the event rows. Web visits, email clicks, tickets and older contacts go.

const DAY_MS = 86_400_000;

export interface RetentionResult {
  runId: number;
  cutoff: Date;
  retentionDays: number;
  eventsDeleted: number;
  eventsStripped: number;
  deletedByType: Record<string, number>;
  /** Month partitions rewritten whole (or dropped) instead of row by row. */
  monthsRewritten: string[];
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [k, n] of Object.entries(b)) sum[k] = (sum[k] ?? 0) + n;
  return Object.fromEntries(Object.entries(sum).sort(([x], [y]) => x.localeCompare(y)));
}

export async function runRetention(opts: { now?: Date; trigger: "schedule" | "admin"; actorId?: string | null }): Promise<RetentionResult> {
  return transaction((tx) => retentionIn(tx, opts), { timeout: 10 * 60_000 });
}

async function retentionIn(tx: Tx, opts: { now?: Date; trigger: "schedule" | "admin"; actorId?: string | null }): Promise<RetentionResult> {
  const now = opts.now ?? new Date();
  {
    const retentionDays = await loadRetentionDays(tx);
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    // Whole expired months first (a partition swap), then row by row what is left before the cutoff.
    const months = await rewriteExpiredMonths(tx, cutoff);
    const deletedByType = addCounts(months.deletedByType, await purgeEventsBefore(tx, cutoff));
    const eventsStripped = months.stripped + (await stripPurchasesBefore(tx, cutoff));
    const eventsDeleted = Object.values(deletedByType).reduce((a, b) => a + b, 0);
    const runId = await insertRetentionRun(tx, { startedAt: now, finishedAt: new Date(), cutoff, retentionDays, trigger: opts.trigger, actorId: opts.actorId ?? null, eventsDeleted, eventsStripped, deletedByType, error: null });
    return { runId, cutoff, retentionDays, eventsDeleted, eventsStripped, deletedByType, monthsRewritten: months.months };
  }
}

export async function setRetentionDays(actorId: string, days: number): Promise<void> {
  await transaction(async (tx) => {
    const { before, after } = await saveRetentionDays(tx, days);
    await recordAudit(tx, { actorId, entity: "ProgramSettings", entityId: "retention", action: "update", before: { eventRetentionDays: before }, after: { eventRetentionDays: after } });
  });
}

/**
 * The scheduled job: in each app process (instrumentation.ts) a timer checks
 * every RETENTION_CHECK_MS (1 h) whether a scheduled run is due (none in the
 * last 24 h); an advisory lock lets only one process run it.
 */
export async function runScheduledRetentionIfDue(now = new Date()): Promise<RetentionResult | null> {
  const due = (last: Date | null) => !last || now.getTime() - last.getTime() >= 24 * 3_600_000 - 60_000;
  if (!due(await lastScheduledRun())) return null;
  // Check and run under one lock in one transaction: a process that finds the lock taken leaves the run to its holder.
  return transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended('nudge:retention', 0)) AS ok`;
    if (!row?.ok || !due(await lastScheduledRun(tx))) return null;
    return retentionIn(tx, { now, trigger: "schedule" });
  }, { timeout: 10 * 60_000 });
}

const globalForRetention = globalThis as unknown as { nudgeRetentionTimer?: ReturnType<typeof setInterval> };

export function startRetentionWorker(): boolean {
  const { checkMs } = retentionSettings();
  if (checkMs === 0 || globalForRetention.nudgeRetentionTimer) return false;
  const tick = async () => {
    try {
      // The history's months ahead exist before events arrive for them (hourly, idempotent, cheap when they do).
      const created = await ensureMonthPartitions();
      if (created > 0) console.info(`partitions: created ${created} monthly partitions`);
    } catch (err) {
      console.warn("partition maintenance failed:", err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    }
    try {
      const r = await runScheduledRetentionIfDue();
      if (r) console.info(`retention: deleted ${r.eventsDeleted} events before ${r.cutoff.toISOString()}, stripped ${r.eventsStripped} purchases, ${r.monthsRewritten.length} whole months rewritten`);
    } catch (err) {
      console.warn("retention run failed:", err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    }
  };
  globalForRetention.nudgeRetentionTimer = setInterval(() => void tick(), checkMs);
  globalForRetention.nudgeRetentionTimer.unref?.();
  setTimeout(() => void tick(), Math.min(checkMs, 60_000)).unref?.();
  return true;
}

export function stopRetentionWorker(): void {
  if (globalForRetention.nudgeRetentionTimer) clearInterval(globalForRetention.nudgeRetentionTimer);
  globalForRetention.nudgeRetentionTimer = undefined;
}
