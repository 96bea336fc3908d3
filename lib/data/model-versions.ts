import "server-only";
import { randomUUID } from "node:crypto";
import { db, type Db, type Tx } from "./db";
import { ACTED_ON_R, type Client } from "./decisions";
import { resolvedSql } from "./vocabulary-sql";
import { Prisma } from "@/lib/generated/prisma/client";
import { readRows } from "./raw";
import type { ModelVersionStatus } from "@/lib/generated/prisma/enums";

// Model lifecycle queries: stored versions, the drift monitor's windows,
// checks and alerts, and the model.drift webhook event. Decisions are
// lib/services/model-lifecycle.ts's.

type Writer = Db | Tx;

export type ModelVersionRow = {
  id: string;
  number: number;
  status: ModelVersionStatus;
  reason: string;
  trainedAt: Date;
  windowFrom: Date | null;
  windowTo: Date;
  halfLifeDays: number;
  trials: number;
  summary: unknown;
  evaluation: unknown;
  activatedAt: Date | null;
  retiredAt: Date | null;
};

const VERSION_COLUMNS = {
  id: true, number: true, status: true, reason: true, trainedAt: true, windowFrom: true, windowTo: true, halfLifeDays: true, trials: true,
  summary: true, evaluation: true, activatedAt: true, retiredAt: true,
} as const;

/** The label a version is shown and stamped with. */
export const versionLabel = (number: number) => `v${number}`;

/** The active version's id and number (one small read per batch or re-score), or null when none is stored. */
export async function activeVersionHeader(client: Client = db()): Promise<{ id: string; number: number } | null> {
  const [row] = await readRows<{ id: string; number: number }>(client, Prisma.sql`SELECT id, number FROM "ModelVersion" WHERE status = 'ACTIVE'`);
  return row ?? null;
}

export async function versionParameters(client: Client, id: string): Promise<unknown> {
  const [row] = await readRows<{ parameters: unknown }>(client, Prisma.sql`SELECT parameters FROM "ModelVersion" WHERE id = ${id}::uuid`);
  return row?.parameters ?? null;
}

export async function findVersion(client: Writer, id: string): Promise<(ModelVersionRow & { parameters: unknown }) | null> {
  return client.modelVersion.findUnique({ where: { id }, select: { ...VERSION_COLUMNS, parameters: true } });
}

export async function findVersionByStatus(client: Writer, status: "ACTIVE" | "SHADOW"): Promise<(ModelVersionRow & { parameters: unknown }) | null> {
  return client.modelVersion.findFirst({ where: { status }, select: { ...VERSION_COLUMNS, parameters: true } });
}

export async function latestTrainedAt(client: Writer): Promise<Date | null> {
  const row = await client.modelVersion.findFirst({ orderBy: { trainedAt: "desc" }, select: { trainedAt: true } });
  return row?.trainedAt ?? null;
}

export async function insertVersion(
  client: Writer,
  v: { status: ModelVersionStatus; reason: string; trainedAt: Date; windowFrom: Date | null; windowTo: Date; halfLifeDays: number; trials: number; parameters: Prisma.InputJsonValue; summary: Prisma.InputJsonValue },
): Promise<ModelVersionRow> {
  const last = await client.modelVersion.findFirst({ orderBy: { number: "desc" }, select: { number: true } });
  return client.modelVersion.create({
    data: { ...v, number: (last?.number ?? 0) + 1, activatedAt: v.status === "ACTIVE" ? v.trainedAt : null },
    select: VERSION_COLUMNS,
  });
}

export async function updateVersion(
  client: Writer,
  id: string,
  data: { status?: ModelVersionStatus; evaluation?: Prisma.InputJsonValue; activatedAt?: Date; retiredAt?: Date | null },
): Promise<void> {
  await client.modelVersion.update({ where: { id }, data });
}

export async function listVersions(limit = 50): Promise<ModelVersionRow[]> {
  return db().modelVersion.findMany({ orderBy: { number: "desc" }, take: limit, select: VERSION_COLUMNS });
}

/** Oldest resolved suggestion the learning statistics can see at `now` (a version's training window starts there). */
export async function oldestResolved(client: Client, now: Date): Promise<Date | null> {
  const [row] = await client.$queryRaw<{ at: Date | null }[]>`SELECT MIN("createdAt") AS at FROM "Recommendation" WHERE "createdAt" <= ${now} AND ${resolvedSql()}`;
  return row?.at ?? null;
}

