import { z } from "zod";
import { apiCustomerSchema, apiEventSchema, contactFeedbackPayloadSchema, embedTokenRequestSchema, MAX_BATCH, MAX_BODY_BYTES } from "./api";
import { apiFeedbackSchema } from "./api-feedback";
import { OPEN_STATUSES } from "@/lib/domain/vocabulary";

// The OpenAPI document of /api/v1, built from the same zod schemas the routes use.
const json = (schema: z.ZodType) => z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "any" });

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        details: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
};
const errorBody = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
const errors = {
  "400": { description: "Malformed body (empty, not UTF-8, not JSON, wrong shape, a field Postgres could not store); details name each problem", content: errorBody },
  "413": { description: `More than ${MAX_BATCH} items, or a body over ${MAX_BODY_BYTES} bytes`, content: errorBody },
  "415": { description: "A declared content type that is not JSON", content: errorBody },
  "401": { description: "Missing, unknown or revoked API key", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "403": { description: "The key lacks the scope", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
};
const recommendation = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    actionKey: { type: "string" },
    actionName: { type: "string" },
    category: { type: "string" },
    message: { type: "string" },
    score: { type: "number" },
    propensity: { type: "number" },
    expectedValue: { type: "number" },
    reasons: { type: "array", items: { type: "object", properties: { code: { type: "string" }, text: { type: "string" } } } },
    status: { type: "string", enum: [...OPEN_STATUSES] },
    createdAt: { type: "string", format: "date-time" },
    expiresAt: { type: "string", format: "date-time" },
  },
};

/** The CONTACT_FEEDBACK payload, with what each field means. */
function contactFeedbackPayload() {
  const schema = json(contactFeedbackPayloadSchema) as { properties?: Record<string, Record<string, unknown>>; description?: string };
  const say: Record<string, string> = {
    csat: "Customer satisfaction with the contact: 1 (very unsatisfied) to 5 (very satisfied)",
    verdict: "How the customer judged the contact",
    comment: "The customer's words, as given",
    recommendationId: "The suggestion that led to the contact (must belong to the same customer); omitted: the latest accepted or done one within the attribution window",
  };
  for (const [k, text] of Object.entries(say)) if (schema.properties?.[k]) schema.properties[k] = { ...schema.properties[k], description: text };
  return { ...schema, description: "Payload of a CONTACT_FEEDBACK event: csat, verdict or both are required" };
}

export function openApiDocument(serverUrl: string) {
  const batch = (key: string, ref: string) => ({
    type: "object",
    required: [key],
    properties: { [key]: { type: "array", maxItems: MAX_BATCH, items: { $ref: `#/components/schemas/${ref}` } } },
  });
  return {
    openapi: "3.0.3",
    info: { title: "Nudge API", version: "1.0.0", description: "Push customers and events; read recommendations; record reactions. Authenticate with `Authorization: Bearer <api key>`." },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key created by an admin (npm run apikey:create)" } },
      schemas: { Customer: json(apiCustomerSchema), Event: json(apiEventSchema), Feedback: json(apiFeedbackSchema), ContactFeedbackPayload: contactFeedbackPayload(), Recommendation: recommendation, Error: error },
    },
    paths: {
      "/api/v1/customers": {
        post: {
          summary: "Create or update customers by externalId (scope customers:write)",
          requestBody: { required: true, content: { "application/json": { schema: batch("customers", "Customer") } } },
          responses: {
            "200": { description: "One result per item, in order: created, updated or rejected with errors" },
            ...errors,
          },
        },
      },
      "/api/v1/events": {
        post: {
          summary: "Record events and re-score the customers they touch (scope events:write)",
          description:
            "A CONTACT_FEEDBACK event is a customer's feedback on a contact; its payload is a ContactFeedbackPayload. Linked to `recommendationId` when given (it must be a suggestion of the same customer), else to the customer's latest accepted or done suggestion decided within the attribution window before `occurredAt`; the item's result carries `feedback`.",
          requestBody: { required: true, content: { "application/json": { schema: batch("events", "Event") } } },
          responses: {
            "200": {
              description:
                "results: recorded, duplicate (same idempotencyKey and event) or rejected (errors; code IDEMPOTENCY_KEY_REUSED when the key came with another event), per item in order; rescored: externalIds. A recorded CONTACT_FEEDBACK item also has feedback: { link: explicit | attributed | unlinked, recommendationId, actionKey } (null ids when unlinked)",
            },
            ...errors,
          },
        },
      },
      "/api/v1/customers/{externalId}/recommendations": {
        get: {
          summary: "Open recommendations of a customer, best first (scope recommendations:read)",
          parameters: [{ name: "externalId", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "Open recommendations", content: { "application/json": { schema: { type: "object", properties: { recommendations: { type: "array", items: { $ref: "#/components/schemas/Recommendation" } } } } } } },
            "404": { description: "Unknown customer (or an externalId over 100 characters)" },
            ...errors,
          },
        },
      },
      "/api/v1/recommendations/{id}/feedback": {
        post: {
          summary: "Record a rep's reaction from another system (scope feedback:write)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Feedback" } } } },
          responses: {
            "200": { description: "The recommendation's new status" },
            "404": { description: "Unknown recommendation" },
            "409": { description: "The reaction does not apply to its current status" },
            "422": { description: "IDEMPOTENCY_KEY_REUSED: the idempotencyKey was used before with a different request", content: errorBody },
            ...errors,
          },
        },
      },
      "/api/v1/embed-tokens": {
        post: {
          summary: "A 5-minute token that opens the embed panel for one rep and one of their customers inside a CRM's frame, without cookies (scope embed:issue)",
          description: "Call it from the CRM's server, never the browser. Put `path` (after Nudge's origin) in the iframe's src; the panel then keeps an 8-hour frame token for that customer only.",
          requestBody: { required: true, content: { "application/json": { schema: json(embedTokenRequestSchema) } } },
          responses: {
            "200": { description: "{ token, expiresAt, path }" },
            "404": { description: "No active user with repEmail, or that user may not see the customer" },
            ...errors,
          },
        },
      },
      "/api/health": { get: { security: [], summary: "Liveness and database reachability", responses: { "200": { description: "ok" }, "503": { description: "database down" } } } },
    },
  };
}
