import { z } from "zod";
import { MAX_BATCH } from "./api";
import { OPEN_STATUSES, RECOMMENDATION_STATUSES } from "@/lib/domain/vocabulary";
import { CONTACT_PURPOSES } from "@/lib/engine/consent";
import "./feeds"; // its answers (ReactionsFeedPage, OutcomesFeedPage) register their ids too
import "./customer-import"; // CustomerImportResult registers its id too

// The bodies /api/v1 answers with, as zod schemas. The routes type what they
// send against these (`satisfies`), and the OpenAPI document is built from them
// (lib/validation/openapi.ts), so the document and the server share one source.
// Objects are strict: a field the server sends that the document does not name
// fails the contract test (tests/integration/api-contract.test.ts).

/** The ids (`.meta({ id })`) of the response schemas that are components of the OpenAPI document. */
export const RESPONSE_COMPONENTS = [
  "Error",
  "CustomerResult",
  "CustomersResponse",
  "ContactFeedbackLink",
  "EventResult",
  "EventsResponse",
  "EventJob",
  "Recommendation",
  "RecommendationsResponse",
  "FeedbackResponse",
  "ReactionFeedItem",
  "ReactionsFeedPage",
  "OutcomeFeedItem",
  "OutcomesFeedPage",
  "CustomerImportResult",
  "EmbedToken",
  "ConsentState",
  "ConsentResponse",
  "CustomerExport",
  "ErasureResponse",
] as const;

const fieldError = z.strictObject({
  path: z.string().meta({ description: "Dotted path of the field, e.g. `payload.csat`; empty for the whole item" }),
  message: z.string().meta({ description: "What is wrong, in words a person can act on" }),
});

export const apiErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({
        description:
          "Stable machine-readable code: UNAUTHORIZED, FORBIDDEN, INVALID_JSON, INVALID_BODY, INVALID_PARAMETER, NOT_FOUND, CONFLICT, IDEMPOTENCY_KEY_REUSED, BODY_TOO_LARGE, TOO_MANY_ITEMS, UNSUPPORTED_MEDIA_TYPE, RATE_LIMITED, UNAVAILABLE, INTERNAL",
      }),
      message: z.string().meta({ description: "What happened and what to do, for a person" }),
      details: z.array(fieldError).optional().meta({ description: "One entry per field problem (400)" }),
    }),
  })
  .meta({ id: "Error", example: { error: { code: "INVALID_BODY", message: "The feedback is not valid.", details: [{ path: "reason", message: "Required when dismissing" }] } } });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

export const customerResultSchema = z
  .strictObject({
    externalId: z.string().meta({ description: "The item's externalId as sent (empty when it had none)" }),
    status: z.enum(["created", "updated", "rejected"]),
    errors: z.array(fieldError).optional().meta({ description: "Present when rejected: one entry per problem" }),
  })
  .meta({ id: "CustomerResult" });

export const customersResponseSchema = z
  .strictObject({ results: z.array(customerResultSchema).max(MAX_BATCH).meta({ description: "One result per item, in the order sent" }) })
  .meta({
    id: "CustomersResponse",
    example: {
      results: [
        { externalId: "CRM-1001", status: "created" },
        { externalId: "CRM-1002", status: "rejected", errors: [{ path: "ownerEmail", message: "No active sales rep has this email" }] },
      ],
    },
  });
export type CustomersResponse = z.infer<typeof customersResponseSchema>;

export const contactFeedbackLinkSchema = z
  .strictObject({
    link: z.enum(["explicit", "attributed", "unlinked"]).meta({
      description: "explicit: the payload's recommendationId; attributed: the customer's latest accepted or done suggestion within the attribution window; unlinked: none",
    }),
    recommendationId: z.guid().nullable(),
    actionKey: z.string().nullable(),
  })
  .meta({ id: "ContactFeedbackLink" });

export const eventResultSchema = z
  .strictObject({
    index: z.int().min(0).meta({ description: "Position of the item in the request" }),
    status: z.enum(["recorded", "duplicate", "rejected"]).meta({ description: "duplicate: the same idempotencyKey came before with the same event (recorded once)" }),
    code: z.literal("IDEMPOTENCY_KEY_REUSED").optional().meta({ description: "Rejected because the idempotencyKey came before with a different event" }),
    errors: z.array(fieldError).optional(),
    feedback: contactFeedbackLinkSchema.optional().meta({ description: "A recorded CONTACT_FEEDBACK item: the suggestion it was linked to" }),
  })
  .meta({ id: "EventResult" });

export const eventsResponseSchema = z
  .strictObject({
    results: z.array(eventResultSchema).max(MAX_BATCH).meta({ description: "One result per item, in the order sent" }),
    rescored: z.array(z.string()).meta({ description: "externalIds of the customers re-scored by this request" }),
  })
  .meta({
    id: "EventsResponse",
    example: {
      results: [
        { index: 0, status: "recorded" },
        { index: 1, status: "duplicate" },
        { index: 2, status: "rejected", errors: [{ path: "customerExternalId", message: "No customer has this externalId; send it to /api/v1/customers first" }] },
      ],
      rescored: ["CRM-1001"],
    },
  });
export type EventsResponse = z.infer<typeof eventsResponseSchema>;

export const EVENT_JOB_STATES = ["queued", "active", "completed", "failed"] as const;

