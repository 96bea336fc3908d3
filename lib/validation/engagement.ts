// Inputs of the tour, the pulse survey, feature-use pings and adoption targets,
// shared by the client components and the server actions.
import { z } from "zod";
import { MAX_PULSE_WEEKS, MIN_PULSE_WEEKS } from "@/lib/metrics/engagement";
import { TARGET_INFO, TARGET_METRICS } from "@/lib/metrics/targets";
import { safeText } from "./postgres-safe";

export const TOURS = ["rep", "manager", "admin"] as const;
export type TourName = (typeof TOURS)[number];

export const tourEventSchema = z.object({
  tour: z.enum(TOURS),
  event: z.enum(["started", "finished", "skipped"]),
  /** 1-based step the event happened at (skipped: the step shown when the tour was closed). */
  step: z.number().int().min(1).max(20),
});
export type TourEventInput = z.output<typeof tourEventSchema>;

export const FEATURES = ["keyboard", "search"] as const;
export const featureUseSchema = z.object({ feature: z.enum(FEATURES) });

export const NPS_QUESTION = "How likely are you to recommend Nudge to a colleague?";
export const CSAT_QUESTION = "How useful are today's suggestions?";
export const MAX_COMMENT = 1000;

export const pulseAnswerSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("NPS"),
    score: z.number({ message: "Pick a score from 0 to 10" }).int().min(0, "Pick a score from 0 to 10").max(10, "Pick a score from 0 to 10").nullable(),
    comment: safeText(MAX_COMMENT, { tooLong: `Keep the comment under ${MAX_COMMENT} characters` })
      .transform((s) => s || null)
      .nullable()
      .optional(),
  }),
  z.object({
    kind: z.literal("CSAT"),
    score: z.number({ message: "Pick a score from 1 to 5" }).int().min(1, "Pick a score from 1 to 5").max(5, "Pick a score from 1 to 5").nullable(),
    comment: z.null().optional(),
  }),
]);
export type PulseAnswerInput = z.output<typeof pulseAnswerSchema>;

export const pulseSettingsSchema = z.object({
  pulseEveryWeeks: z.coerce
    .number({ message: "Enter a number of weeks" })
    .refine(Number.isFinite, "Enter a number of weeks")
    .int("Use whole weeks")
    .min(MIN_PULSE_WEEKS, `Use at least ${MIN_PULSE_WEEKS} week`)
    .max(MAX_PULSE_WEEKS, `Use at most ${MAX_PULSE_WEEKS} weeks`),
});

/**
 * A target as the form sends it: shares in percent (0-100), NPS in points;
 * stored as a share 0..1 or points. `teamId` null: the program-wide target
 * (admins only). `threshold` null removes the target.
 */
export const targetSchema = z
  .object({
    teamId: z.string().uuid("Choose a team").nullable(),
    metric: z.enum(TARGET_METRICS, { message: "Choose a figure" }),
    threshold: z.coerce.number({ message: "Enter a number" }).refine(Number.isFinite, "Enter a number").nullable(),
  })
  .superRefine((v, ctx) => {
    if (v.threshold === null) return;
    const info = TARGET_INFO[v.metric];
    const [lo, hi] = info.unit === "pct" ? [info.min * 100, info.max * 100] : [info.min, info.max];
    if (v.threshold < lo || v.threshold > hi) ctx.addIssue({ code: "custom", path: ["threshold"], message: `Use a value from ${lo} to ${hi}${info.unit === "pct" ? " %" : ""}` });
  })
  .transform((v) => ({ ...v, threshold: v.threshold === null ? null : TARGET_INFO[v.metric].unit === "pct" ? v.threshold / 100 : v.threshold }));
export type TargetInput = z.output<typeof targetSchema>;
