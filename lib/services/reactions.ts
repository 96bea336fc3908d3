import "server-only";
import { db } from "@/lib/data/db";
import { findFeedbackByIdempotencyKey, lastFeedback, lockRecommendationOfRep, recommendationStatus, writeReaction } from "@/lib/data/feedback";
import { recommendationOwner } from "@/lib/data/recommendations";
import { getActiveUserByEmail } from "@/lib/data/users";
import { DomainError } from "@/lib/domain/errors";
import { checkTransition, keepsDecisionTime, type RecommendationStatus } from "@/lib/domain/vocabulary";
import type { ReactionInput } from "@/lib/validation/feedback";

// Use case: a rep reacts to a suggestion (accept, dismiss, snooze, done, undo),
// from the queue's server action or, on the rep's behalf, from the API.

export interface ReactionResult {
  id: string;
  status: RecommendationStatus;
  /** False when the request repeated one already recorded (same key, or same end state). */
  recorded: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Applies a rep's reaction: checks the actor owns the recommendation, validates
 * the transition (the vocabulary's state machine), and writes the new status, a
 * Feedback row and a usage event in one transaction (row-locked, so a double
 * click or a retry records once). Throws DomainError NOT_FOUND / CONFLICT.
 */
export async function reactToRecommendation(actor: { id: string }, input: ReactionInput, now = new Date()): Promise<ReactionResult> {
  return db().$transaction(async (tx) => {
    if (input.idempotencyKey) {
      const prior = await findFeedbackByIdempotencyKey(tx, input.idempotencyKey);
      if (prior) {
        if (prior.recommendationId !== input.recommendationId || prior.userId !== actor.id) {
          throw new DomainError("CONFLICT", "This request key was already used for another reaction.");
        }
        return { ...(await recommendationStatus(tx, input.recommendationId)), recorded: false };
      }
    }
    const rec = await lockRecommendationOfRep(tx, input.recommendationId, actor.id);
    // Someone else's recommendation is reported exactly like a missing one.
    if (!rec || rec.isControl) throw new DomainError("NOT_FOUND", "This suggestion no longer exists or isn't yours.");

    let next: RecommendationStatus;
    if (input.kind === "UNDO") {
      const last = await lastFeedback(tx, rec.id);
      if (!last || last.kind === "UNDO") throw new DomainError("CONFLICT", "There is nothing to undo.");
      next = last.previousStatus;
    } else {
      const check = checkTransition(input.kind, rec.status, rec.expiresAt, now);
      if (check.kind === "noop") return { id: rec.id, status: rec.status, recorded: false };
      if (check.kind === "refuse") throw new DomainError("CONFLICT", check.message);
      next = check.next;
    }

    const snoozeUntil = input.kind === "SNOOZE" ? input.snoozeUntil : null;
    await writeReaction(tx, {
      recommendationId: rec.id,
      userId: actor.id,
      kind: input.kind,
      previousStatus: rec.status,
      status: next,
      decidedAt: keepsDecisionTime(next) ? now : null,
      snoozeUntil,
      // A snooze past the expiry keeps the suggestion alive until the rep is back.
      expiresAt: snoozeUntil && snoozeUntil >= rec.expiresAt ? new Date(snoozeUntil.getTime() + DAY_MS) : undefined,
      dismissReason: input.kind === "DISMISS" ? input.reason : null,
      note: input.note ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      at: now,
    });
    return { id: rec.id, status: next, recorded: true };
  });
}

/**
 * A reaction another system records on behalf of a rep (the API): the
 * recommendation must exist and not be a control, and the acting user must be
 * its active rep; then the same rules and idempotency as the queue.
 */
export async function reactOnBehalf(actorEmail: string, input: ReactionInput, now = new Date()): Promise<ReactionResult> {
  const owner = /^[0-9a-f-]{36}$/i.test(input.recommendationId) ? await recommendationOwner(input.recommendationId) : null;
  if (!owner || owner.isControl) throw new DomainError("NOT_FOUND", "No recommendation has this id.");
  const actor = await getActiveUserByEmail(actorEmail);
  if (!actor || actor.id !== owner.repId) throw new DomainError("FORBIDDEN", "This user may not act on this recommendation.");
  return reactToRecommendation(actor, input, now);
}
