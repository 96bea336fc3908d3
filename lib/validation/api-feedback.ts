import { z } from "zod";
import { DISMISS_REASONS } from "./feedback";
import { REACTION_KINDS } from "@/lib/domain/vocabulary";

export const apiFeedbackSchema = z
  .object({
    kind: z.enum(REACTION_KINDS, { message: `Must be one of ${REACTION_KINDS.join(", ")}` }),
    actorEmail: z.string().trim().toLowerCase().email("Not a valid email address"),
    reason: z.enum(DISMISS_REASONS, { message: `Must be one of ${DISMISS_REASONS.join(", ")}` }).optional(),
    note: z.string().trim().max(500).optional(),
    snoozeUntil: z.string().datetime({ offset: true, message: "Use an ISO 8601 timestamp" }).optional(),
    idempotencyKey: z.string().trim().min(8, "At least 8 characters").max(100).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "DISMISS" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Required when dismissing" });
    if (v.kind === "SNOOZE" && !v.snoozeUntil) ctx.addIssue({ code: "custom", path: ["snoozeUntil"], message: "Required when snoozing" });
  });
export type ApiFeedback = z.infer<typeof apiFeedbackSchema>;
