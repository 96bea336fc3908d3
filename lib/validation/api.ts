import { z } from "zod";
import { decimal, safeEmail, safeIsoDate, safeJson, safeText, safeTimestamp } from "./postgres-safe";

export const API_SCOPES = ["customers:write", "events:write", "recommendations:read", "feedback:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const MAX_BATCH = 1000;
/** Largest request body the API reads (1,000 items with their payloads fit). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Longest externalId (a path parameter longer than this names no customer). */
export const MAX_EXTERNAL_ID = 100;

export const EVENT_TYPES = ["PURCHASE", "WEB_VISIT", "EMAIL_CLICK", "SUPPORT_TICKET", "MEETING", "CALL", "EMAIL_SENT"] as const;

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
  doNotContact: z.boolean().optional(),
  marketingOptOut: z.boolean().optional(),
});
export type ApiCustomer = z.infer<typeof apiCustomerSchema>;

export const apiEventSchema = z.object({
  customerExternalId: safeText(MAX_EXTERNAL_ID, { min: 1, identifier: true }),
  type: z.enum(EVENT_TYPES, { message: `Must be one of ${EVENT_TYPES.join(", ")}` }),
  occurredAt: safeTimestamp(),
  amount: money().optional(),
  payload: safeJson().optional(),
  source: safeText(100).optional(),
  idempotencyKey: safeText(200, { min: 1, identifier: true }).optional(),
});
export type ApiEvent = z.infer<typeof apiEventSchema>;

/** Envelope of a batch call: the array itself is checked here, items one by one later. */
export const batchEnvelope = <K extends string>(key: K) => z.object({ [key]: z.array(z.unknown()) } as Record<K, z.ZodArray<z.ZodUnknown>>);

export type FieldError = { path: string; message: string };

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}
