import { z } from "zod";
import { decimal, jsonProblem, safeEmail, safeIsoDate, safeJson, safeText, safeTimestamp } from "./postgres-safe";

export const API_SCOPES = ["customers:write", "events:write", "recommendations:read", "feedback:write", "embed:issue", "feeds:read", "consent:write", "customers:export", "customers:erase"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const MAX_BATCH = 1000;
/** Largest request body the API reads (1,000 items with their payloads fit). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Longest externalId (a path parameter longer than this names no customer). */
export const MAX_EXTERNAL_ID = 100;

export const EVENT_TYPES = ["PURCHASE", "WEB_VISIT", "EMAIL_CLICK", "SUPPORT_TICKET", "MEETING", "CALL", "EMAIL_SENT", "CONTACT_FEEDBACK"] as const;

/** Money columns are NUMERIC(14, 2): at most 999,999,999,999.99. */
export const MONEY = { precision: 14, scale: 2 } as const;
const money = () => decimal(MONEY.precision, MONEY.scale, { min: 0 });

export const apiCustomerSchema = z.object({
  externalId: safeText(MAX_EXTERNAL_ID, { min: 1, identifier: true }),
  name: safeText(200, { min: 1 }),
  // Optional fields: omitted keeps the stored value on update; null clears it.
  email: safeEmail().nullable().optional(),
  phone: safeText(50).nullable().optional(),
  company: safeText(200).nullable().optional(),
  segment: safeText(40, { min: 1 }),
  birthday: safeIsoDate().nullable().optional(),
  renewalDate: safeIsoDate().nullable().optional(),
  lifetimeValue: money().optional(),
  ownerEmail: safeEmail({ lower: true }),
  // Deprecated: recorded as consent (lib/services/consent.ts legacyFlagRows); use POST /api/v1/customers/{externalId}/consent.
  doNotContact: z.boolean().optional(),
  marketingOptOut: z.boolean().optional(),
});
export type ApiCustomer = z.infer<typeof apiCustomerSchema>;

// ---------- CONTACT_FEEDBACK: a customer's feedback on a contact ----------

export const CONTACT_VERDICTS = ["HELPFUL", "RELEVANT", "INTRUSIVE"] as const;
export type ContactVerdict = (typeof CONTACT_VERDICTS)[number];
export const MAX_FEEDBACK_COMMENT = 2000;
const FEEDBACK_SHAPE = `{ csat?: 1-5, verdict?: ${CONTACT_VERDICTS.join(" | ")}, comment?: text, recommendationId?: uuid } with csat, verdict or both`;

/**
 * The payload of a CONTACT_FEEDBACK event. Without recommendationId the
 * feedback is linked to the customer's latest acted-on suggestion decided
 * within the attribution window before it (lib/services/contact-feedback.ts).
 */
export const contactFeedbackPayloadSchema = z
  .strictObject(
    {
      csat: z
        .number({ message: "Give csat as a whole number from 1 (very unsatisfied) to 5 (very satisfied)" })
        .int("Give csat as a whole number from 1 (very unsatisfied) to 5 (very satisfied)")
        .min(1, "csat is at least 1 (very unsatisfied)")
        .max(5, "csat is at most 5 (very satisfied)")
        .optional(),
      verdict: z.enum(CONTACT_VERDICTS, { message: `Must be one of ${CONTACT_VERDICTS.join(", ")}` }).optional(),
      comment: safeText(MAX_FEEDBACK_COMMENT, { trim: false, tooLong: `At most ${MAX_FEEDBACK_COMMENT} characters; shorten the comment` }).optional(),
      recommendationId: z.guid({ message: "Must be a suggestion id (a UUID), e.g. from GET /api/v1/customers/{externalId}/recommendations" }).optional(),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? `Unknown field(s) ${i.keys.join(", ")}; a feedback payload has csat, verdict, comment and recommendationId` : undefined) },
  )
  .refine((p) => p.csat !== undefined || p.verdict !== undefined, { message: `Give csat (1 to 5), verdict (${CONTACT_VERDICTS.join(", ")}), or both` });
export type ContactFeedbackPayload = z.infer<typeof contactFeedbackPayloadSchema>;

export const apiEventSchema = z.object({
  customerExternalId: safeText(MAX_EXTERNAL_ID, { min: 1, identifier: true }),
  type: z.enum(EVENT_TYPES, { message: `Must be one of ${EVENT_TYPES.join(", ")}` }),
  occurredAt: safeTimestamp(),
  amount: money().optional(),
  payload: safeJson().optional(),
  source: safeText(100).optional(),
  idempotencyKey: safeText(200, { min: 1, identifier: true }).optional(),
}).superRefine((e, ctx) => {
  // CONTACT_FEEDBACK: the payload is the customer's feedback, checked field by field.
  // A payload Postgres would refuse is already reported by safeJson.
  if (e.type !== "CONTACT_FEEDBACK" || (e.payload !== undefined && jsonProblem(e.payload) !== null)) return;
  if (e.payload === undefined) {
    ctx.addIssue({ code: "custom", path: ["payload"], message: `A CONTACT_FEEDBACK event needs a payload: ${FEEDBACK_SHAPE}` });
    return;
  }
  const parsed = contactFeedbackPayloadSchema.safeParse(e.payload);
  if (!parsed.success) for (const i of parsed.error.issues) ctx.addIssue({ code: "custom", path: ["payload", ...i.path.map(String)], message: i.message });
});
export type ApiEvent = z.infer<typeof apiEventSchema>;

/** Envelope of a batch call: the array itself is checked here, items one by one later. */
export const batchEnvelope = <K extends string>(key: K) => z.object({ [key]: z.array(z.unknown()) } as Record<K, z.ZodArray<z.ZodUnknown>>);

export type FieldError = { path: string; message: string };

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

// ---------- POST /api/v1/embed-tokens: a CRM signs a rep into the embed panel ----------

export const embedTokenRequestSchema = z.strictObject({
  /** The rep the CRM user is (their Nudge account's email). */
  repEmail: safeEmail({ lower: true }),
  /** The CRM record's customer, as in POST /api/v1/customers. */
  customerExternalId: safeText(MAX_EXTERNAL_ID, { min: 1, identifier: true }),
});
export type EmbedTokenRequest = z.infer<typeof embedTokenRequestSchema>;
