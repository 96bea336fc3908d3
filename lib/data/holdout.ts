import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "./db";
import type { Client } from "./decisions";
import { readRows } from "./raw";
import { Prisma } from "@/lib/generated/prisma/client";
import { DEFAULT_DRIFT_THRESHOLDS, DEFAULT_EXPLORATION_SHARE, DEFAULT_HALF_LIFE_DAYS, holdoutDraw, seededDrawSalt, type HoldoutRedraw } from "@/lib/engine";

// The global holdout's storage: the program settings (share and re-draw
// schedule), one HoldoutPeriod per draw, and each customer's arm in each draw
// (HoldoutAssignment). Arms are decided by lib/engine/holdout.ts
// inGlobalHoldout and written the first time the pipeline meets a customer in
// a draw, so every comparison knows who was in which arm when.

export interface ProgramSettings {
  globalHoldoutPct: number;
  holdoutRedraw: HoldoutRedraw;
  /** Forgetting half-life of the learning statistics, days. */
  learningHalfLifeDays: number;
  /** Percent of customers ranked by Thompson draws (the cap on non-greedy picks). */
  explorationSharePct: number;
  /** Drift monitor thresholds (lib/engine/drift.ts DriftThresholds; the shift in points). */
  driftAcceptanceShiftPct: number;
  driftZScore: number;
  driftPsi: number;
  updatedAt: Date;
}

export interface Draw {
  id: string;
  key: string;
  startsAt: Date;
  endsAt: Date;
  pct: number;
  salt: string;
}

const DEFAULT_SETTINGS: ProgramSettings = { globalHoldoutPct: 5, holdoutRedraw: "QUARTER", learningHalfLifeDays: DEFAULT_HALF_LIFE_DAYS, explorationSharePct: DEFAULT_EXPLORATION_SHARE * 100,
  driftAcceptanceShiftPct: DEFAULT_DRIFT_THRESHOLDS.acceptanceShift * 100, driftZScore: DEFAULT_DRIFT_THRESHOLDS.zScore, driftPsi: DEFAULT_DRIFT_THRESHOLDS.psi, updatedAt: new Date(0) };

export async function loadProgramSettings(client: Client = db()): Promise<ProgramSettings> {
  const [row] = await readRows<ProgramSettings>(
    client,
    Prisma.sql`
    SELECT "globalHoldoutPct", "holdoutRedraw"::text AS "holdoutRedraw", "learningHalfLifeDays", "explorationSharePct",
           "driftAcceptanceShiftPct", "driftZScore", "driftPsi", "updatedAt" FROM "ProgramSettings" WHERE id = 1`,
  );
  return row ?? DEFAULT_SETTINGS;
}

/** Saves the settings; returns the row before and after (for the audit log). */
export async function saveProgramSettings(client: Client, next: { globalHoldoutPct: number; holdoutRedraw: HoldoutRedraw }): Promise<{ before: ProgramSettings; after: ProgramSettings }> {
  const before = await loadProgramSettings(client);
  await client.$executeRaw`
    INSERT INTO "ProgramSettings" (id, "globalHoldoutPct", "holdoutRedraw", "updatedAt")
    VALUES (1, ${next.globalHoldoutPct}, ${next.holdoutRedraw}::"HoldoutRedraw", now())
    ON CONFLICT (id) DO UPDATE SET "globalHoldoutPct" = EXCLUDED."globalHoldoutPct", "holdoutRedraw" = EXCLUDED."holdoutRedraw", "updatedAt" = now()`;
  return { before, after: await loadProgramSettings(client) };
}

/** Saves the learning settings (forgetting half-life, exploration cap); returns the row before and after (for the audit log). */
export async function saveLearningSettings(client: Client, next: { learningHalfLifeDays: number; explorationSharePct: number }): Promise<{ before: ProgramSettings; after: ProgramSettings }> {
  const before = await loadProgramSettings(client);
  await client.$executeRaw`
    INSERT INTO "ProgramSettings" (id, "learningHalfLifeDays", "explorationSharePct", "updatedAt")
    VALUES (1, ${next.learningHalfLifeDays}, ${next.explorationSharePct}, now())
    ON CONFLICT (id) DO UPDATE SET "learningHalfLifeDays" = EXCLUDED."learningHalfLifeDays", "explorationSharePct" = EXCLUDED."explorationSharePct", "updatedAt" = now()`;
  return { before, after: await loadProgramSettings(client) };
}

/** The draw covering `now`, if one has been made (read-only: the admin preview). */
export async function findDraw(client: Client, now: Date): Promise<Draw | null> {
  const [row] = await readRows<Draw>(
    client,
    Prisma.sql`
    SELECT id, key, "startsAt", "endsAt", pct, salt FROM "HoldoutPeriod"
    WHERE "startsAt" <= ${now} AND "endsAt" > ${now} ORDER BY "startsAt" DESC LIMIT 1`,
  );
  return row ?? null;
}

/**
 * The draw covering `now`, made on first use with a fresh random salt (derived
 * from `seed` for a reproducible seeded run) and the share set at that moment
 * (a changed share applies from the next draw). Draws never overlap: when the
 * schedule changes, the running draw ends now and the new one starts now.
 * `read`: the draw covering `now` and the settings, when the caller has read them.
 */
