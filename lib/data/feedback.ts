import "server-only";
import { db } from "./db";
import type { RecommendationStatus } from "@/lib/generated/prisma/enums";
import type { ReactionInput } from "@/lib/validation/feedback";

export class ReactionError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "CONFLICT",
    message: string,
  ) {
    super(message);
  }
}

const OPEN: RecommendationStatus[] = ["PENDING", "ACCEPTED", "SNOOZED"];
// Which statuses each reaction may start from.
const FROM: Record<Exclude<ReactionInput["kind"], "UNDO">, RecommendationStatus[]> = {
  ACCEPT: ["PENDING", "SNOOZED"],
  DISMISS: OPEN,
  SNOOZE: ["PENDING", "ACCEPTED", "SNOOZED"],
  DONE: OPEN,
};
const TO: Record<Exclude<ReactionInput["kind"], "UNDO">, RecommendationStatus> = {
  ACCEPT: "ACCEPTED",
  DISMISS: "DISMISSED",
  SNOOZE: "SNOOZED",
  DONE: "DONE",
};

export interface ReactionResult {
  id: string;
  status: RecommendationStatus;
  /** False when the request repeated one already recorded (same key, or same end state). */
  recorded: boolean;
}

/**
 * Applies a rep's reaction: checks the actor owns the recommendation, validates
 * the transition, and writes the new status, a Feedback row and a usage event in
 * one transaction (row-locked, so a double click or a retry records once).
 */
export async function reactToRecommendation(actor: { id: string }, input: ReactionInput, now = new Date()): Promise<ReactionResult> {
  return db().$transaction(async (tx) => {
    if (input.idempotencyKey) {
      const prior = await tx.feedback.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { recommendationId: true, userId: true } });
      if (prior) {
        if (prior.recommendationId !== input.recommendationId || prior.userId !== actor.id) {
          throw new ReactionError("CONFLICT", "This request key was already used for another reaction.");
        }
        const rec = await tx.recommendation.findUniqueOrThrow({ where: { id: input.recommendationId }, select: { id: true, status: true } });
        return { ...rec, recorded: false };
      }
    }
    const locked = await tx.$queryRaw<{ id: string; status: RecommendationStatus; repId: string; isControl: boolean; expiresAt: Date }[]>`
      SELECT id, status, "repId", "isControl", "expiresAt" FROM "Recommendation"
      WHERE id = ${input.recommendationId}::uuid AND "repId" = ${actor.id}::uuid
      FOR UPDATE`;
    const rec = locked[0];
    // Someone else's recommendation is reported exactly like a missing one.
    if (!rec || rec.isControl) throw new ReactionError("NOT_FOUND", "This suggestion no longer exists or isn't yours.");

    let next: RecommendationStatus;
    if (input.kind === "UNDO") {
      const last = await tx.feedback.findFirst({
        where: { recommendationId: rec.id },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { kind: true, previousStatus: true },
      });
      if (!last || last.kind === "UNDO") throw new ReactionError("CONFLICT", "There is nothing to undo.");
      next = last.previousStatus;
    } else {
      next = TO[input.kind];
      if (rec.status === next && input.kind !== "SNOOZE") return { id: rec.id, status: rec.status, recorded: false };
      if (!FROM[input.kind].includes(rec.status)) {
        throw new ReactionError("CONFLICT", `This suggestion is already ${rec.status.toLowerCase()}.`);
      }
      if (rec.expiresAt <= now) throw new ReactionError("CONFLICT", "This suggestion has expired.");
    }

    const snoozeUntil = input.kind === "SNOOZE" ? input.snoozeUntil : null;
    await tx.recommendation.update({
      where: { id: rec.id },
      data: {
        status: next,
        decidedAt: OPEN.includes(next) && next !== "ACCEPTED" ? null : now,
        snoozedUntil: snoozeUntil,
        // A snooze past the expiry keeps the suggestion alive until the rep is back.
        ...(snoozeUntil && snoozeUntil >= rec.expiresAt ? { expiresAt: new Date(snoozeUntil.getTime() + 86_400_000) } : {}),
      },
    });
    await tx.feedback.create({
      data: {
        recommendationId: rec.id,
        userId: actor.id,
        kind: input.kind,
        dismissReason: input.kind === "DISMISS" ? input.reason : null,
        note: input.note ?? null,
        snoozeUntil,
        previousStatus: rec.status,
        idempotencyKey: input.idempotencyKey ?? null,
        createdAt: now,
      },
    });
    await tx.usageEvent.create({ data: { userId: actor.id, type: "REACTION", at: now, meta: { kind: input.kind, recommendationId: rec.id } } });
    return { id: rec.id, status: next, recorded: true };
  });
}
