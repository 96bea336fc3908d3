import { z } from "zod";

export const API_SCOPES = ["customers:write", "events:write", "recommendations:read", "feedback:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const MAX_BATCH = 1000;

export const EVENT_TYPES = ["PURCHASE", "WEB_VISIT", "EMAIL_CLICK", "SUPPORT_TICKET", "MEETING", "CALL", "EMAIL_SENT"] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use the format YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Not a real calendar date");

export const apiCustomerSchema = z.object({
  externalId: z.string().trim().min(1, "Required").max(100),
  name: z.string().trim().min(1, "Required").max(200),
  // Optional fields: omitted keeps the stored value on update; null clears it.
  email: z.string().trim().email("Not a valid email address").max(320).nullable().optional(),
  phone: z.string().trim().max(50).nullable().optional(),
  company: z.string().trim().max(200).nullable().optional(),
  segment: z.string().trim().min(1, "Required").max(40),
  birthday: isoDate.nullable().optional(),
  renewalDate: isoDate.nullable().optional(),
  lifetimeValue: z.number().finite().min(0, "Must be zero or more").max(1e11).optional(),
  ownerEmail: z.string().trim().toLowerCase().email("Not a valid email address"),
  doNotContact: z.boolean().optional(),
  marketingOptOut: z.boolean().optional(),
});
export type ApiCustomer = z.infer<typeof apiCustomerSchema>;

export const apiEventSchema = z.object({
  customerExternalId: z.string().trim().min(1, "Required").max(100),
  type: z.enum(EVENT_TYPES, { message: `Must be one of ${EVENT_TYPES.join(", ")}` }),
  occurredAt: z.string().datetime({ offset: true, message: "Use an ISO 8601 timestamp, e.g. 2026-11-23T10:00:00Z" }),
  amount: z.number().finite().min(0, "Must be zero or more").max(1e11).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  source: z.string().trim().max(100).optional(),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});
export type ApiEvent = z.infer<typeof apiEventSchema>;

/** Envelope of a batch call: the array itself is checked here, items one by one later. */
export const batchEnvelope = <K extends string>(key: K) => z.object({ [key]: z.array(z.unknown()) } as Record<K, z.ZodArray<z.ZodUnknown>>);

export type FieldError = { path: string; message: string };

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}
