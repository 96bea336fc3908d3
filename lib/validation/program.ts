// The program settings form (global holdout), shared by the client form and the server action.
import { z } from "zod";

export const HOLDOUT_REDRAWS = ["MONTH", "QUARTER", "HALF_YEAR"] as const;
export const REDRAW_LABELS: Record<(typeof HOLDOUT_REDRAWS)[number], string> = { MONTH: "Every month", QUARTER: "Every quarter", HALF_YEAR: "Every half year" };
/** Above this a program withholds too much from customers to be worth running; 0 switches the holdout off. */
export const MAX_GLOBAL_HOLDOUT_PCT = 50;

export const programSettingsSchema = z.object({
  globalHoldoutPct: z.coerce
    .number({ message: "Enter a percentage" })
    .refine(Number.isFinite, "Enter a percentage")
    .min(0, "Use 0 % or more (0 switches the global holdout off)")
    .max(MAX_GLOBAL_HOLDOUT_PCT, `Use at most ${MAX_GLOBAL_HOLDOUT_PCT} %`)
    .refine((n) => Math.round(n * 10) === n * 10, "Use at most one decimal place"),
  holdoutRedraw: z.enum(HOLDOUT_REDRAWS, { message: "Choose how often to re-draw" }),
});
export type ProgramSettingsInput = z.infer<typeof programSettingsSchema>;

/** Forgetting half-life bounds (days): below a day the engine forgets within a batch; above ten years it never forgets. */
export const MIN_HALF_LIFE_DAYS = 1;
export const MAX_HALF_LIFE_DAYS = 3650;
/** Above this, most customers would get exploratory suggestions. */
export const MAX_EXPLORATION_SHARE_PCT = 50;

/** The learning settings form (forgetting and the exploration cap), shared by the client form and the server action. */
export const learningSettingsSchema = z.object({
  learningHalfLifeDays: z.coerce
    .number({ message: "Enter a number of days" })
    .refine(Number.isFinite, "Enter a number of days")
    .int("Use whole days")
    .min(MIN_HALF_LIFE_DAYS, `Use at least ${MIN_HALF_LIFE_DAYS} day`)
    .max(MAX_HALF_LIFE_DAYS, `Use at most ${MAX_HALF_LIFE_DAYS} days`),
  explorationSharePct: z.coerce
    .number({ message: "Enter a percentage" })
    .refine(Number.isFinite, "Enter a percentage")
    .min(0, "Use 0 % or more (0 switches exploration off everywhere)")
    .max(MAX_EXPLORATION_SHARE_PCT, `Use at most ${MAX_EXPLORATION_SHARE_PCT} %`)
    .refine((n) => Math.round(n * 10) === n * 10, "Use at most one decimal place"),
});
export type LearningSettingsInput = z.infer<typeof learningSettingsSchema>;

/** The drift monitor's thresholds (lib/engine/drift.ts DriftThresholds), shared by the client form and the server action. */
export const driftThresholdsSchema = z.object({
  driftAcceptanceShiftPct: z.coerce
    .number({ message: "Enter a number of points" })
    .refine(Number.isFinite, "Enter a number of points")
    .min(1, "Use at least 1 point")
    .max(50, "Use at most 50 points"),
  driftZScore: z.coerce
    .number({ message: "Enter a number" })
    .refine(Number.isFinite, "Enter a number")
    .min(2, "Use at least 2 (below, chance alone raises alerts)")
    .max(10, "Use at most 10"),
  driftPsi: z.coerce
    .number({ message: "Enter a number" })
    .refine(Number.isFinite, "Enter a number")
    .min(0.05, "Use at least 0.05")
    .max(2, "Use at most 2"),
});
export type DriftThresholdsInput = z.infer<typeof driftThresholdsSchema>;
