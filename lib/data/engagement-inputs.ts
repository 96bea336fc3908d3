import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { TargetMetric, TargetRow } from "@/lib/metrics/targets";
import { TARGET_METRICS } from "@/lib/metrics/targets";
import { db, type Tx } from "./db";
import { readRows } from "./raw";

// What users feed the adoption page: tour events and feature pings (usage
// events), pulse answers, the pulse cadence, and adoption targets.

export async function recordEngagementEvent(userId: string, type: "TOUR" | "FEATURE", meta: Prisma.InputJsonObject): Promise<void> {
  await db().usageEvent.create({ data: { userId, type, meta } });
}

/** Whether the user has finished or skipped the first-run tour (then it no longer opens by itself). */
export async function tourDone(userId: string): Promise<boolean> {
  // Read on every page of the app (the shell): straight from the pg pool (lib/data/raw.ts).
  const [row] = await readRows<{ done: boolean }>(
    db(),
    Prisma.sql`SELECT EXISTS (SELECT 1 FROM "UsageEvent" WHERE "userId" = ${userId}::uuid AND type = 'TOUR' AND meta->>'event' IN ('finished', 'skipped')) AS done`,
  );
  return row?.done ?? false;
}

export interface PulseState {
  everyWeeks: number;
  /** First day with any activity (UsageDay), null: never. */
  firstActiveAt: Date | null;
  lastNpsAt: Date | null;
  lastCsatAt: Date | null;
}

/** What decides whether a pulse question is due for the user (lib/metrics/engagement.ts pulseDue): one indexed read. */
export async function pulseState(userId: string): Promise<PulseState> {
  // Read on every queue view: straight from the pg pool (lib/data/raw.ts).
  const [row] = await readRows<PulseState>(
    db(),
    Prisma.sql`
    SELECT COALESCE((SELECT "pulseEveryWeeks" FROM "ProgramSettings" WHERE id = 1), 6)::int AS "everyWeeks",
           (SELECT MIN(day)::timestamp FROM "UsageDay" WHERE "userId" = ${userId}::uuid) AS "firstActiveAt",
           (SELECT MAX(at) FROM "PulseResponse" WHERE "userId" = ${userId}::uuid AND kind = 'NPS') AS "lastNpsAt",
           (SELECT MAX(at) FROM "PulseResponse" WHERE "userId" = ${userId}::uuid AND kind = 'CSAT') AS "lastCsatAt"`,
  );
  return row ?? { everyWeeks: 6, firstActiveAt: null, lastNpsAt: null, lastCsatAt: null };
}

/** Stores an answer (score null: dismissed) under the user's current team. */
export async function savePulseResponse(user: { id: string; teamId: string | null }, input: { kind: "NPS" | "CSAT"; score: number | null; comment: string | null }): Promise<void> {
  await db().pulseResponse.create({ data: { userId: user.id, teamId: user.teamId, kind: input.kind, score: input.score, comment: input.score === null ? null : input.comment } });
}

export async function loadPulseEveryWeeks(client: Tx | ReturnType<typeof db> = db()): Promise<number> {
  const [row] = await client.$queryRaw<{ weeks: number }[]>`SELECT "pulseEveryWeeks" AS weeks FROM "ProgramSettings" WHERE id = 1`;
  return row?.weeks ?? 6;
}

export async function savePulseEveryWeeks(client: Tx, weeks: number): Promise<{ before: number; after: number }> {
  const before = await loadPulseEveryWeeks(client);
  await client.$executeRaw`
    INSERT INTO "ProgramSettings" (id, "pulseEveryWeeks", "updatedAt") VALUES (1, ${weeks}, now())
    ON CONFLICT (id) DO UPDATE SET "pulseEveryWeeks" = EXCLUDED."pulseEveryWeeks", "updatedAt" = now()`;
  return { before, after: weeks };
}

/** Targets that apply to the scope: the program-wide ones and, for one team, that team's; for all teams, every team's. */
export async function listTargets(teamId: string | null): Promise<TargetRow[]> {
  const rows = await db().adoptionTarget.findMany({
    where: teamId ? { OR: [{ teamId: null }, { teamId }] } : {},
    select: { teamId: true, metric: true, threshold: true },
  });
  return rows.filter((r): r is TargetRow => (TARGET_METRICS as readonly string[]).includes(r.metric));
}

/** Sets (threshold) or removes (null) one target; returns the previous threshold. */
export async function saveTarget(tx: Tx, input: { teamId: string | null; metric: TargetMetric; threshold: number | null; actorId: string }): Promise<number | null> {
  const [prev] = await tx.$queryRaw<{ threshold: number }[]>`
    SELECT threshold FROM "AdoptionTarget" WHERE metric = ${input.metric} AND "teamId" IS NOT DISTINCT FROM ${input.teamId}::uuid FOR UPDATE`;
  if (input.threshold === null) {
    await tx.$executeRaw`DELETE FROM "AdoptionTarget" WHERE metric = ${input.metric} AND "teamId" IS NOT DISTINCT FROM ${input.teamId}::uuid`;
  } else if (input.teamId === null) {
    await tx.$executeRaw`
      INSERT INTO "AdoptionTarget" (metric, threshold, "updatedById", "updatedAt") VALUES (${input.metric}, ${input.threshold}, ${input.actorId}::uuid, now())
      ON CONFLICT (metric) WHERE "teamId" IS NULL DO UPDATE SET threshold = EXCLUDED.threshold, "updatedById" = EXCLUDED."updatedById", "updatedAt" = now()`;
  } else {
    await tx.$executeRaw`
      INSERT INTO "AdoptionTarget" ("teamId", metric, threshold, "updatedById", "updatedAt") VALUES (${input.teamId}::uuid, ${input.metric}, ${input.threshold}, ${input.actorId}::uuid, now())
      ON CONFLICT ("teamId", metric) DO UPDATE SET threshold = EXCLUDED.threshold, "updatedById" = EXCLUDED."updatedById", "updatedAt" = now()`;
  }
  return prev?.threshold ?? null;
}

export async function teamExists(teamId: string): Promise<boolean> {
  return (await db().team.count({ where: { id: teamId } })) > 0;
}
