import "server-only";
import { db, type Db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";
import { readRows } from "./raw";
import type { DismissReason, FeedbackKind, RecommendationStatus } from "@/lib/generated/prisma/enums";

// Reads and writes behind a rep's reaction to a suggestion. The rules (who may
// react, which transitions apply, undo, idempotency) live in
// lib/services/reactions.ts: it reads with readReactionTarget, decides, and
// writes with applyReaction, which applies only if nothing changed meanwhile.

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

/** A suggestion as a reaction reads it, with what the reaction depends on besides its state. */
export interface ReactionTarget {
  /** The rep's suggestion; null when absent or someone else's. */
  recommendation: (ReactionState & { id: string; isControl: boolean }) | null;
  /** The suggestion's latest reaction (highest id: ids are taken under the row lock, so in the order applied); null when none. */
  last: (LastReaction & { id: number }) | null;
  /** The reaction already stored under the request's idempotency key, if any. */
  prior: StoredReaction | null;
  /** The database's clock at the read: the time the reaction is applied. */
  now: Date;
}

export interface LastReaction {
  kind: FeedbackKind;
  previousStatus: RecommendationStatus;
  previousSnoozedUntil: Date | null;
  previousDecidedAt: Date | null;
  previousExpiresAt: Date | null;
}

type TargetRow = {
  now: Date;
  id: string | null;
  status: RecommendationStatus | null;
  isControl: boolean | null;
  expiresAt: Date | null;
  snoozedUntil: Date | null;
  decidedAt: Date | null;
  lastId: number | null;
  lastKind: FeedbackKind | null;
  lastPreviousStatus: RecommendationStatus | null;
  lastPreviousSnoozedUntil: Date | null;
  lastPreviousDecidedAt: Date | null;
  lastPreviousExpiresAt: Date | null;
  priorRecommendationId: string | null;
  priorUserId: string | null;
  priorRequestHash: string | null;
  priorStatus: RecommendationStatus | null;
};

/**
 * Everything a reaction decides on, in one round trip and without a lock: the
 * rep's suggestion, its last reaction and the reaction stored under `key`.
 * applyReaction writes only if the suggestion is still in this state.
 */
export async function readReactionTarget(id: string, repId: string, key: string | null): Promise<ReactionTarget> {
  const [r] = await readRows<TargetRow>(
    db(),
    Prisma.sql`
    SELECT clock_timestamp() AS now, r.id, r.status::text AS status, r."isControl", r."expiresAt", r."snoozedUntil", r."decidedAt",
           f.id AS "lastId", f.kind::text AS "lastKind", f."previousStatus"::text AS "lastPreviousStatus", f."previousSnoozedUntil" AS "lastPreviousSnoozedUntil",
           f."previousDecidedAt" AS "lastPreviousDecidedAt", f."previousExpiresAt" AS "lastPreviousExpiresAt",
           p."recommendationId" AS "priorRecommendationId", p."userId" AS "priorUserId", p."requestHash" AS "priorRequestHash", p.status::text AS "priorStatus"
    FROM (SELECT 1) one
    LEFT JOIN "Recommendation" r ON r.id = ${id}::uuid AND r."repId" = ${repId}::uuid
    LEFT JOIN LATERAL (SELECT * FROM "Feedback" x WHERE x."recommendationId" = r.id ORDER BY x.id DESC LIMIT 1) f ON true
    LEFT JOIN "Feedback" p ON ${key}::text IS NOT NULL AND p."idempotencyKey" = ${key}::text`,
  );
  const row = r!;
  return {
    now: row.now,
    recommendation: row.id
      ? { id: row.id, status: row.status!, isControl: row.isControl!, expiresAt: row.expiresAt!, snoozedUntil: row.snoozedUntil, decidedAt: row.decidedAt }
      : null,
    last:
      row.lastId !== null
        ? {
            id: row.lastId,
            kind: row.lastKind!,
            previousStatus: row.lastPreviousStatus!,
            previousSnoozedUntil: row.lastPreviousSnoozedUntil,
            previousDecidedAt: row.lastPreviousDecidedAt,
            previousExpiresAt: row.lastPreviousExpiresAt,
          }
        : null,
    prior: row.priorRecommendationId
      ? { recommendationId: row.priorRecommendationId, userId: row.priorUserId!, requestHash: row.priorRequestHash, status: row.priorStatus }
      : null,
  };
}

export interface ReactionWrite {
  recommendationId: string;
  userId: string;
  kind: FeedbackKind;
  /** The state before the reaction as read (kept on the Feedback row for undo; the write applies only if it still holds). */
  previous: ReactionState;
  /** The id of the last reaction as read (null: none); the write applies only if it is still the last. */
  lastFeedbackId: number | null;
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

/**
 * Writes a reaction, if the suggestion is still as read: its new state, its
 * Feedback row and the rep's usage event, in one statement
 * (nudge_apply_reaction, migration 20261211000000_reaction_one_statement).
 * False, with nothing written, when another reaction came first.
 */
export async function applyReaction(w: ReactionWrite): Promise<boolean> {
  const [r] = await readRows<{ applied: boolean }>(
    db(),
    Prisma.sql`
    SELECT nudge_apply_reaction(${w.recommendationId}::uuid, ${w.userId}::uuid, ${w.kind}::"FeedbackKind",
             ${w.previous.status}::"RecommendationStatus", ${w.previous.snoozedUntil}::timestamp(3), ${w.previous.decidedAt}::timestamp(3), ${w.previous.expiresAt}::timestamp(3),
             ${w.lastFeedbackId}::int,
             ${w.next.status}::"RecommendationStatus", ${w.next.snoozedUntil}::timestamp(3), ${w.next.decidedAt}::timestamp(3), ${w.next.expiresAt}::timestamp(3),
             ${w.snoozeUntil}::timestamp(3), ${w.dismissReason}::"DismissReason", ${w.note}::text, ${w.idempotencyKey}::text, ${w.requestHash}::text, ${w.at}::timestamp(3)) AS applied`,
  );
  return r!.applied;
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
  // One round trip: the rep's latest reaction in the window, its suggestion's names, and that suggestion's latest reaction.
  const [last] = await readRows<{ id: number; kind: FeedbackKind; recommendationId: string; actionName: string; customerName: string; newest: number }>(
    db(),
    Prisma.sql`
    SELECT f.id, f.kind::text AS kind, f."recommendationId", a.name AS "actionName", c.name AS "customerName",
           (SELECT max(x.id) FROM "Feedback" x WHERE x."recommendationId" = f."recommendationId") AS newest
    FROM (SELECT id, kind, "recommendationId" FROM "Feedback"
          WHERE "userId" = ${userId}::uuid AND "createdAt" > ${new Date(now.getTime() - withinMs)}::timestamp(3)
          ORDER BY id DESC LIMIT 1) f
    JOIN "Recommendation" r ON r.id = f."recommendationId"
    JOIN "Customer" c ON c.id = r."customerId"
    JOIN "ActionType" a ON a.id = r."actionTypeId"`,
  );
  if (!last || last.kind === "UNDO" || last.newest !== last.id) return null;
  return { recommendationId: last.recommendationId, kind: last.kind, actionName: last.actionName, customerName: last.customerName };
}
