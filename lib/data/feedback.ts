import "server-only";
import { db, type Db } from "./db";
import type { DismissReason, FeedbackKind, RecommendationStatus } from "@/lib/generated/prisma/enums";

// Reads and writes behind a rep's reaction to a suggestion. The rules (who may
// react, which transitions apply, undo, idempotency) live in
// lib/services/reactions.ts, which runs these inside one transaction.

type Client = Pick<Db, "$queryRaw" | "feedback" | "recommendation" | "usageEvent">;

export interface StoredReaction {
  recommendationId: string;
  userId: string;
  /** Null on rows from before idempotency hashes were kept. */
  requestHash: string | null;
  /** The status the reaction led to; null on rows from before it was kept. */
  status: RecommendationStatus | null;
}

/** The reaction recorded under an idempotency key, if any. */
export async function findFeedbackByIdempotencyKey(client: Client, key: string): Promise<StoredReaction | null> {
  return client.feedback.findUnique({ where: { idempotencyKey: key }, select: { recommendationId: true, userId: true, requestHash: true, status: true } });
}

export async function recommendationStatus(client: Client, id: string): Promise<{ id: string; status: RecommendationStatus }> {
  return client.recommendation.findUniqueOrThrow({ where: { id }, select: { id: true, status: true } });
}

/** Everything a reaction may change on a recommendation (undo restores exactly this). */
export interface ReactionState {
  status: RecommendationStatus;
  snoozedUntil: Date | null;
  decidedAt: Date | null;
  expiresAt: Date;
}

export interface LockedRecommendation extends ReactionState {
  id: string;
  repId: string;
  isControl: boolean;
  /** The database's clock once the lock is held: the time the reaction is applied. */
  lockedAt: Date;
}

/** The rep's recommendation, row-locked until the transaction ends; null when absent or someone else's. */
export async function lockRecommendationOfRep(client: Client, id: string, repId: string): Promise<LockedRecommendation | null> {
  const rows = await client.$queryRaw<LockedRecommendation[]>`
    SELECT id, status, "repId", "isControl", "expiresAt", "snoozedUntil", "decidedAt", clock_timestamp() AS "lockedAt" FROM "Recommendation"
    WHERE id = ${id}::uuid AND "repId" = ${repId}::uuid
    FOR UPDATE`;
  return rows[0] ?? null;
}

export interface LastReaction {
  kind: FeedbackKind;
  previousStatus: RecommendationStatus;
  previousSnoozedUntil: Date | null;
  previousDecidedAt: Date | null;
  previousExpiresAt: Date | null;
}

/** The latest reaction applied to a recommendation: highest id (ids are taken under the row lock, so in the order applied). */
export async function lastFeedback(client: Client, recommendationId: string): Promise<LastReaction | null> {
  return client.feedback.findFirst({
    where: { recommendationId },
    orderBy: { id: "desc" },
    select: { kind: true, previousStatus: true, previousSnoozedUntil: true, previousDecidedAt: true, previousExpiresAt: true },
  });
}

export interface ReactionWrite {
  recommendationId: string;
  userId: string;
  kind: FeedbackKind;
  /** The state before the reaction, kept on the Feedback row for undo. */
  previous: ReactionState;
  /** The state after it. */
  next: ReactionState;
  /** The snooze date the rep asked for (SNOOZE only). */
  snoozeUntil: Date | null;
  dismissReason: DismissReason | null;
  note: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  at: Date;
}

/** Writes a reaction: the recommendation's new state, its Feedback row and the rep's usage event. */
export async function writeReaction(client: Client, w: ReactionWrite): Promise<void> {
  // updateMany/createMany: nothing is read back (update() would return the whole row, logged candidates included).
  await client.recommendation.updateMany({
    where: { id: w.recommendationId },
    data: { status: w.next.status, decidedAt: w.next.decidedAt, snoozedUntil: w.next.snoozedUntil, expiresAt: w.next.expiresAt },
  });
  await client.feedback.createMany({
    data: [
      {
        recommendationId: w.recommendationId,
        userId: w.userId,
        kind: w.kind,
        dismissReason: w.dismissReason,
        note: w.note,
        snoozeUntil: w.snoozeUntil,
        previousStatus: w.previous.status,
        previousSnoozedUntil: w.previous.snoozedUntil,
        previousDecidedAt: w.previous.decidedAt,
        previousExpiresAt: w.previous.expiresAt,
        status: w.next.status,
        idempotencyKey: w.idempotencyKey,
        requestHash: w.requestHash,
        createdAt: w.at,
      },
    ],
  });
  await client.usageEvent.createMany({ data: [{ userId: w.userId, type: "REACTION", at: w.at, meta: { kind: w.kind, recommendationId: w.recommendationId } }] });
}

export interface UndoableReaction {
  recommendationId: string;
  kind: Exclude<FeedbackKind, "UNDO">;
  actionName: string;
  customerName: string;
}

/**
 * The rep's most recent reaction, within `withinMs`, if undo can still take it
 * back: not itself an undo, and still the last reaction on its suggestion.
 * This is what lets undo survive a reload: the history is the Feedback table.
 */
export async function lastUndoableReaction(userId: string, now = new Date(), withinMs = 86_400_000): Promise<UndoableReaction | null> {
  const client = db();
  const last = await client.feedback.findFirst({
    where: { userId, createdAt: { gt: new Date(now.getTime() - withinMs) } },
    orderBy: { id: "desc" },
    select: { id: true, kind: true, recommendationId: true, recommendation: { select: { actionType: { select: { name: true } }, customer: { select: { name: true } } } } },
  });
  if (!last || last.kind === "UNDO") return null;
  const newest = await client.feedback.findFirst({ where: { recommendationId: last.recommendationId }, orderBy: { id: "desc" }, select: { id: true } });
  if (newest?.id !== last.id) return null;
  return { recommendationId: last.recommendationId, kind: last.kind, actionName: last.recommendation.actionType.name, customerName: last.recommendation.customer.name };
}