export async function ensureDraw(client: Client, now: Date, seed?: string, read?: { current: Draw | null; settings: ProgramSettings }): Promise<Draw> {
  const current = read ? read.current : await findDraw(client, now);
  const settings = read ? read.settings : await loadProgramSettings(client);
  const wanted = holdoutDraw(now, settings.holdoutRedraw);
  if (current && (current.key === wanted.key || current.key.startsWith(`${wanted.key} from `))) return current;
  let startsAt = wanted.startsAt;
  let key = wanted.key;
  if (current) {
    await client.$executeRaw`UPDATE "HoldoutPeriod" SET "endsAt" = ${now} WHERE id = ${current.id}::uuid AND "endsAt" > ${now}`;
    startsAt = now;
    // Back to a schedule used earlier in the same period: that draw was cut short, so this one gets a key of its own.
    const [earlier] = await client.$queryRaw<{ id: string }[]>`SELECT id FROM "HoldoutPeriod" WHERE key = ${key}`;
    if (earlier) key = `${wanted.key} from ${now.toISOString().slice(0, 16)}Z`;
  }
  await client.$executeRaw`
    INSERT INTO "HoldoutPeriod" (key, "startsAt", "endsAt", pct, salt)
    VALUES (${key}, ${startsAt}, ${wanted.endsAt}, ${settings.globalHoldoutPct}, ${seed ? seededDrawSalt(seed, key) : randomUUID()})
    ON CONFLICT (key) DO NOTHING`;
  const [row] = await client.$queryRaw<Draw[]>`SELECT id, key, "startsAt", "endsAt", pct, salt FROM "HoldoutPeriod" WHERE key = ${key}`;
  if (!row) throw new Error(`holdout draw ${key} was not created`);
  return row;
}

/** Records arms (first writer wins; the arm is deterministic, so a race writes the same value). */
export async function insertArms(client: Client, drawId: string, arms: { customerId: string; heldOut: boolean }[]): Promise<void> {
  if (arms.length === 0) return;
  await client.$executeRaw`
    INSERT INTO "HoldoutAssignment" ("periodId", "customerId", "heldOut")
    SELECT ${drawId}::uuid, c, h FROM unnest(${arms.map((a) => a.customerId)}::uuid[], ${arms.map((a) => a.heldOut)}::bool[]) AS t(c, h)
    ON CONFLICT ("periodId", "customerId") DO NOTHING`;
}

export interface DrawSummary extends Draw {
  assigned: number;
  heldOut: number;
}

/** Every draw, newest first, with how many customers were assigned and held out. */
export async function listDraws(client: Client = db()): Promise<DrawSummary[]> {
  return client.$queryRaw<DrawSummary[]>`
    SELECT p.id, p.key, p."startsAt", p."endsAt", p.pct, p.salt,
           COALESCE(COUNT(a."customerId"), 0)::int AS assigned,
           COALESCE(COUNT(a."customerId") FILTER (WHERE a."heldOut"), 0)::int AS "heldOut"
    FROM "HoldoutPeriod" p LEFT JOIN "HoldoutAssignment" a ON a."periodId" = p.id
    GROUP BY p.id ORDER BY p."startsAt" DESC`;
}

/**
 * What a holdout would be measured on: customers the pipeline runs over
 * (owned by active reps) and the share of them who bought in the last 90 days
 * (a quarter's conversion rate, the baseline of the holdout guidance).
 */
export async function holdoutBaseline(now: Date, client: Client = db()): Promise<{ customers: number; buyers: number; baselineRate: number | null }> {
  const since = new Date(now.getTime() - 90 * 86_400_000);
  const [row] = await client.$queryRaw<{ customers: number; buyers: number }[]>`
    WITH program AS (SELECT c.id FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.active AND u.role = 'REP'),
    buyers AS (SELECT DISTINCT "customerId" AS id FROM "CustomerEvent" WHERE type = 'PURCHASE' AND "occurredAt" > ${since} AND "occurredAt" <= ${now})
    SELECT (SELECT COUNT(*)::int FROM program) AS customers, (SELECT COUNT(*)::int FROM program JOIN buyers USING (id)) AS buyers`;
  const customers = row?.customers ?? 0;
  const buyers = row?.buyers ?? 0;
  return { customers, buyers, baselineRate: customers > 0 ? buyers / customers : null };
}

/** Saves the drift monitor's thresholds; returns the row before and after (for the audit log). */
export async function saveDriftThresholds(client: Client, next: { driftAcceptanceShiftPct: number; driftZScore: number; driftPsi: number }): Promise<{ before: ProgramSettings; after: ProgramSettings }> {
  const before = await loadProgramSettings(client);
  await client.$executeRaw`
    INSERT INTO "ProgramSettings" (id, "driftAcceptanceShiftPct", "driftZScore", "driftPsi", "updatedAt")
    VALUES (1, ${next.driftAcceptanceShiftPct}, ${next.driftZScore}, ${next.driftPsi}, now())
    ON CONFLICT (id) DO UPDATE SET "driftAcceptanceShiftPct" = EXCLUDED."driftAcceptanceShiftPct", "driftZScore" = EXCLUDED."driftZScore", "driftPsi" = EXCLUDED."driftPsi", "updatedAt" = now()`;
  return { before, after: await loadProgramSettings(client) };
}
