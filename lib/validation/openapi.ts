import { z } from "zod";
import { apiCustomerSchema, apiEventSchema, contactFeedbackPayloadSchema, embedTokenRequestSchema, MAX_BATCH, MAX_BODY_BYTES } from "./api";
import { apiFeedbackSchema } from "./api-feedback";
import { consentRequestSchema } from "./consent";
import { RESPONSE_COMPONENTS } from "./api-responses";
import { IMPORT_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, REQUIRED_COLUMNS } from "./customer-import";
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT } from "./feeds";

// The OpenAPI document of /api/v1 (served at /api/v1/openapi.json), built from
// the same zod schemas the routes parse requests with and type responses
// against (lib/validation/api-responses.ts). Every operation has an operationId,
// every response a schema and an example; tests/integration/api-contract.test.ts
// lints it with Redocly CLI and drives every operation through a client
// generated from it, validating each answer against it.

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "any" });

/** The response components (zod schemas with `.meta({ id })`), with `$ref`s between them (OpenAPI 3.0 has no `$id`). */
function responseSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { target: "openapi-3.0", io: "output", uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    RESPONSE_COMPONENTS.map((id) => {
      const schema = schemas[id];
      if (!schema) throw new Error(`No response schema has the id ${id}`);
      return [id, nullableEnums(Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$id")))];
    }),
  );
}

/** OpenAPI 3.0: a nullable enum must list null among its values to allow it. */
function nullableEnums<T>(node: T): T {
  if (Array.isArray(node)) return node.map(nullableEnums) as T;
  if (node === null || typeof node !== "object") return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableEnums(v)])) as Record<string, unknown>;
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out as T;
}

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
  return { ...schema, description: "Payload of a CONTACT_FEEDBACK event: csat, verdict or both are required", example: { csat: 4, verdict: "HELPFUL" } };
}

/** The Event request schema, its payload documented as a ContactFeedbackPayload for CONTACT_FEEDBACK. */
function eventSchema() {
  const schema = json(apiEventSchema) as { properties?: Record<string, Record<string, unknown>> };
  if (schema.properties?.payload) {
    const { description: _free, ...anyJson } = schema.properties.payload;
    schema.properties.payload = {
      description: "Free JSON about the event; for CONTACT_FEEDBACK a ContactFeedbackPayload",
      anyOf: [ref("ContactFeedbackPayload"), anyJson],
    };
  }
  return schema;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string, example?: unknown) => ({ "application/json": { schema: ref(name), ...(example ? { example } : {}) } });
const errorExample = (code: string, message: string, details?: { path: string; message: string }[]) => ({ error: { code, message, ...(details ? { details } : {}) } });

/** The rate-limit headers every answer to an identified key carries. */
const rateHeaders = {
  "RateLimit-Limit": { $ref: "#/components/headers/RateLimit-Limit" },
  "RateLimit-Remaining": { $ref: "#/components/headers/RateLimit-Remaining" },
  "RateLimit-Reset": { $ref: "#/components/headers/RateLimit-Reset" },
  "RateLimit-Policy": { $ref: "#/components/headers/RateLimit-Policy" },
};

const errorResponse = (description: string, example: unknown, headers: Record<string, unknown> = rateHeaders) => ({
  description,
  headers,
  content: body("Error", example),
});

const responses = {
  BadRequest: errorResponse(
    "Malformed body (empty, not UTF-8, not JSON, wrong shape, a field Postgres could not store) or path parameter; `details` name each problem",
    errorExample("INVALID_BODY", 'The body must be an object with a "customers" array.', [{ path: "customers", message: "Expected an array" }]),
  ),
  Unauthorized: errorResponse("Missing, unknown or revoked API key", errorExample("UNAUTHORIZED", "Send an API key as 'Authorization: Bearer <key>'."), {}),
  Forbidden: errorResponse("The key lacks the operation's scope or purpose (or, for feedback, the rep does not own the suggestion)", errorExample("FORBIDDEN", "This API key lacks the 'events:write' scope.")),
  NotFound: errorResponse("Unknown customer, recommendation or user", errorExample("NOT_FOUND", 'No customer has the externalId "CRM-404".')),
  Conflict: errorResponse("The reaction does not apply to the suggestion's current status", errorExample("CONFLICT", "This suggestion is already done.")),
  IdempotencyKeyReused: errorResponse(
    "IDEMPOTENCY_KEY_REUSED: the idempotencyKey was used before with a different request",
    errorExample("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used with a different request."),
  ),
  PayloadTooLarge: errorResponse(`More than ${MAX_BATCH} items, or a body over ${MAX_BODY_BYTES} bytes`, errorExample("TOO_MANY_ITEMS", `Send at most ${MAX_BATCH} events per call (got 1001); split the batch.`)),
  UnsupportedMediaType: errorResponse("A declared content type that is not JSON", errorExample("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with 'Content-Type: application/json'.")),
  TooManyRequests: errorResponse(
    "RATE_LIMITED: the key used up its requests for this window (RateLimit-* headers), or this client holds most of the server's queue. Retry after Retry-After seconds.",
    errorExample("RATE_LIMITED", "This API key made more than 600 requests in 60 s. Retry after the time in Retry-After."),
    { "Retry-After": { $ref: "#/components/headers/Retry-After" }, ...rateHeaders },
  ),
  Unavailable: errorResponse("UNAVAILABLE: the server is saturated or its database is unreachable; retry after Retry-After seconds", errorExample("UNAVAILABLE", "The server is busy. Try again in a moment."), {
    "Retry-After": { $ref: "#/components/headers/Retry-After" },
  }),
  Internal: errorResponse("INTERNAL: an unexpected failure (logged on the server, details not sent)", errorExample("INTERNAL", "Something went wrong on our side. Try again."), {}),
};

