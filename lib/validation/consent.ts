import { z } from "zod";
import { CONSENT_CHANNELS, CONSENT_PURPOSES, CONTACT_PURPOSES } from "@/lib/engine/consent";
import { safeText, safeTimestamp } from "./postgres-safe";

// One consent change: a purpose granted or withdrawn, on one channel or (channel
// omitted) on every channel. Profiling has no channel. Shared by the API
// (POST /api/v1/customers/{externalId}/consent) and the customer page.

export const MAX_CONSENT_CHANGES = 20;

export const consentChangeSchema = z
  .strictObject({
    purpose: z.enum(CONSENT_PURPOSES, { message: `Must be one of ${CONSENT_PURPOSES.join(", ")}` }),
    channel: z.enum(CONSENT_CHANNELS, { message: `Must be one of ${CONSENT_CHANNELS.join(", ")}; omit it for every channel` }).optional(),
    granted: z.boolean({ message: "Give granted as true (consent given) or false (withdrawn)" }),
    /** Where the consent came from: "signed form", "phone call", "preference centre". */
    source: safeText(200, { min: 1 }).optional(),
    /** When the customer gave or withdrew it; omitted: now. */
    recordedAt: safeTimestamp().optional(),
  })
  .refine((c) => !(c.purpose === "PROFILING" && c.channel), { message: "Profiling has no channel; omit channel", path: ["channel"] });
export type ConsentChange = z.infer<typeof consentChangeSchema>;

export const consentRequestSchema = z.strictObject({
  changes: z.array(consentChangeSchema).min(1, "Send at least one change").max(MAX_CONSENT_CHANGES, `At most ${MAX_CONSENT_CHANGES} changes per call`),
});
export type ConsentRequest = z.infer<typeof consentRequestSchema>;

/** The customer page's form: one purpose, one channel or all, granted or withdrawn, and where it came from. */
export const consentFormSchema = z.object({
  customerId: z.guid(),
  purpose: z.enum(CONSENT_PURPOSES),
  channel: z.union([z.enum(CONSENT_CHANNELS), z.literal("ALL")]),
  granted: z.enum(["true", "false"]).transform((v) => v === "true"),
  source: safeText(200, { min: 1, tooLong: "At most 200 characters" }),
});

export const contactPurposeSchema = z.enum(CONTACT_PURPOSES);