/**
 * Per (action, segment): shown suggestions resolved in (from, to] (decided,
 * or lapsed at expiry after being seen), how many were acted on, and the sum
 * of the P(accept) logged for them. By resolution time, so that in a steady
 * state the share acted on is the acceptance rate (quick acceptances and slow
 * lapses both enter at their pace).
 */
export async function acceptanceWindows(client: Client, from: Date, to: Date): Promise<{ actionKey: string; segment: string; shown: number; accepted: number; predictedSum: number }[]> {
  return client.$queryRaw`
    SELECT a.key AS "actionKey", c.segment, COUNT(*)::int AS shown,
           COUNT(*) FILTER (WHERE ${ACTED_ON_R})::int AS accepted, SUM(r.propensity)::float8 AS "predictedSum"
    FROM "Recommendation" r
    JOIN "ActionType" a ON a.id = r."actionTypeId"
    JOIN "Customer" c ON c.id = r."customerId"
    WHERE ${resolvedSql("r")} AND COALESCE(r."decidedAt", r."expiresAt") > ${from} AND COALESCE(r."decidedAt", r."expiresAt") <= ${to}
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

/** Customers' feature keys at decision time, counted over the suggestions created in (from, to] (shown and control alike). */
export async function featureKeyCounts(client: Client, from: Date, to: Date): Promise<{ featureKey: string; n: number }[]> {
  return client.$queryRaw`
    SELECT "featureKey", COUNT(*)::int AS n FROM "Recommendation"
    WHERE "featureKey" IS NOT NULL AND "createdAt" > ${from} AND "createdAt" <= ${to}
    GROUP BY 1`;
}

/** Resolved shown suggestions created in (after, to]: what a shadow evaluation scores both versions on. */
export async function resolvedOutcomes(client: Client, after: Date, to: Date): Promise<{ actionKey: string; segment: string; featureKey: string | null; accepted: boolean }[]> {
  return client.$queryRaw`
    SELECT a.key AS "actionKey", c.segment, r."featureKey", (${ACTED_ON_R}) AS accepted
    FROM "Recommendation" r
    JOIN "ActionType" a ON a.id = r."actionTypeId"
    JOIN "Customer" c ON c.id = r."customerId"
    WHERE ${resolvedSql("r")} AND r."createdAt" > ${after} AND r."createdAt" <= ${to}`;
}

export type DriftCheckRow = { id: number; at: Date; windowFrom: Date; windowTo: Date; signals: unknown; alerts: number; modelVersionId: string | null };

export async function insertDriftCheck(client: Writer, c: { at: Date; windowFrom: Date; windowTo: Date; modelVersionId: string | null; signals: Prisma.InputJsonValue; alerts: number }): Promise<void> {
  await client.modelDriftCheck.create({ data: c });
}

export async function latestDriftCheck(): Promise<DriftCheckRow | null> {
  return db().modelDriftCheck.findFirst({ orderBy: { at: "desc" } });
}

export type AlertRow = {
  id: number;
  createdAt: Date;
  kind: string;
  subject: string;
  observed: number;
  expected: number;
  statistic: number;
  threshold: number;
  message: string;
  modelVersionId: string | null;
  retrainVersionId: string | null;
};

/** Whether an alert of this kind and subject was raised since `since` (an alert is not repeated every check while the drift lasts). */
export async function alertRaisedSince(client: Writer, kind: string, subject: string, since: Date): Promise<boolean> {
  return (await client.modelAlert.count({ where: { kind, subject, createdAt: { gt: since } } })) > 0;
}

export async function insertAlert(client: Writer, a: Omit<AlertRow, "id" | "retrainVersionId">): Promise<AlertRow> {
  return client.modelAlert.create({ data: a });
}

export async function linkAlertsToRetrain(client: Writer, alertIds: number[], versionId: string): Promise<void> {
  if (alertIds.length) await client.modelAlert.updateMany({ where: { id: { in: alertIds } }, data: { retrainVersionId: versionId } });
}

export async function listAlerts(limit = 20): Promise<AlertRow[]> {
  return db().modelAlert.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit });
}

/**
 * Writes one webhook delivery per endpoint subscribed to `type` (paused ones
 * too: they wait), with one event id: the outbox the delivery worker sends
 * from, in the caller's transaction.
 */
export async function enqueueWebhookEvent(client: Client, type: string, payload: Prisma.InputJsonValue): Promise<number> {
  const eventId = randomUUID();
  return client.$executeRaw`
    INSERT INTO "WebhookDelivery" ("endpointId", "eventId", "eventType", payload)
    SELECT w.id, ${eventId}::uuid, ${type}, ${JSON.stringify(payload)}::jsonb FROM "WebhookEndpoint" w WHERE ${type} = ANY (w.events)`;
}
