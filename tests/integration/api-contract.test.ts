import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TYPES_FILE, apiTypesSource } from "@/scripts/lib/api-types";
import { apiClient, contractChecker, type ContractChecker, type Routes } from "../support/api-contract";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The API as an integrator meets it: the served OpenAPI document passes Redocly
// CLI's lint with no problem, the committed client types are what
// openapi-typescript makes of it today, and every operation's success and
// error answers, driven through an openapi-fetch client, match the document.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_contract") : null;
if (own) process.env.DATABASE_URL = own.url;
// A small admission queue, so the test can fill it and see 503 and 429.
process.env.ADMISSION_QUEUE_SIZE = "2";
process.env.NEXTAUTH_SECRET ??= "contract-test-secret-0123456789"; // signs embed tokens

const { createApiKey } = await import("@/lib/data/api-keys");
const { db } = await import("@/lib/data/db");
const { admission } = await import("@/lib/auth/admission");
const { createBoss } = await import("@/lib/services/batch-queue");
const { ensureEventQueues, workEvents } = await import("@/lib/services/event-jobs");
const openapiRoute = await import("@/app/api/v1/openapi.json/route");
const routes: Routes = {
  "/api/v1/customers": await import("@/app/api/v1/customers/route"),
  "/api/v1/customers/import": await import("@/app/api/v1/customers/import/route"),
  "/api/v1/embed-tokens": await import("@/app/api/v1/embed-tokens/route"),
  "/api/v1/events": await import("@/app/api/v1/events/route"),
  "/api/v1/events/jobs/{id}": await import("@/app/api/v1/events/jobs/[id]/route"),
  "/api/v1/customers/{externalId}/recommendations": await import("@/app/api/v1/customers/[externalId]/recommendations/route"),
  "/api/v1/recommendations/{id}/feedback": await import("@/app/api/v1/recommendations/[id]/feedback/route"),
  "/api/v1/feeds/reactions": await import("@/app/api/v1/feeds/reactions/route"),
  "/api/v1/feeds/outcomes": await import("@/app/api/v1/feeds/outcomes/route"),
  "/api/v1/customers/{externalId}/consent": await import("@/app/api/v1/customers/[externalId]/consent/route"),
  "/api/v1/customers/{externalId}/export": await import("@/app/api/v1/customers/[externalId]/export/route"),
  "/api/v1/customers/{externalId}": await import("@/app/api/v1/customers/[externalId]/route"),
};

const DAY = 86_400_000;
const run = promisify(execFile);
const served = async (origin = "https://nudge.acme.test") => (await openapiRoute.GET(new Request(`${origin}/api/v1/openapi.json`)).json()) as Record<string, unknown> & { paths: Record<string, Record<string, OperationDoc>> };
type OperationDoc = { operationId?: string; responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown; example?: unknown }> }> };

