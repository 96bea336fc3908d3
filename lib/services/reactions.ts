import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/data/db";
import { isUniqueViolation } from "@/lib/data/errors";
import { applyReaction, findFeedbackByIdempotencyKey, readReactionTarget, recommendationStatus, type ReactionState, type StoredReaction } from "@/lib/data/feedback";
import { withTransientRetry } from "@/lib/data/retry";
import { isUuid } from "@/lib/validation/postgres-safe";
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

/** What a request asks for, hashed: the same idempotency key with a different request is refused. */
export function reactionRequestHash(actorId: string, input: ReactionInput): string {
  const canonical = JSON.stringify([
    actorId,
    input.recommendationId,
    input.kind,
    input.kind === "DISMISS" ? input.reason : null,
    input.kind === "SNOOZE" ? input.snoozeUntil.toISOString() : null,
    input.note ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** The answer to a request whose key is already stored: the stored result, or 422 when the request differs. */
async function replay(prior: StoredReaction, hash: string, input: ReactionInput, read: () => Promise<{ id: string; status: RecommendationStatus }>): Promise<ReactionResult> {
  // Rows from before hashes were kept compare by recommendation only.
  const same = prior.requestHash !== null ? prior.requestHash === hash : prior.recommendationId === input.recommendationId;
  if (!same) {
    throw new DomainError("IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used with a different request; use a new key for a new request.", [
      { path: "idempotencyKey", message: "Already used with a different request" },
    ]);
  }
  if (prior.status) return { id: prior.recommendationId, status: prior.status, recorded: false };
  return { ...(await read()), recorded: false };
}

/** How many times a reaction is decided again when other reactions to the same suggestion keep coming first. */
const MAX_ATTEMPTS = 5;

/**
 * Applies a rep's reaction: checks the actor owns the recommendation, validates
 * the transition (the vocabulary's state machine), and writes the new state, a
 * Feedback row (with the state it replaced, for an exact undo) and a usage
 * event, atomically. Two round trips: one read (the suggestion, its last
 * reaction, any reaction stored under the idempotency key, the database's
 * clock, which is the reaction's time), then one write that applies only if
 * the suggestion is still as read (lib/data/feedback.ts applyReaction: it
 * locks the row, so reactions to one suggestion are ordered). When another
 * reaction came first, the reaction is read and decided again. An idempotency
 * key answers a retry, concurrent or later, with the stored result, and
 * refuses a different request under the same key (IDEMPOTENCY_KEY_REUSED).
 * Throws DomainError NOT_FOUND / CONFLICT / IDEMPOTENCY_KEY_REUSED.
 */
export async function reactToRecommendation(actor: { id: string }, input: ReactionInput, now?: Date): Promise<ReactionResult> {
  const hash = input.idempotencyKey ? reactionRequestHash(actor.id, input) : null;
  try {
    return await withTransientRetry(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const target = await readReactionTarget(input.recommendationId, actor.id, input.idempotencyKey ?? null);
        // A concurrent request with the same key that applied first is seen here on the next attempt.
        if (target.prior) return replay(target.prior, hash!, input, () => recommendationStatus(db(), target.prior!.recommendationId));
        const rec = target.recommendation;
        // Someone else's recommendation is reported exactly like a missing one.
        if (!rec || rec.isControl) throw new DomainError("NOT_FOUND", "This suggestion no longer exists or isn't yours.");
        const at = now ?? target.now;
        const previous: ReactionState = { status: rec.status, snoozedUntil: rec.snoozedUntil, decidedAt: rec.decidedAt, expiresAt: rec.expiresAt };

        let next: ReactionState;
        if (input.kind === "UNDO") {
          const last = target.last;
          if (!last || last.kind === "UNDO") throw new DomainError("CONFLICT", "There is nothing to undo.");
          // The state the last reaction replaced. Rows from before it was kept: status only, as before.
          next = {
            status: last.previousStatus,
            snoozedUntil: last.previousExpiresAt ? last.previousSnoozedUntil : null,
            decidedAt: last.previousExpiresAt ? last.previousDecidedAt : keepsDecisionTime(last.previousStatus) ? rec.decidedAt : null,
            expiresAt: last.previousExpiresAt ?? rec.expiresAt,
          };
        } else {
          const check = checkTransition(input.kind, rec.status, rec.expiresAt, at);
          if (check.kind === "noop") return { id: rec.id, status: rec.status, recorded: false };
          if (check.kind === "refuse") throw new DomainError("CONFLICT", check.message);
          const snoozeUntil = input.kind === "SNOOZE" ? input.snoozeUntil : null;
          next = {
            status: check.next,
            snoozedUntil: snoozeUntil,
            decidedAt: keepsDecisionTime(check.next) ? at : null,
            // A snooze past the expiry keeps the suggestion alive until the rep is back.
            expiresAt: snoozeUntil && snoozeUntil >= rec.expiresAt ? new Date(snoozeUntil.getTime() + DAY_MS) : rec.expiresAt,
          };
        }

        const applied = await applyReaction({
          recommendationId: rec.id,
          userId: actor.id,
          kind: input.kind,
          previous,
          lastFeedbackId: target.last?.id ?? null,
          next,
          snoozeUntil: input.kind === "SNOOZE" ? input.snoozeUntil : null,
          dismissReason: input.kind === "DISMISS" ? input.reason : null,
          note: input.note ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          requestHash: hash,
          at,
        });
        if (applied) return { id: rec.id, status: next.status, recorded: true };
      }
      throw new DomainError("CONFLICT", "This suggestion kept changing while your reaction was saved. Reload the queue and try again.");
    });
  } catch (err) {
    // The same key committed by a concurrent request on another suggestion: answer as a retry.
    if (input.idempotencyKey && isUniqueViolation(err)) {
      const prior = await findFeedbackByIdempotencyKey(db(), input.idempotencyKey);
      if (prior) return replay(prior, hash!, input, () => recommendationStatus(db(), prior.recommendationId));
    }
    throw err;
  }
}

/**
 * A reaction another system records on behalf of a rep (the API): the
 * recommendation must exist and not be a control, and the acting user must be
 * its active rep; then the same rules and idempotency as the queue.
 */
export async function reactOnBehalf(actorEmail: string, input: ReactionInput, now?: Date): Promise<ReactionResult> {
  const owner = isUuid(input.recommendationId) ? await recommendationOwner(input.recommendationId) : null;
  if (!owner || owner.isControl) throw new DomainError("NOT_FOUND", "No recommendation has this id.");
  const actor = await getActiveUserByEmail(actorEmail);
  if (!actor || actor.id !== owner.repId) throw new DomainError("FORBIDDEN", "This user may not act on this recommendation.");
  return reactToRecommendation(actor, input, now);
}
