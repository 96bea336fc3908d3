import "server-only";
import { db } from "./db";
import type { SessionUser } from "./users";

export interface RepActivity {
  id: string;
  name: string;
  email: string;
  active: boolean;
  lastSeenAt: Date | null;
  activeDays: number;
  queueViews: number;
  reactions: number;
}

/** Per-rep activity over the last `days` days for the reps the viewer may see (own team; admins: all). */
export async function repActivity(viewer: SessionUser, days = 7, now = new Date()): Promise<RepActivity[]> {
  const since = new Date(now.getTime() - days * 86_400_000);
  const teamFilter = viewer.role === "ADMIN" ? {} : { teamId: viewer.teamId ?? "00000000-0000-0000-0000-000000000000" };
  const reps = await db().user.findMany({
    where: { role: "REP", ...teamFilter },
    orderBy: { name: "asc" },
    select: { id: true, name: true, email: true, active: true },
  });
  if (reps.length === 0) return [];
  const ids = reps.map((r) => r.id);
  const [grouped, lastSeen, dayRows] = await Promise.all([
    db().usageEvent.groupBy({ by: ["userId", "type"], where: { userId: { in: ids }, at: { gte: since } }, _count: { _all: true } }),
    db().usageEvent.groupBy({ by: ["userId"], where: { userId: { in: ids } }, _max: { at: true } }),
    db().$queryRaw<{ userId: string; days: bigint }[]>`
      SELECT "userId", COUNT(DISTINCT date_trunc('day', "at")) AS days
      FROM "UsageEvent" WHERE "userId" = ANY(${ids}::uuid[]) AND "at" >= ${since}
      GROUP BY "userId"`,
  ]);
  return reps.map((r) => {
    const count = (type: string) => grouped.find((g) => g.userId === r.id && g.type === type)?._count._all ?? 0;
    return {
      ...r,
      lastSeenAt: lastSeen.find((l) => l.userId === r.id)?._max.at ?? null,
      activeDays: Number(dayRows.find((d) => d.userId === r.id)?.days ?? 0),
      queueViews: count("QUEUE_VIEW"),
      reactions: count("REACTION"),
    };
  });
}