/** Runs Redocly CLI's lint (recommended rules, offline) on a document; its problems. */
async function redoclyLint(doc: unknown): Promise<{ totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), "nudge-openapi-"));
  try {
    const file = path.join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(doc));
    const bin = path.join(process.cwd(), "node_modules", ".bin", "redocly");
    const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
    const out = await run(bin, ["lint", file, "--format=json"], { env, maxBuffer: 10 * 1024 * 1024 }).catch((err: { stdout?: string; code?: number }) => {
      if (typeof err.stdout === "string" && err.stdout.includes("totals")) return { stdout: err.stdout }; // exit 1: errors found
      throw err;
    });
    return JSON.parse(out.stdout.slice(out.stdout.indexOf("{")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the served OpenAPI document", () => {
  it("passes Redocly CLI's lint with no error and no warning", async () => {
    const report = await redoclyLint(await served());
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it("the lint finds a broken document (the check can fail)", async () => {
    const doc = await served();
    const post = doc.paths["/api/v1/customers"]!.post!;
    delete post.operationId;
    (post.responses["200"] as Record<string, unknown>).content = { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } };
    const report = await redoclyLint(doc);
    expect(report.totals.errors).toBeGreaterThan(0);
    expect(report.problems.map((p) => p.ruleId)).toEqual(expect.arrayContaining(["operation-operationId", "no-unresolved-refs"]));
  }, 60_000);

  it("every operation has a unique operationId and every response a JSON schema and an example", async () => {
    const doc = (await served()) as Awaited<ReturnType<typeof served>> & { components: { responses: Record<string, OperationDoc["responses"][string]>; schemas: Record<string, { example?: unknown }> } };
    const ids: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${p}`).toMatch(/^[a-z][A-Za-z]+$/);
        ids.push(op.operationId!);
        for (const [status, r] of Object.entries(op.responses)) {
          const resolved = r.$ref ? doc.components.responses[r.$ref.split("/").pop()!]! : r;
          const media = resolved.content?.["application/json"];
          expect(media?.schema, `${op.operationId} ${status}`).toBeDefined();
          const ref = (media!.schema as { $ref?: string }).$ref;
          const example = media!.example ?? (ref ? doc.components.schemas[ref.split("/").pop()!]?.example : undefined);
          expect(example, `${op.operationId} ${status} example`).toBeDefined();
        }
        for (const status of ["400", "401", "403", "429", "500", "503"]) expect(Object.keys(op.responses), `${op.operationId}`).toContain(status);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(Object.keys(routes).length);
  });

  it("the committed client types are what openapi-typescript generates from it today (npm run api:types)", async () => {
    const committed = readFileSync(path.join(process.cwd(), API_TYPES_FILE), "utf8");
    expect(committed).toBe(await apiTypesSource(await served("http://localhost")));
  });
});

describe.skipIf(!reachable)("/api/v1 through a generated client", () => {
  let contract: ContractChecker;
  let fullKey = "";
  let readOnlyKey = "";
  let repEmail = "";
  let recId = "";

  beforeAll(async () => {
    contract = contractChecker((await served()) as unknown as Parameters<typeof contractChecker>[0]);
    const rep = await db().user.create({ data: { email: "rep@contract.test", name: "Contract Rep", role: "REP", passwordHash: "x" } });
    repEmail = rep.email;
    await db().user.create({ data: { email: "other@contract.test", name: "Other Rep", role: "REP", passwordHash: "x" } });
    await db().actionType.create({
      data: { key: "winback_call", name: "Win-back call", category: "RETENTION", description: "", messageTemplate: "Call {{firstName}}", rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 }, businessValue: 400, controlGroupPct: 0 },
    });
    fullKey = (await createApiKey("contract full")).key;
    readOnlyKey = (await createApiKey("contract read", ["recommendations:read"])).key;
  });
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });
  afterAll(() => {
    // Whatever was driven, nothing answered outside the document.
    expect(contract.failures).toEqual([]);
  });

  const customers = "/api/v1/customers" as const;
  const events = "/api/v1/events" as const;
  const recs = "/api/v1/customers/{externalId}/recommendations" as const;
  const feedback = "/api/v1/recommendations/{id}/feedback" as const;
  const reactionsFeed = "/api/v1/feeds/reactions" as const;
  const outcomesFeed = "/api/v1/feeds/outcomes" as const;
  const importCsv = "/api/v1/customers/import" as const;
  const embedTokens = "/api/v1/embed-tokens" as const;
  /** Sends `csv` as the text/csv body of importCustomersCsv. */
  const postCsv = (client: ReturnType<typeof apiClient>, csv: string, opts: { dryRun?: boolean; contentType?: string; columns?: string } = {}) =>
    client.POST(importCsv, {
      params: { query: { ...(opts.dryRun === undefined ? {} : { dryRun: opts.dryRun }), ...(opts.columns === undefined ? {} : { columns: opts.columns }) } },
      body: csv,
      bodySerializer: (b: string) => b,
      headers: { "content-type": opts.contentType ?? "text/csv" },
    });
  const consent = "/api/v1/customers/{externalId}/consent" as const;
  const exportPath = "/api/v1/customers/{externalId}/export" as const;
  const erase = "/api/v1/customers/{externalId}" as const;
  const eventJob = "/api/v1/events/jobs/{id}" as const;

  it("upsertCustomers: 200 with per-item results, 400, 401, 403, 413, 415", async () => {
    const client = apiClient(routes, fullKey);
    const ok = await client.POST(customers, {
      body: {
        customers: [
          { externalId: "C-1", name: "Ada Lapsed", segment: "SMB", ownerEmail: repEmail },
          { externalId: "C-2", name: "", segment: "SMB", ownerEmail: "ghost@contract.test" },
        ],
      },
    });
    expect(contract.check(customers, "post", ok.response, ok.data)).toEqual([]);
    expect(ok.data?.results.map((r) => r.status)).toEqual(["created", "rejected"]);
    expect(ok.response.headers.get("RateLimit-Limit")).toBe("600");

    const malformed = await client.POST(customers, { body: { customers: [] }, bodySerializer: () => "{not json" });
    expect(malformed.response.status).toBe(400);
    expect(contract.check(customers, "post", malformed.response, malformed.error)).toEqual([]);
    expect(malformed.error?.error.code).toBe("INVALID_JSON");

    const anonymous = await apiClient(routes, null).POST(customers, { body: { customers: [{ externalId: "C-9", name: "N", segment: "SMB", ownerEmail: repEmail }] } });
    expect(anonymous.response.status).toBe(401);
    expect(contract.check(customers, "post", anonymous.response, anonymous.error)).toEqual([]);

    const unscoped = await apiClient(routes, readOnlyKey).POST(customers, { body: { customers: [{ externalId: "C-9", name: "N", segment: "SMB", ownerEmail: repEmail }] } });
    expect(unscoped.response.status).toBe(403);
    expect(contract.check(customers, "post", unscoped.response, unscoped.error)).toEqual([]);

    const tooMany = await client.POST(customers, { body: { customers: Array.from({ length: 1001 }, (_, i) => ({ externalId: `X-${i}`, name: "X", segment: "SMB", ownerEmail: repEmail })) } });
    expect(tooMany.response.status).toBe(413);
    expect(contract.check(customers, "post", tooMany.response, tooMany.error)).toEqual([]);

    const wrongType = await client.POST(customers, { body: { customers: [{ externalId: "C-9", name: "N", segment: "SMB", ownerEmail: repEmail }] }, headers: { "content-type": "text/plain" } });
    expect(wrongType.response.status).toBe(415);
    expect(contract.check(customers, "post", wrongType.response, wrongType.error)).toEqual([]);
    expect(await db().customer.count({ where: { externalId: { in: ["C-2", "C-9"] } } })).toBe(0);
  });

  it("importCustomersCsv: 200 with counts and bad rows by line and field (dry run writes nothing), 400, 401, 403, 413, 415", async () => {
    const client = apiClient(routes, fullKey);
    const csv = [
      "externalId,name,segment,ownerEmail,lifetimeValue,notes",
      `CSV-1,"Lovelace, Ada",SMB,${repEmail},1200.50,first`,
      `CSV-2,Grace Hopper,SMB,ghost@contract.test,,`,
      `CSV-3,Alan Turing,SMB,${repEmail},12.345,`,
      `C-1,Ada Lapsed,SMB,${repEmail},,`,
    ].join("\r\n");
    const dry = await postCsv(client, csv, { dryRun: true });
    expect(contract.check(importCsv, "post", dry.response, dry.data)).toEqual([]);
    expect(dry.data).toMatchObject({ dryRun: true, rows: 4, created: 1, updated: 1, rejected: 2, ignoredColumns: ["notes"] });
    expect(await db().customer.count({ where: { externalId: "CSV-1" } })).toBe(0);

    const ok = await postCsv(client, csv);
    expect(contract.check(importCsv, "post", ok.response, ok.data)).toEqual([]);
    expect(ok.data).toMatchObject({ dryRun: false, rows: 4, created: 1, updated: 1, rejected: 2 });
    expect(ok.data?.errors.map((e) => [e.line, e.field, e.externalId])).toEqual([
      [3, "ownerEmail", "CSV-2"],
      [4, "lifetimeValue", "CSV-3"],
    ]);
    expect((await db().customer.findUniqueOrThrow({ where: { externalId: "CSV-1" } })).name).toBe("Lovelace, Ada");

    const cases = [
      [client, "name,segment\r\nAda,SMB\r\n", "text/csv", 400],
      [client, "", "text/csv", 400],
      [apiClient(routes, null), csv, "text/csv", 401],
      [apiClient(routes, readOnlyKey), csv, "text/csv", 403],
      [client, ["externalId,name,segment,ownerEmail", ...Array.from({ length: 20_001 }, (_, i) => `X-${i},N,SMB,${repEmail}`)].join("\n"), "text/csv", 413],
      [client, csv, "application/json", 415],
    ] as const;
    for (const [c, body, contentType, status] of cases) {
      const r = await postCsv(c, body, { contentType });
      expect(r.response.status, `${contentType} ${body.slice(0, 40)}`).toBe(status);
      expect(contract.check(importCsv, "post", r.response, r.error)).toEqual([]);
    }
    const bad = await postCsv(client, "name,segment\r\nAda,SMB\r\n");
    expect(bad.error?.error.message).toMatch(/^Line 1: The header has no column for externalId, ownerEmail/);
    expect(await db().customer.count({ where: { externalId: { startsWith: "X-" } } })).toBe(0);

    // Columns named otherwise, mapped with `columns`; a mapping that is not one (400 INVALID_PARAMETER) or does not fit the file (400 INVALID_BODY).
    const crm = `Account ID,Account Name,Tier,Account Owner Email\r\nCSV-MAP-1,Mapped,SMB,${repEmail}\r\n`;
    const columns = JSON.stringify({ externalId: "Account ID", name: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email" });
    const mapped = await postCsv(client, crm, { columns });
    expect(contract.check(importCsv, "post", mapped.response, mapped.data)).toEqual([]);
    expect(mapped.data).toMatchObject({ rows: 1, created: 1, rejected: 0, ignoredColumns: [] });
    const notMapping = await postCsv(client, crm, { columns: JSON.stringify({ accountId: "Account ID" }) });
    expect(notMapping.response.status).toBe(400);
    expect(contract.check(importCsv, "post", notMapping.response, notMapping.error)).toEqual([]);
    expect(notMapping.error?.error).toMatchObject({ code: "INVALID_PARAMETER", details: [{ path: "columns" }] });
    const unfit = await postCsv(client, crm.replace("CSV-MAP-1", "CSV-MAP-2"), { columns: columns.replace('"Tier"', '"Segment"') });
    expect(unfit.response.status).toBe(400);
    expect(contract.check(importCsv, "post", unfit.response, unfit.error)).toEqual([]);
    expect(unfit.error?.error).toMatchObject({ code: "INVALID_BODY", details: [{ path: "columns.segment", message: expect.stringMatching(/^The file has no column "Segment"/) }] });
    expect(await db().customer.count({ where: { externalId: "CSV-MAP-2" } })).toBe(0);
  });

  it("issueEmbedToken: 200 with a token and the path to frame, 400, 401, 403, 404, 413, 415", async () => {
    const client = apiClient(routes, fullKey);
    const ok = await client.POST(embedTokens, { body: { repEmail, customerExternalId: "C-1" } });
    expect(contract.check(embedTokens, "post", ok.response, ok.data)).toEqual([]);
    expect(ok.data?.path).toBe(`/embed/customers/C-1?token=${ok.data?.token}`);
    expect(ok.response.headers.get("Cache-Control")).toBe("no-store");
    const cases = [
      [client, { repEmail: "not an email", customerExternalId: "C-1" }, 400],
      [apiClient(routes, null), { repEmail, customerExternalId: "C-1" }, 401],
      [apiClient(routes, readOnlyKey), { repEmail, customerExternalId: "C-1" }, 403],
      [client, { repEmail: "other@contract.test", customerExternalId: "C-1" }, 404],
      [client, { repEmail, customerExternalId: "C-404" }, 404],
    ] as const;
    for (const [c, body, status] of cases) {
      const r = await c.POST(embedTokens, { body: { ...body } });
      expect(r.response.status, JSON.stringify(body)).toBe(status);
      expect(contract.check(embedTokens, "post", r.response, r.error)).toEqual([]);
    }
    const huge = await client.POST(embedTokens, { body: { repEmail, customerExternalId: "x".repeat(10 * 1024 * 1024) } });
    expect(huge.response.status).toBe(413);
    expect(contract.check(embedTokens, "post", huge.response, huge.error)).toEqual([]);
    const wrongType = await client.POST(embedTokens, { body: { repEmail, customerExternalId: "C-1" }, headers: { "content-type": "text/plain" } });
    expect(wrongType.response.status).toBe(415);
    expect(contract.check(embedTokens, "post", wrongType.response, wrongType.error)).toEqual([]);
  });

  it("rejects a wrong field name at compile time (the request types are precise)", () => {
    const client = apiClient(routes, fullKey);
    const send = () =>
      client.POST(customers, {
        // @ts-expect-error externalID is not a field of Customer (externalId is)
        body: { customers: [{ externalID: "C-1", name: "Ada", segment: "SMB", ownerEmail: "rep@contract.test" }] },
      });
    expect(typeof send).toBe("function");
  });

  it("recordEvents: 200 with recorded, duplicate and rejected items, 400, 401, 403, 413, 415", async () => {
    const client = apiClient(routes, fullKey);
    const old = new Date(Date.now() - 120 * DAY).toISOString();
    const ok = await client.POST(events, {
      body: {
        events: [
          { customerExternalId: "C-1", type: "PURCHASE", occurredAt: old, amount: 99, idempotencyKey: "order-1" },
          { customerExternalId: "C-1", type: "PURCHASE", occurredAt: old, amount: 99, idempotencyKey: "order-1" },
          { customerExternalId: "NOPE", type: "CALL", occurredAt: old },
          { customerExternalId: "C-1", type: "PURCHASE", occurredAt: old, amount: 10, idempotencyKey: "order-1" },
        ],
      },
    });
    expect(contract.check(events, "post", ok.response, ok.data)).toEqual([]);
    expect(ok.data?.results?.map((r) => r.status)).toEqual(["recorded", "duplicate", "rejected", "rejected"]);
    expect(ok.data?.results?.[3]?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(ok.data?.rescored).toEqual(["C-1"]);

    const feedbackEvent = await client.POST(events, { body: { events: [{ customerExternalId: "C-1", type: "CONTACT_FEEDBACK", occurredAt: new Date().toISOString(), payload: { csat: 4 } }] } });
    expect(contract.check(events, "post", feedbackEvent.response, feedbackEvent.data)).toEqual([]);
    expect(feedbackEvent.data?.results?.[0]?.feedback?.link).toBe("unlinked");

    const empty = await client.POST(events, { body: { events: [] } });
    expect(empty.response.status).toBe(400);
    expect(contract.check(events, "post", empty.response, empty.error)).toEqual([]);
    for (const [c, status] of [
      [apiClient(routes, null), 401],
      [apiClient(routes, readOnlyKey), 403],
    ] as const) {
      const r = await c.POST(events, { body: { events: [{ customerExternalId: "C-1", type: "CALL", occurredAt: old }] } });
      expect(r.response.status).toBe(status);
      expect(contract.check(events, "post", r.response, r.error)).toEqual([]);
    }
    const tooMany = await client.POST(events, { body: { events: Array.from({ length: 1001 }, () => ({ customerExternalId: "C-1", type: "CALL" as const, occurredAt: old })) } });
    expect(tooMany.response.status).toBe(413);
    expect(contract.check(events, "post", tooMany.response, tooMany.error)).toEqual([]);
    const wrongType = await client.POST(events, { body: { events: [{ customerExternalId: "C-1", type: "CALL", occurredAt: old }] }, headers: { "content-type": "application/xml" } });
    expect(wrongType.response.status).toBe(415);
    expect(contract.check(events, "post", wrongType.response, wrongType.error)).toEqual([]);
  });

  it("recordEvents with Prefer: respond-async: 202 and the job to poll; getEventJob: 200 queued then completed (after a worker ran it), 400, 401, 403, 404 (unknown, or another key's)", async () => {
    const client = apiClient(routes, fullKey);
    const when = new Date(Date.now() - DAY).toISOString();
    const queued = await client.POST(events, {
      // A web visit: it changes no suggestion the later tests rely on.
      // The third is refused up front: a payload key jsonb cannot hold (\u0000), and an unknown field named with a lone surrogate.
      body: {
        events: [
          { customerExternalId: "C-1", type: "WEB_VISIT", occurredAt: when },
          { customerExternalId: "NOPE", type: "WEB_VISIT", occurredAt: when },
          { customerExternalId: "C-1", type: "WEB_VISIT", occurredAt: when, payload: { "a\u0000": "x" }, ...{ "\udc00": 1 } },
        ],
      },
      params: { header: { Prefer: "respond-async" } },
    });
    expect(queued.response.status).toBe(202);
    expect(contract.check(events, "post", queued.response, queued.data)).toEqual([]);
    const job = queued.data as unknown as { jobId: string; status: string; statusUrl: string; items: number };
    expect(job).toMatchObject({ status: "queued", items: 3 });
    expect(queued.response.headers.get("Location")).toBe(job.statusUrl);
    expect(queued.response.headers.get("Preference-Applied")).toBe("respond-async");
    const before = await client.GET(eventJob, { params: { path: { id: job.jobId } } });
    expect(contract.check(eventJob, "get", before.response, before.data)).toEqual([]);
    expect(before.data?.status).toBe("queued");
    // A worker (here, in this process) takes it.
    const boss = createBoss(own!.url);
    boss.on("error", () => {});
    await boss.start();
    try {
      await ensureEventQueues(boss);
      await workEvents(boss);
      let done = before.data;
      for (let t = 0; t < 100 && done?.status !== "completed"; t++) {
        await new Promise((r) => setTimeout(r, 100));
        done = (await client.GET(eventJob, { params: { path: { id: job.jobId } } })).data;
      }
      expect(done).toMatchObject({
        status: "completed",
        items: 3,
        results: [{ index: 0, status: "recorded" }, { index: 1, status: "rejected" }, { index: 2, status: "rejected", errors: [{ path: "payload.a\u0000" }] }],
        rescored: ["C-1"],
      });
      const after = await client.GET(eventJob, { params: { path: { id: job.jobId } } });
      expect(contract.check(eventJob, "get", after.response, after.data)).toEqual([]);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    // The event got an idempotency key derived from the job, so a retried job cannot record it twice.
    expect(await db().customerEvent.count({ where: { idempotencyKey: `job:${job.jobId}:0` } })).toBe(1);
    const other = (await createApiKey("other events", ["events:write"])).key;
    for (const [c, id, status] of [
      [client, "not-a-uuid", 400],
      [apiClient(routes, null), job.jobId, 401],
      [apiClient(routes, readOnlyKey), job.jobId, 403],
      [client, "00000000-0000-4000-8000-000000000000", 404],
      [apiClient(routes, other), job.jobId, 404],
    ] as const) {
      const r = await c.GET(eventJob, { params: { path: { id } } });
      expect(r.response.status).toBe(status);
      expect(contract.check(eventJob, "get", r.response, r.error)).toEqual([]);
    }
  });

  it("listCustomerRecommendations: 200, 400, 401, 403, 404", async () => {
    const ok = await apiClient(routes, readOnlyKey).GET(recs, { params: { path: { externalId: "C-1" } } });
    expect(contract.check(recs, "get", ok.response, ok.data)).toEqual([]);
    expect(ok.data?.recommendations.map((r) => r.actionKey)).toEqual(["winback_call"]);
    recId = ok.data!.recommendations[0]!.id;

    const cases = [
      [apiClient(routes, readOnlyKey), "\u0001", 400],
      [apiClient(routes, null), "C-1", 401],
      [apiClient(routes, (await createApiKey("no read", ["events:write"])).key), "C-1", 403],
      [apiClient(routes, readOnlyKey), "C-404", 404],
    ] as const;
    for (const [c, externalId, status] of cases) {
      const r = await c.GET(recs, { params: { path: { externalId } } });
      expect(r.response.status).toBe(status);
      expect(contract.check(recs, "get", r.response, r.error)).toEqual([]);
    }
  });

  it("recordRecommendationFeedback: 200, 400, 401, 403, 404, 409, 413, 415, 422", async () => {
    const client = apiClient(routes, fullKey);
    const at = (id: string) => ({ params: { path: { id } } });
    const ok = await client.POST(feedback, { ...at(recId), body: { kind: "ACCEPT", actorEmail: repEmail, idempotencyKey: "crm-click-1" } });
    expect(contract.check(feedback, "post", ok.response, ok.data)).toEqual([]);
    expect(ok.data?.recommendation).toEqual({ id: recId, status: "ACCEPTED" });

    const cases = [
      [client, recId, { kind: "DISMISS", actorEmail: repEmail }, 400],
      [apiClient(routes, null), recId, { kind: "DONE", actorEmail: repEmail }, 401],
      [client, recId, { kind: "DONE", actorEmail: "other@contract.test" }, 403],
      [client, "00000000-0000-0000-0000-000000000000", { kind: "DONE", actorEmail: repEmail }, 404],
      [client, recId, { kind: "DONE", actorEmail: repEmail, idempotencyKey: "crm-click-1" }, 422],
      [client, recId, { kind: "DONE", actorEmail: repEmail }, 200],
      [client, recId, { kind: "ACCEPT", actorEmail: repEmail }, 409],
    ] as const;
    for (const [c, id, body, status] of cases) {
      const r = await c.POST(feedback, { ...at(id), body: { ...body } });
      expect(r.response.status, JSON.stringify(body)).toBe(status);
      expect(contract.check(feedback, "post", r.response, r.data ?? r.error)).toEqual([]);
    }
    const huge = await client.POST(feedback, { ...at(recId), body: { kind: "DONE", actorEmail: repEmail, note: "x".repeat(10 * 1024 * 1024) } });
    expect(huge.response.status).toBe(413);
    expect(contract.check(feedback, "post", huge.response, huge.error)).toEqual([]);
    const wrongType = await client.POST(feedback, { ...at(recId), body: { kind: "DONE", actorEmail: repEmail }, headers: { "content-type": "text/csv" } });
    expect(wrongType.response.status).toBe(415);
    expect(contract.check(feedback, "post", wrongType.response, wrongType.error)).toEqual([]);
  });

  it("listReactionsFeed and listOutcomesFeed: 200 pages with a cursor, 400, 401, 403", async () => {
    const client = apiClient(routes, fullKey);
    for (const p of [reactionsFeed, outcomesFeed]) {
      const first = await client.GET(p, { params: { query: { limit: 1 } } });
      expect(contract.check(p, "get", first.response, first.data)).toEqual([]);
      expect(first.data?.data).toHaveLength(1);
      expect(first.data?.hasMore).toBe(true);
      const rest = await client.GET(p, { params: { query: { cursor: first.data!.nextCursor!, limit: 1000 } } });
      expect(contract.check(p, "get", rest.response, rest.data)).toEqual([]);
      expect(rest.data?.hasMore).toBe(false);
      const cases = [
        [client, { cursor: "not-a-cursor" }, 400],
        [client, { limit: 0 }, 400],
        [apiClient(routes, null), {}, 401],
        [apiClient(routes, readOnlyKey), {}, 403],
      ] as const;
      for (const [c, query, status] of cases) {
        const r = await c.GET(p, { params: { query } });
        expect(r.response.status, `${p} ${JSON.stringify(query)}`).toBe(status);
        expect(contract.check(p, "get", r.response, r.error)).toEqual([]);
      }
    }
    const reactions = await client.GET(reactionsFeed, { params: { query: {} } });
    expect(reactions.data?.data.map((r) => r.kind)).toEqual(["ACCEPT", "DONE"]);
    expect(reactions.data?.data[0]).toMatchObject({ recommendationId: recId, repEmail, actionKey: "winback_call", customerExternalId: "C-1", previousStatus: "PENDING", status: "ACCEPTED" });
  });

  it("recordConsent: 200 withdrawing a purpose (its open suggestions withdrawn), 400, 401, 403 (scope or purpose), 404, 413, 415", async () => {
    const client = apiClient(routes, fullKey);
    const at = (externalId: string) => ({ params: { path: { externalId } } });
    // C-1 has an open win-back call (a service action): withdrawing service contact on every channel withdraws it.
    const before = await apiClient(routes, readOnlyKey).GET(recs, at("C-1"));
    const open = before.data!.recommendations.filter((r) => r.purpose === "SERVICE" && r.status !== "ACCEPTED").length;
    const ok = await client.POST(consent, { ...at("C-1"), body: { changes: [{ purpose: "PROFILING", granted: false, source: "preference centre" }] } });
    expect(contract.check(consent, "post", ok.response, ok.data)).toEqual([]);
    expect(ok.data).toEqual({ consent: { SERVICE: true, MARKETING: true, PROFILING: false }, withdrawn: 0 });
    const service = await client.POST(consent, { ...at("C-1"), body: { changes: [{ purpose: "SERVICE", granted: false }] } });
    expect(contract.check(consent, "post", service.response, service.data)).toEqual([]);
    expect(service.data?.consent.SERVICE).toBe(false);
    expect(service.data?.withdrawn).toBeGreaterThanOrEqual(open);
    expect((await apiClient(routes, readOnlyKey).GET(recs, at("C-1"))).data?.recommendations.filter((r) => r.purpose === "SERVICE")).toEqual([]);
    // Given back, so the tests after this one see C-1 as before.
    const back = await client.POST(consent, { ...at("C-1"), body: { changes: [{ purpose: "SERVICE", granted: true }, { purpose: "PROFILING", granted: true }] } });
    expect(back.data?.consent).toEqual({ SERVICE: true, MARKETING: true, PROFILING: true });

    const marketingOnly = (await createApiKey("marketing system", ["consent:write"], null, undefined, ["MARKETING"])).key;
    const cases = [
      [client, "C-1", { changes: [{ purpose: "PROFILING", channel: "EMAIL", granted: false }] }, 400],
      [client, "C-1", { changes: [] }, 400],
      [client, "\u0001", { changes: [{ purpose: "MARKETING", granted: false }] }, 400],
      [apiClient(routes, null), "C-1", { changes: [{ purpose: "MARKETING", granted: false }] }, 401],
      [apiClient(routes, readOnlyKey), "C-1", { changes: [{ purpose: "MARKETING", granted: false }] }, 403],
      [apiClient(routes, marketingOnly), "C-1", { changes: [{ purpose: "SERVICE", granted: false }] }, 403],
      [client, "C-404", { changes: [{ purpose: "MARKETING", granted: false }] }, 404],
    ] as const;
    for (const [c, externalId, body, status] of cases) {
      const r = await c.POST(consent, { ...at(externalId), body: body as never });
      expect(r.response.status, JSON.stringify(body)).toBe(status);
      expect(contract.check(consent, "post", r.response, r.error)).toEqual([]);
    }
    const huge = await client.POST(consent, { ...at("C-1"), body: { changes: [{ purpose: "MARKETING", granted: false, source: "x".repeat(10 * 1024 * 1024) }] } });
    expect(huge.response.status).toBe(413);
    expect(contract.check(consent, "post", huge.response, huge.error)).toEqual([]);
    const wrongType = await client.POST(consent, { ...at("C-1"), body: { changes: [{ purpose: "MARKETING", granted: false }] }, headers: { "content-type": "text/plain" } });
    expect(wrongType.response.status).toBe(415);
    expect(contract.check(consent, "post", wrongType.response, wrongType.error)).toEqual([]);
    const limitedOk = await apiClient(routes, marketingOnly).POST(consent, { ...at("C-1"), body: { changes: [{ purpose: "MARKETING", granted: true, source: "newsletter sign-up" }] } });
    expect(limitedOk.response.status).toBe(200);
  });

  it("exportCustomer and eraseCustomer: 200, 400, 401, 403 (scope or a purpose-limited key), 404; erased, the externalId answers 404", async () => {
    const client = apiClient(routes, fullKey);
    const at = (externalId: string) => ({ params: { path: { externalId } } });
    await client.POST(customers, { body: { customers: [{ externalId: "C-GONE", name: "Gone Soon", segment: "SMB", ownerEmail: repEmail, email: "gone@contract.test" }] } });
    const limited = (await createApiKey("limited purposes", ["customers:export", "customers:erase"], null, undefined, ["SERVICE"])).key;

    const doc = await client.GET(exportPath, at("C-GONE"));
    expect(contract.check(exportPath, "get", doc.response, doc.data)).toEqual([]);
    expect(doc.data?.tables.Customer?.[0]).toMatchObject({ externalId: "C-GONE", email: "gone@contract.test" });
    const exportCases = [
      [client, "\u0001", 400],
      [apiClient(routes, null), "C-GONE", 401],
      [apiClient(routes, readOnlyKey), "C-GONE", 403],
      [apiClient(routes, limited), "C-GONE", 403],
      [client, "C-404", 404],
    ] as const;
    for (const [c, externalId, status] of exportCases) {
      const r = await c.GET(exportPath, at(externalId));
      expect(r.response.status, `export ${externalId}`).toBe(status);
      expect(contract.check(exportPath, "get", r.response, r.error)).toEqual([]);
    }
    const eraseCases = [
      [client, "\u0001", 400],
      [apiClient(routes, null), "C-GONE", 401],
      [apiClient(routes, readOnlyKey), "C-GONE", 403],
      [apiClient(routes, limited), "C-GONE", 403],
      [client, "C-404", 404],
    ] as const;
    for (const [c, externalId, status] of eraseCases) {
      const r = await c.DELETE(erase, at(externalId));
      expect(r.response.status, `erase ${externalId}`).toBe(status);
      expect(contract.check(erase, "delete", r.response, r.error)).toEqual([]);
    }
    const erased = await client.DELETE(erase, at("C-GONE"));
    expect(contract.check(erase, "delete", erased.response, erased.data)).toEqual([]);
    expect(erased.data?.alreadyErased).toBe(false);
    for (const r of [await client.DELETE(erase, at("C-GONE")), await client.GET(exportPath, at("C-GONE")), await client.GET(recs, at("C-GONE"))]) expect(r.response.status).toBe(404);
  });

  it("a key over its budget is answered 429 with Retry-After and RateLimit-* headers, per key, and nothing is written", async () => {
    const limited = (await createApiKey("limited", ["customers:write", "recommendations:read", "embed:issue"], null, 3)).key;
    const client = apiClient(routes, limited);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await client.GET(recs, { params: { path: { externalId: "C-1" } } });
      expect(r.response.status).toBe(200);
      expect(r.response.headers.get("RateLimit-Limit")).toBe("3");
      expect(r.response.headers.get("RateLimit-Policy")).toBe("3;w=60");
      remaining.push(r.response.headers.get("RateLimit-Remaining"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const before = await db().customer.count();
    const refused = await client.POST(customers, { body: { customers: [{ externalId: "C-LIMIT", name: "N", segment: "SMB", ownerEmail: repEmail }] } });
    expect(refused.response.status).toBe(429);
    expect(contract.check(customers, "post", refused.response, refused.error)).toEqual([]);
    expect(refused.error?.error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(refused.response.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.response.headers.get("RateLimit-Remaining")).toBe("0");
    expect(await db().customer.count()).toBe(before);
    const overEvents = await client.POST(events, { body: { events: [{ customerExternalId: "C-1", type: "CALL", occurredAt: new Date().toISOString() }] } });
    const overFeedback = await client.POST(feedback, { params: { path: { id: recId } }, body: { kind: "DONE", actorEmail: repEmail } });
    const overImport = await postCsv(client, `externalId,name,segment,ownerEmail\nC-LIMIT,N,SMB,${repEmail}`);
    const overEmbed = await client.POST(embedTokens, { body: { repEmail, customerExternalId: "C-1" } });
    for (const [p, r] of [[events, overEvents], [feedback, overFeedback], [importCsv, overImport], [embedTokens, overEmbed]] as const) {
      expect(r.response.status).toBe(429);
      expect(contract.check(p, "post", r.response, r.error)).toEqual([]);
    }
    for (const p of [reactionsFeed, outcomesFeed]) {
      const r = await client.GET(p, { params: { query: {} } });
      expect(r.response.status).toBe(429);
      expect(contract.check(p, "get", r.response, r.error)).toEqual([]);
    }
    const at = { params: { path: { externalId: "C-1" } } };
    const overConsent = await client.POST(consent, { ...at, body: { changes: [{ purpose: "MARKETING", granted: false }] } });
    const overExport = await client.GET(exportPath, at);
    const overErase = await client.DELETE(erase, at);
    const overJob = await client.GET(eventJob, { params: { path: { id: "00000000-0000-4000-8000-000000000000" } } });
    for (const [p, method, r] of [[consent, "post", overConsent], [exportPath, "get", overExport], [erase, "delete", overErase], [eventJob, "get", overJob]] as const) {
      expect(r.response.status).toBe(429);
      expect(contract.check(p, method, r.response, r.error)).toEqual([]);
    }
    expect(await db().customer.count({ where: { externalId: "C-1" } })).toBe(1);
    // Another key's budget is its own.
    const other = await apiClient(routes, readOnlyKey).GET(recs, { params: { path: { externalId: "C-1" } } });
    expect(other.response.status).toBe(200);
  });

  it("a saturated server answers every operation 503 with Retry-After; a client holding the queue gets 429", async () => {
    const gate = admission();
    let open!: () => void;
    const closed = new Promise<void>((resolve) => (open = resolve));
    const { concurrency, queueSize } = gate.options;
    const hogs = Array.from({ length: concurrency + queueSize }, (_, i) => gate.run(`hog-${i}`, () => closed).catch(() => {}));
    try {
      const client = apiClient(routes, fullKey);
      const answers = [
        [customers, "post", await client.POST(customers, { body: { customers: [{ externalId: "C-9", name: "N", segment: "SMB", ownerEmail: repEmail }] } })],
        [events, "post", await client.POST(events, { body: { events: [{ customerExternalId: "C-1", type: "CALL", occurredAt: new Date().toISOString() }] } })],
        [recs, "get", await client.GET(recs, { params: { path: { externalId: "C-1" } } })],
        [feedback, "post", await client.POST(feedback, { params: { path: { id: recId } }, body: { kind: "DONE", actorEmail: repEmail } })],
        [reactionsFeed, "get", await client.GET(reactionsFeed, { params: { query: {} } })],
        [outcomesFeed, "get", await client.GET(outcomesFeed, { params: { query: {} } })],
        [importCsv, "post", await postCsv(client, `externalId,name,segment,ownerEmail\nC-9,N,SMB,${repEmail}`)],
        [embedTokens, "post", await client.POST(embedTokens, { body: { repEmail, customerExternalId: "C-1" } })],
        [consent, "post", await client.POST(consent, { params: { path: { externalId: "C-1" } }, body: { changes: [{ purpose: "MARKETING", granted: false }] } })],
        [exportPath, "get", await client.GET(exportPath, { params: { path: { externalId: "C-1" } } })],
        [erase, "delete", await client.DELETE(erase, { params: { path: { externalId: "C-1" } } })],
        [eventJob, "get", await client.GET(eventJob, { params: { path: { id: "00000000-0000-4000-8000-000000000000" } } })],
      ] as const;
      for (const [p, method, r] of answers) {
        expect(r.response.status).toBe(503);
        expect(Number(r.response.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
        expect(contract.check(p, method, r.response, r.error)).toEqual([]);
      }
    } finally {
      open();
      await Promise.all(hogs);
    }
    // One client holding most of the queue is refused as rate limited.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const mine = Array.from({ length: concurrency + queueSize }, () => gate.run(`key:${readOnlyKey}`, () => held).catch(() => {}));
    try {
      const r = await apiClient(routes, readOnlyKey).GET(recs, { params: { path: { externalId: "C-1" } } });
      expect(r.response.status).toBe(429);
      expect(contract.check(recs, "get", r.response, r.error)).toEqual([]);
    } finally {
      release();
      await Promise.all(mine);
    }
  });

  it("drove every documented status of every operation but 500", async () => {
    const doc = await served();
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        const documented = Object.keys(op.responses).filter((s) => s !== "500");
        expect([...(contract.seen.get(op.operationId!) ?? [])].sort(), op.operationId).toEqual(documented.sort());
      }
    }
  });
});
