// Writes the seeded history's global holdout: its draws and each customer's
// arm in each, so the demo's program comparison (Dashboards → Impact) knows
// who was held out when, exactly as live batches record it.
import type { HistoryResult } from "./history";
import type { SeedClient, SeedOmit } from "./client";

export async function writeHoldoutHistory<O extends SeedOmit>(prisma: SeedClient<O>, history: Pick<HistoryResult, "draws" | "arms">): Promise<void> {
  const ids = new Map<string, string>();
  for (const d of history.draws) {
    const row = await prisma.holdoutPeriod.create({ data: { key: d.key, startsAt: d.startsAt, endsAt: d.endsAt, pct: d.pct, salt: d.salt }, select: { id: true } });
    ids.set(d.key, row.id);
  }
  const rows = history.arms.map((a) => ({ periodId: ids.get(a.drawKey) as string, customerId: a.customerId, heldOut: a.heldOut }));
  for (let i = 0; i < rows.length; i += 5000) await prisma.holdoutAssignment.createMany({ data: rows.slice(i, i + 5000) });
}