const commonErrors = {
  "400": { $ref: "#/components/responses/BadRequest" },
  "401": { $ref: "#/components/responses/Unauthorized" },
  "403": { $ref: "#/components/responses/Forbidden" },
  "429": { $ref: "#/components/responses/TooManyRequests" },
  "500": { $ref: "#/components/responses/Internal" },
  "503": { $ref: "#/components/responses/Unavailable" },
};
const bodyErrors = { "413": { $ref: "#/components/responses/PayloadTooLarge" }, "415": { $ref: "#/components/responses/UnsupportedMediaType" } };

const FEED_DESCRIPTION =
  "Start without a cursor; pass each page's nextCursor to get the next. While hasMore is true ask again at once; when it is false you are caught up: store nextCursor and poll later. Pages never skip or repeat an entry, even while writes continue (an entry is served once the transaction that wrote it, and every older one, has ended).";
const feedParameters = [
  { name: "cursor", in: "query", required: false, schema: { type: "string", maxLength: 100 }, description: "nextCursor of the previous page; omitted: from the beginning", example: "MTIzNDUuNjc4" },
  { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: FEED_MAX_LIMIT, default: FEED_DEFAULT_LIMIT }, description: "Entries per page" },
];

const externalIdParam = { name: "externalId", in: "path", required: true, schema: { type: "string", minLength: 1 }, example: "CRM-1001" };

const ok = (description: string, schema: string) => ({ description, headers: rateHeaders, content: body(schema) });

