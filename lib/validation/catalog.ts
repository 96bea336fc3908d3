// The action-type editor's schema, shared by the client form (instant,
// field-level messages) and the server actions (the authority). The rule is
// checked by the engine's own ruleSchema, so a rule the editor accepts is a
// rule the engine can run, and its messages arrive at "rule.all.0.value".
import { z } from "zod";
import { refineJson, safeText, strictNumberInput } from "./postgres-safe";
import { ruleSchema, templateErrors } from "@/lib/engine";
import { CONTACT_PURPOSES } from "@/lib/engine/consent";

export const ACTION_CATEGORIES = ["OFFER", "MEETING", "RELATIONSHIP", "RETENTION", "GROWTH", "SERVICE"] as const;
export type ActionCategoryName = (typeof ACTION_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<ActionCategoryName, string> = {
  OFFER: "Offer",
  MEETING: "Meeting",
  RELATIONSHIP: "Relationship",
  RETENTION: "Retention",
  GROWTH: "Growth",
  SERVICE: "Service",
};

/** Form inputs arrive as strings: "" means "not filled in" (never 0), anything else must be a strictly decimal number ("0x10" is not). */
function numberField(opts: { min: number; max: number; int?: boolean; label: string }) {
  let n = z.number({ message: `Enter ${opts.label} as a number` }).finite(`Enter ${opts.label} as a number`);
  if (opts.int) n = n.int(`Use a whole number of ${opts.label}`);
  n = n.min(opts.min, `Must be at least ${opts.min}`).max(opts.max, `Must be at most ${opts.max}`);
  return z.preprocess(strictNumberInput, n);
}

export const ACTION_KEY_PATTERN = /^[a-z][a-z0-9_]{2,39}$/;

export const actionTypeFieldsSchema = z.object({
  name: safeText(80, { min: 2, tooShort: "Give the action a name", tooLong: "Keep the name under 80 characters" }),
  category: z.enum(ACTION_CATEGORIES, { message: "Choose a category" }),
  /** The consent the action needs; omitted: marketing for offers, service for the rest. */
  purpose: z.enum(CONTACT_PURPOSES, { message: "Choose a purpose" }).optional(),
  description: safeText(500, { tooLong: "Keep the description under 500 characters" }),
  messageTemplate: safeText(500, { min: 1, tooShort: "Write the message the rep will see", tooLong: "Keep the message under 500 characters" })
    .superRefine((t, ctx) => {
      for (const e of templateErrors(t)) ctx.addIssue({ code: "custom", message: e.message });
    }),
  businessValue: numberField({ min: 0, max: 1_000_000, label: "a value in dollars" }),
  lever: numberField({ min: 0.1, max: 10, label: "the lever" }),
  cooldownDays: numberField({ min: 0, max: 365, int: true, label: "days" }),
  expiresAfterDays: numberField({ min: 1, max: 90, int: true, label: "days" }),
  controlGroupPct: numberField({ min: 0, max: 50, label: "a percentage" }),
  exploration: z.boolean(),
  // Stored as jsonb: no NUL or lone surrogate in any key or string (size and depth are the rule limits' job).
  rule: ruleSchema.superRefine(refineJson({ depth: 1000, bytes: 10_000_000 })),
});

export const createActionTypeSchema = actionTypeFieldsSchema.extend({
  key: z
    .string()
    .trim()
    .regex(ACTION_KEY_PATTERN, "3–40 characters: lower-case letters, digits and _, starting with a letter"),
});

export const updateActionTypeSchema = actionTypeFieldsSchema.extend({
  id: z.string().uuid("Unknown action type"),
  /** The version the admin edited; a save on top of someone else's newer version is refused. */
  expectedVersion: z.number().int().min(1),
});

export const previewActionTypeSchema = actionTypeFieldsSchema.extend({
  /** The action being edited (replaced in the preview), or absent for a new one. */
  id: z.string().uuid().optional(),
  key: z.string().trim().max(40).optional(),
});

export const setActionTypeActiveSchema = z.object({ id: z.string().uuid("Unknown action type"), active: z.boolean() });

export type ActionTypeFields = z.output<typeof actionTypeFieldsSchema>;
export type CreateActionTypeInput = z.output<typeof createActionTypeSchema>;
export type UpdateActionTypeInput = z.output<typeof updateActionTypeSchema>;
export type PreviewActionTypeInput = z.output<typeof previewActionTypeSchema>;

/** "Birthday note" -> "birthday_note": a key suggestion for a new action. */
export function suggestKey(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
  return /^[a-z]/.test(slug) ? slug : `action_${slug}`.slice(0, 40);
}

/** zod issues -> { "rule.all.0.value": ["…"] }, the same shape authedAction returns. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
