import { z } from "zod";
import { safeDate, safeText } from "./postgres-safe";

export const DISMISS_REASONS = ["NOT_RELEVANT", "ALREADY_DONE", "BAD_TIMING", "CUSTOMER_DECLINED", "OTHER"] as const;
export const DISMISS_REASON_LABELS: Record<(typeof DISMISS_REASONS)[number], string> = {
  NOT_RELEVANT: "Not relevant",
  ALREADY_DONE: "Already done",
  BAD_TIMING: "Bad timing",
  CUSTOMER_DECLINED: "Customer declined",
  OTHER: "Other",
};

const base = {
  recommendationId: z.string().uuid("Unknown recommendation"),
  idempotencyKey: safeText(100, { trim: false, min: 8, identifier: true }).optional(),
  note: safeText(500, { tooLong: "Keep the note under 500 characters" }).optional(),
};

// One schema for every reaction, shared by the queue's server action and the API.
export const reactionSchema = z.discriminatedUnion("kind", [
  z.object({ ...base, kind: z.literal("ACCEPT") }),
  z.object({ ...base, kind: z.literal("DONE") }),
  z.object({ ...base, kind: z.literal("UNDO") }),
  z.object({ ...base, kind: z.literal("DISMISS"), reason: z.enum(DISMISS_REASONS, { message: "Choose a reason for dismissing" }) }),
  z.object({
    ...base,
    kind: z.literal("SNOOZE"),
    snoozeUntil: safeDate("Choose a date to snooze until")
      .refine((d) => d.getTime() > Date.now(), "Snooze until a date in the future")
      .refine((d) => d.getTime() < Date.now() + 90 * 86_400_000, "Snooze for at most 90 days"),
  }),
]);
export type ReactionInput = z.infer<typeof reactionSchema>;
