import { z } from "zod";
import { DISMISS_REASONS } from "./feedback";
import { safeEmail, safeText, safeTimestamp } from "./postgres-safe";
import { REACTION_KINDS } from "@/lib/domain/vocabulary";

export const apiFeedbackSchema = z
  .object({
    kind: z.enum(REACTION_KINDS, { message: `Must be one of ${REACTION_KINDS.join(", ")}` }),
    actorEmail: safeEmail({ lower: true }),
    reason: z.enum(DISMISS_REASONS, { message: `Must be one of ${DISMISS_REASONS.join(", ")}` }).optional(),
    note: safeText(500).optional(),
    snoozeUntil: safeTimestamp("Use an ISO 8601 timestamp").optional(),
    idempotencyKey: safeText(100, { min: 8, identifier: true }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "DISMISS" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Required when dismissing" });
    if (v.kind === "SNOOZE" && !v.snoozeUntil) ctx.addIssue({ code: "custom", path: ["snoozeUntil"], message: "Required when snoozing" });
  });
export type ApiFeedback = z.infer<typeof apiFeedbackSchema>;