export const eventJobSchema = z
  .strictObject({
    jobId: z.guid(),
    status: z.enum(EVENT_JOB_STATES).meta({ description: "queued (waiting for a worker, or for a retry), active, completed (results and rescored are set), failed (after its retries; error is set)" }),
    statusUrl: z.string().meta({ description: "Where to ask for the job's status (GET, the same API key)" }),
    items: z.int().min(1).max(MAX_BATCH).meta({ description: "Items sent in the request" }),
    results: z.array(eventResultSchema).max(MAX_BATCH).optional().meta({ description: "Completed: one result per item, in the order sent, as the synchronous answer gives them" }),
    rescored: z.array(z.string()).optional().meta({ description: "Completed: externalIds of the customers re-scored" }),
    error: z.string().optional().meta({ description: "Failed: why" }),
  })
  .meta({
    id: "EventJob",
    example: { jobId: "5b0c1f9e-6a51-4d0c-9f7e-2f1a9e6c8d10", status: "completed", statusUrl: "/api/v1/events/jobs/5b0c1f9e-6a51-4d0c-9f7e-2f1a9e6c8d10", items: 1, results: [{ index: 0, status: "recorded" }], rescored: ["CRM-1001"] },
  });
export type EventJob = z.infer<typeof eventJobSchema>;

export const apiRecommendationSchema = z
  .strictObject({
    id: z.guid(),
    actionKey: z.string(),
    actionName: z.string(),
    category: z.string(),
    purpose: z.enum(CONTACT_PURPOSES).meta({ description: "The consent the action needs: SERVICE (service contact) or MARKETING (marketing offers)" }),
    message: z.string(),
    score: z.number(),
    propensity: z.number(),
    expectedValue: z.number(),
    reasons: z.array(z.strictObject({ code: z.string(), text: z.string() })),
    status: z.enum(OPEN_STATUSES),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "Recommendation" });

export const recommendationsResponseSchema = z
  .strictObject({ recommendations: z.array(apiRecommendationSchema).meta({ description: "Open recommendations, best first" }) })
  .meta({
    id: "RecommendationsResponse",
    example: {
      recommendations: [
        {
          id: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10",
          actionKey: "winback_call",
          actionName: "Win-back call",
          category: "RETENTION",
          purpose: "SERVICE",
          message: "Call Ada: no purchase for 120 days",
          score: 212.5,
          propensity: 0.31,
          expectedValue: 124,
          reasons: [{ code: "days_since_purchase", text: "No purchase for 120 days" }],
          status: "PENDING",
          createdAt: "2026-12-01T09:00:00.000Z",
          expiresAt: "2026-12-08T09:00:00.000Z",
        },
      ],
    },
  });
export type RecommendationsResponse = z.infer<typeof recommendationsResponseSchema>;

export const feedbackResponseSchema = z
  .strictObject({ recommendation: z.strictObject({ id: z.guid(), status: z.enum(RECOMMENDATION_STATUSES) }) })
  .meta({ id: "FeedbackResponse", example: { recommendation: { id: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10", status: "ACCEPTED" } } });
export type FeedbackResponse = z.infer<typeof feedbackResponseSchema>;

export const embedTokenResponseSchema = z
  .strictObject({
    token: z.string().meta({ description: "Signed token that opens the panel for this rep and customer for 5 minutes" }),
    expiresAt: z.iso.datetime().meta({ description: "When the token stops opening the panel" }),
    path: z.string().meta({ description: "Path (with the token) to put in the iframe's src, after the app's origin" }),
  })
  .meta({
    id: "EmbedToken",
    example: { token: "eyJ0eXAiOiJleGNoYW5nZSJ9.c2lnbmF0dXJl", expiresAt: "2026-12-01T09:35:00.000Z", path: "/embed/customers/CRM-1001?token=eyJ0eXAiOiJleGNoYW5nZSJ9.c2lnbmF0dXJl" },
  });
export type EmbedTokenResponse = z.infer<typeof embedTokenResponseSchema>;

export const consentStateSchema = z
  .strictObject({
    SERVICE: z.boolean().meta({ description: "May be contacted about service (account, renewals, meetings, tickets, relationship care)" }),
    MARKETING: z.boolean().meta({ description: "May be offered products and discounts" }),
    PROFILING: z.boolean().meta({ description: "May be scored on their own behaviour; false: the segment's estimates are used" }),
  })
  .meta({ id: "ConsentState", description: "Whether each purpose may be used now (a purpose is withdrawn when every channel's latest record withdraws it)" });

export const consentResponseSchema = z
  .strictObject({
    consent: consentStateSchema,
    withdrawn: z.number().int().min(0).meta({ description: "Open recommendations withdrawn in this request because their purpose lost consent" }),
  })
  .meta({ id: "ConsentResponse", example: { consent: { SERVICE: true, MARKETING: false, PROFILING: true }, withdrawn: 1 } });
export type ConsentResponse = z.infer<typeof consentResponseSchema>;

export const customerExportSchema = z
  .strictObject({
    exportedAt: z.iso.datetime(),
    customerId: z.guid(),
    tables: z
      .record(z.string(), z.array(z.record(z.string(), z.unknown())))
      .meta({ description: "Every row of every table that refers to the customer (directly or through another such table), by table name, as stored" }),
  })
  .meta({
    id: "CustomerExport",
    example: { exportedAt: "2026-12-02T10:00:00.000Z", customerId: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10", tables: { Customer: [{ id: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10", name: "Ada Lovelace" }], CustomerEvent: [] } },
  });
export type CustomerExportResponse = z.infer<typeof customerExportSchema>;

export const erasureResponseSchema = z
  .strictObject({
    customerId: z.guid(),
    erasedAt: z.iso.datetime(),
    alreadyErased: z.boolean(),
  })
  .meta({ id: "ErasureResponse", example: { customerId: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10", erasedAt: "2026-12-02T10:00:00.000Z", alreadyErased: false } });
export type ErasureResponse = z.infer<typeof erasureResponseSchema>;