export function openApiDocument(serverUrl: string) {
  const batch = (key: string, item: string, example: unknown) => ({
    required: true,
    content: {
      "application/json": {
        schema: { type: "object", required: [key], properties: { [key]: { type: "array", minItems: 1, maxItems: MAX_BATCH, items: ref(item) } } },
        example,
      },
    },
  });
  return {
    openapi: "3.0.3",
    info: {
      title: "Nudge API",
      version: "1.0.0",
      description:
        "Push customers and events; read recommendations; record reactions. Authenticate with `Authorization: Bearer <api key>`. Each key has a request budget per window, announced on every answer in `RateLimit-*` headers; over it the answer is 429 with `Retry-After`.",
      license: { name: "Proprietary", url: `${serverUrl}/` },
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    tags: [
      { name: "customers", description: "Customers and their recommendations" },
      { name: "events", description: "What customers do" },
      { name: "recommendations", description: "Reactions to suggestions" },
      { name: "feeds", description: "Cursor-paginated reads for BI tools and warehouse loaders" },
      { name: "embed", description: "The suggestions panel inside a CRM's frame" },
      { name: "consent", description: "Customer data rights: consent by purpose, export and erasure" },
    ],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key created by an admin (admin UI, or npm run apikey:create)" } },
      headers: {
        "Retry-After": { description: "Seconds to wait before retrying", required: true, schema: { type: "integer", minimum: 0 }, example: 12 },
        "RateLimit-Limit": { description: "Requests this key may make per window (on every answer once the key is identified)", schema: { type: "integer", minimum: 1 }, example: 600 },
        "RateLimit-Remaining": { description: "Requests left in the current window", schema: { type: "integer", minimum: 0 }, example: 599 },
        "RateLimit-Reset": { description: "Seconds until the current window ends and the budget is full again", schema: { type: "integer", minimum: 0 }, example: 42 },
        "RateLimit-Policy": { description: "The key's quota and window in seconds, as `<limit>;w=<seconds>`", schema: { type: "string" }, example: "600;w=60" },
      },
      responses,
      schemas: {
        Customer: { ...json(apiCustomerSchema), example: { externalId: "CRM-1001", name: "Ada Lovelace", segment: "SMB", ownerEmail: "rep@example.org", lifetimeValue: 1200 } },
        Event: { ...eventSchema(), example: { customerExternalId: "CRM-1001", type: "PURCHASE", occurredAt: "2026-12-01T09:30:00.000Z", amount: 250, idempotencyKey: "order-1001" } },
        Feedback: { ...json(apiFeedbackSchema), example: { kind: "ACCEPT", actorEmail: "rep@example.org", idempotencyKey: "crm-click-1" } },
        ContactFeedbackPayload: contactFeedbackPayload(),
        EmbedTokenRequest: { ...json(embedTokenRequestSchema), example: { repEmail: "rep@example.org", customerExternalId: "CRM-1001" } },
        ConsentRequest: { ...json(consentRequestSchema), example: { changes: [{ purpose: "MARKETING", granted: false, source: "unsubscribe link" }] } },
        ...responseSchemas(),
      },
    },
    paths: {
      "/api/v1/customers": {
        post: {
          operationId: "upsertCustomers",
          tags: ["customers"],
          summary: "Create or update customers by externalId (scope customers:write)",
          description: "Each item is validated on its own: a bad item is rejected with its errors and the others are written.",
          requestBody: batch("customers", "Customer", { customers: [{ externalId: "CRM-1001", name: "Ada Lovelace", segment: "SMB", ownerEmail: "rep@example.org" }] }),
          responses: { "200": ok("One result per item, in order: created, updated or rejected with errors", "CustomersResponse"), ...commonErrors, ...bodyErrors },
        },
      },
      "/api/v1/customers/import": {
        post: {
          operationId: "importCustomersCsv",
          tags: ["customers"],
          summary: "Import a CSV file of customers, created or updated by externalId (scope customers:write)",
          description: `The first line names the columns (case, spaces, _ and - ignored): required ${REQUIRED_COLUMNS.join(", ")}; optional ${IMPORT_COLUMNS.filter((c) => !(REQUIRED_COLUMNS as readonly string[]).includes(c)).join(", ")}; other columns are ignored and listed in ignoredColumns. RFC 4180: comma-separated, fields in double quotes may hold commas, line breaks and doubled quotes; CRLF or LF; a UTF-8 byte order mark is fine. Each row is checked as an item of upsertCustomers; an empty cell leaves an optional field out (an existing customer keeps its value); booleans are true/false, yes/no or 1/0. Good rows are written (an import run twice updates, never duplicates), bad ones listed by line and field. At most ${MAX_IMPORT_ROWS} rows and ${MAX_IMPORT_BYTES} bytes per file. A problem of the whole file (no header, a required column missing, a quote never closed) is a 400 naming the line. Columns named otherwise: see the columns parameter.`,
          parameters: [
            { name: "dryRun", in: "query", required: false, schema: { type: "boolean", default: false }, description: "true: check every row (owners included) and write nothing" },
            {
              name: "columns",
              in: "query",
              required: false,
              schema: { type: "string", maxLength: 4000 },
              description: `A JSON object mapping fields to the file's own column names, for headers named otherwise (a CRM export's "Account ID"): field -> the column as written in the header (spaces around it ignored), or null to leave the field out even if a column is named like it. Fields: ${IMPORT_COLUMNS.join(", ")}. A field not named is matched by its name among the remaining columns, as without the parameter. Not a JSON object of these fields: 400 INVALID_PARAMETER. A mapping that does not fit the file (a column the header lacks or has twice, one column for two fields, a required field without a column): 400 INVALID_BODY, with one detail per field (path columns.<field>), before anything is written.`,
              example: JSON.stringify({ externalId: "Account ID", name: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email" }),
            },
          ],
          requestBody: {
            required: true,
            content: {
              "text/csv": {
                schema: { type: "string", maxLength: MAX_IMPORT_BYTES },
                example: "externalId,name,segment,ownerEmail,lifetimeValue,company\r\nCRM-1001,Ada Lovelace,SMB,rep@example.org,1200.50,\"Analytical Engines, Ltd\"\r\n",
              },
            },
          },
          responses: {
            "200": ok("What was written (or, with dryRun, would be) and every bad row by line and field", "CustomerImportResult"),
            ...commonErrors,
            "413": errorResponse(`A file over ${MAX_IMPORT_BYTES} bytes or ${MAX_IMPORT_ROWS} rows`, errorExample("TOO_MANY_ITEMS", `Line ${MAX_IMPORT_ROWS + 2}: The file has ${(MAX_IMPORT_ROWS + 1).toLocaleString("en-US")} rows; at most ${MAX_IMPORT_ROWS.toLocaleString("en-US")} per file. Split it and import the parts one after the other.`)),
            "415": errorResponse("A content type other than text/csv", errorExample("UNSUPPORTED_MEDIA_TYPE", "Send the file as CSV with 'Content-Type: text/csv'.")),
          },
        },
      },
      "/api/v1/events": {
        post: {
          operationId: "recordEvents",
          tags: ["events"],
          summary: "Record events and re-score the customers they touch (scope events:write)",
          description:
            "A CONTACT_FEEDBACK event is a customer's feedback on a contact; its payload is a ContactFeedbackPayload. Linked to `recommendationId` when given (it must be a suggestion of the same customer), else to the customer's latest accepted or done suggestion decided within the attribution window before `occurredAt`; the item's result carries `feedback`.",
          requestBody: batch("events", "Event", {
            events: [
              { customerExternalId: "CRM-1001", type: "PURCHASE", occurredAt: "2026-12-01T09:30:00.000Z", amount: 250, idempotencyKey: "order-1001" },
              { customerExternalId: "CRM-1001", type: "CONTACT_FEEDBACK", occurredAt: "2026-12-01T10:00:00.000Z", payload: { csat: 4, verdict: "HELPFUL" } },
            ],
          }),
          parameters: [
            {
              name: "Prefer",
              in: "header",
              required: false,
              schema: { type: "string", enum: ["respond-async"] },
              description:
                "respond-async: queue the batch for a worker (`npm run worker`) and answer 202 at once with the job to poll, instead of recording and re-scoring before the answer. The body is checked as a batch first (400, 413, 415 as without it); each item is checked when the job runs, and its result is in the job's status. Items without an idempotencyKey get job:<jobId>:<index>, so a retried job never records one twice. On a server without Postgres (the embedded database) the preference is ignored and the answer is 200.",
            },
          ],
          responses: {
            "200": ok("results: recorded, duplicate (same idempotencyKey and event) or rejected (errors; code IDEMPOTENCY_KEY_REUSED when the key came with another event), per item in order; rescored: externalIds", "EventsResponse"),
            "202": {
              description: "Queued (Prefer: respond-async): poll statusUrl, also in Location, with the same key",
              headers: { ...rateHeaders, Location: { description: "The job's status URL", schema: { type: "string" } }, "Preference-Applied": { description: "respond-async", schema: { type: "string" } } },
              content: { "application/json": { schema: ref("EventJob"), example: { jobId: "5b0c1f9e-6a51-4d0c-9f7e-2f1a9e6c8d10", status: "queued", statusUrl: "/api/v1/events/jobs/5b0c1f9e-6a51-4d0c-9f7e-2f1a9e6c8d10", items: 2 } } },
            },
            ...commonErrors,
            ...bodyErrors,
          },
        },
      },
      "/api/v1/events/jobs/{id}": {
        get: {
          operationId: "getEventJob",
          tags: ["events"],
          summary: "The status of an events batch queued with Prefer: respond-async (scope events:write, the key that queued it)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" }, example: "5b0c1f9e-6a51-4d0c-9f7e-2f1a9e6c8d10" }],
          responses: {
            "200": ok("queued, active, completed (with each item's result and the re-scored customers) or failed (with why)", "EventJob"),
            "404": { $ref: "#/components/responses/NotFound" },
            ...commonErrors,
          },
        },
      },
      "/api/v1/customers/{externalId}/recommendations": {
        get: {
          operationId: "listCustomerRecommendations",
          tags: ["customers"],
          summary: "Open recommendations of a customer, best first (scope recommendations:read)",
          parameters: [{ name: "externalId", in: "path", required: true, schema: { type: "string", minLength: 1 }, example: "CRM-1001" }],
          responses: {
            "200": ok("Open recommendations", "RecommendationsResponse"),
            "404": { $ref: "#/components/responses/NotFound" },
            ...commonErrors,
          },
        },
      },
      "/api/v1/customers/{externalId}/consent": {
        post: {
          operationId: "recordConsent",
          tags: ["consent"],
          summary: "Give or withdraw a customer's consent by purpose and channel (scope consent:write)",
          description:
            "Purposes: SERVICE (contact about their account, renewals, meetings, tickets), MARKETING (offers and discounts), PROFILING (the customer's own behaviour may personalise the engine's estimates; without it they get their segment's). A change without `channel` applies to every channel (EMAIL, PHONE, IN_PERSON); PROFILING has no channel. Records are appended to the customer's consent history. A purpose is withdrawn when every channel's latest record withdraws it; its open recommendations are then withdrawn in the same request and none is made while it stays withdrawn. A key limited to some purposes may record only those (403).",
          parameters: [externalIdParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("ConsentRequest"), example: { changes: [{ purpose: "MARKETING", granted: false, source: "unsubscribe link" }] } } },
          },
          responses: { "200": ok("The customer's consent now, and how many open recommendations were withdrawn", "ConsentResponse"), "404": { $ref: "#/components/responses/NotFound" }, ...commonErrors, ...bodyErrors },
        },
      },
      "/api/v1/customers/{externalId}/export": {
        get: {
          operationId: "exportCustomer",
          tags: ["consent"],
          summary: "All of one customer's data as one JSON document (scope customers:export, a key without purpose limit)",
          description: "Every row of every table that refers to the customer: profile, consent history, events, recommendations, reactions and notes, contact feedback, holdout arms, the access record. The export is recorded in the access record.",
          parameters: [externalIdParam],
          responses: { "200": ok("The customer's data", "CustomerExport"), "404": { $ref: "#/components/responses/NotFound" }, ...commonErrors },
        },
      },
      "/api/v1/customers/{externalId}": {
        delete: {
          operationId: "eraseCustomer",
          tags: ["consent"],
          summary: "Erase a customer's personal data (scope customers:erase, a key without purpose limit)",
          description:
            "Removes or irreversibly anonymises the customer's personal data everywhere (profile, event payloads, suggestion texts, reps' notes, customers' comments, consent sources, webhook payloads); counts and totals stay as they were. The externalId no longer resolves afterwards, so a repeat answers 404. Recorded in the audit log (without the erased data) and the access record.",
          parameters: [externalIdParam],
          responses: { "200": ok("The customer was erased", "ErasureResponse"), "404": { $ref: "#/components/responses/NotFound" }, ...commonErrors },
        },
      },
      "/api/v1/feeds/reactions": {
        get: {
          operationId: "listReactionsFeed",
          tags: ["feeds"],
          summary: "Reactions recorded after a cursor, oldest first (scope feeds:read)",
          description: FEED_DESCRIPTION,
          parameters: feedParameters,
          responses: { "200": ok("A page of reactions", "ReactionsFeedPage"), ...commonErrors },
        },
      },
      "/api/v1/feeds/outcomes": {
        get: {
          operationId: "listOutcomesFeed",
          tags: ["feeds"],
          summary: "Recommendations created or changed (status, purchase, conversion, credited revenue) after a cursor (scope feeds:read)",
          description: `${FEED_DESCRIPTION} A recommendation appears again each time its status or outcome changes, with its state at the time of reading.`,
          parameters: feedParameters,
          responses: { "200": ok("A page of recommendation states", "OutcomesFeedPage"), ...commonErrors },
        },
      },
      "/api/v1/embed-tokens": {
        post: {
          operationId: "issueEmbedToken",
          tags: ["embed"],
          summary: "A 5-minute token that opens the embed panel for one rep and one of their customers (scope embed:issue)",
          description: "The CRM's server asks for it when it renders a customer record and puts the answer's path, after the app's origin, in the iframe's src. The rep must be an active user who may see the customer.",
          requestBody: { required: true, content: body("EmbedTokenRequest") },
          responses: {
            "200": ok("The token, when it expires, and the path to frame", "EmbedToken"),
            "404": { $ref: "#/components/responses/NotFound" },
            ...commonErrors,
            ...bodyErrors,
          },
        },
      },
      "/api/v1/recommendations/{id}/feedback": {
        post: {
          operationId: "recordRecommendationFeedback",
          tags: ["recommendations"],
          summary: "Record a rep's reaction from another system (scope feedback:write)",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" }, example: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10" }],
          requestBody: { required: true, content: body("Feedback") },
          responses: {
            "200": ok("The recommendation's new status", "FeedbackResponse"),
            "404": { $ref: "#/components/responses/NotFound" },
            "409": { $ref: "#/components/responses/Conflict" },
            "422": { $ref: "#/components/responses/IdempotencyKeyReused" },
            ...commonErrors,
            ...bodyErrors,
          },
        },
      },
    },
  };
}
