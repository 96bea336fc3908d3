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
