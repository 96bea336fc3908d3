import "server-only";
import type { Db } from "./db";
import type { DismissReason, FeedbackKind, RecommendationStatus } from "@/lib/generated/prisma/enums";

// Reads and writes behind a rep's reaction to a suggestion. The rules (who may
// react, which transitions apply, undo, idempotency) live in
// lib/services/reactions.ts, which runs these inside one transaction.

type Client = Pick<Db, "$queryRaw" | "feedback" | "recommendation" | "usageEvent">;

/** The reaction recorded under an idempotency key, if any. */
export async function findFeedbackByIdempotencyKey(client: Client, key: string): Promise<{ recommendationId: string; userId: string } | null> {
  return client.feedback.findUnique({ where: { idempotencyKey: key }, select: { recommendationId: true, userId: true } });
}

export async function recommendationStatus(client: Client, id: string): Promise<{ id: string; status: RecommendationStatus }> {
  return client.recommendation.findUniqueOrThrow({ where: { id }, select: { id: true, status: true } });
}

export interface LockedRecommendation {
  id: string;
  status: RecommendationStatus;
  repId: string;
  isControl: boolean;
  expiresAt: Date;
}

/** The rep's recommendation, row-locked until the transaction ends; null when absent or someone else's. */
export async function lockRecommendationOfRep(client: Client, id: string, repId: string): Promise<LockedRecommendation | null> {
  const rows = await client.$queryRaw<LockedRecommendation[]>`
    SELECT id, status, "repId", "isControl", "expiresAt" FROM "Recommendation"
    WHERE id = ${id}::uuid AND "repId" = ${repId}::uuid
    FOR UPDATE`;
  return rows[0] ?? null;
}

/** The latest reaction to a recommendation. */
export async function lastFeedback(client: Client, recommendationId: string): Promise<{ kind: FeedbackKind; previousStatus: RecommendationStatus } | null> {
  return client.feedback.findFirst({
    where: { recommendationId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { kind: true, previousStatus: true },
  });
}

export interface ReactionWrite {
  recommendationId: string;
  userId: string;
  kind: FeedbackKind;
  previousStatus: RecommendationStatus;
  status: RecommendationStatus;
  decidedAt: Date | null;
  snoozeUntil: Date | null;
  /** Set to move the expiry; undefined keeps it. */
  expiresAt?: Date;
  dismissReason: DismissReason | null;
  note: string | null;
  idempotencyKey: string | null;
  at: Date;
}

/** Writes a reaction: the recommendation's new status, its Feedback row and the rep's usage event. */
export async function writeReaction(client: Client, w: ReactionWrite): Promise<void> {
  await client.recommendation.update({
    where: { id: w.recommendationId },
    data: { status: w.status, decidedAt: w.decidedAt, snoozedUntil: w.snoozeUntil, ...(w.expiresAt ? { expiresAt: w.expiresAt } : {}) },
  });
  await client.feedback.create({
    data: {
      recommendationId: w.recommendationId,
      userId: w.userId,
      kind: w.kind,
      dismissReason: w.dismissReason,
      note: w.note,
      snoozeUntil: w.snoozeUntil,
      previousStatus: w.previousStatus,
      idempotencyKey: w.idempotencyKey,
      createdAt: w.at,
    },
  });
  await client.usageEvent.create({ data: { userId: w.userId, type: "REACTION", at: w.at, meta: { kind: w.kind, recommendationId: w.recommendationId } } });
}
