import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// This file's routes talk to a private database (set before the app's client
// is created), so re-scoring sees exactly this fixture's action catalog.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_api") : null;
if (own) process.env.DATABASE_URL = own.url;

const { createApiKey } = await import("@/lib/data/api-keys");
const { db } = await import("@/lib/data/db");
const customersRoute = await import("@/app/api/v1/customers/route");
const eventsRoute = await import("@/app/api/v1/events/route");
const recsRoute = await import("@/app/api/v1/customers/[externalId]/recommendations/route");
const feedbackRoute = await import("@/app/api/v1/recommendations/[id]/feedback/route");
const openapiRoute = await import("@/app/api/v1/openapi.json/route");

const DAY = 86_400_000;
let fullKey = "";
let readOnlyKey = "";
let repEmail = "";

function post(url: string, body: unknown, key: string | null = fullKey) {
  return new Request(`http://test${url}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
const noCtx = { params: Promise.resolve({}) };
const counts = async () => ({ customers: await db().customer.count(), events: await db().customerEvent.count(), recs: await db().recommendation.count() });

describe.skipIf(!reachable)("/api/v1", () => {
  beforeAll(async () => {
    const rep = await db().user.create({ data: { email: "rep@api.test", name: "Api Rep", role: "REP", passwordHash: "x" } });
    repEmail = rep.email;
    await db().user.create({ data: { email: "other@api.test", name: "Other Rep", role: "REP", passwordHash: "x" } });
    await db().actionType.createMany({
      data: [
        { key: "winback_call", name: "Win-back call", category: "RETENTION", description: "", messageTemplate: "Call {{firstName}}", rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 }, businessValue: 400, controlGroupPct: 0 },
        { key: "support_followup", name: "Support follow-up", category: "SERVICE", description: "", messageTemplate: "Check on {{firstName}}", rule: { signal: "openTickets", op: "gte", value: 1 }, businessValue: 800, controlGroupPct: 0 },
      ],
    });
    fullKey = (await createApiKey("full")).key;
    readOnlyKey = (await createApiKey("read only", ["recommendations:read"])).key;
  });
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("refuses a missing or unknown key with 401 and writes nothing", async () => {
    const before = await counts();
    for (const key of [null, "nk_000000000000_notarealkeynotarealkey", "garbage"]) {
      const res = await customersRoute.POST(post("/api/v1/customers", { customers: [{ externalId: "X", name: "X", segment: "SMB", ownerEmail: repEmail }] }, key), noCtx);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("UNAUTHORIZED");
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a key without the scope with 403 and writes nothing", async () => {
    const before = await counts();
    const res = await eventsRoute.POST(post("/api/v1/events", { events: [] }, readOnlyKey), noCtx);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain("events:write");
    expect(await counts()).toEqual(before);
  });

  it("answers malformed bodies with 400 and oversized batches with 413", async () => {
    const before = await counts();
    const bad = await customersRoute.POST(post("/api/v1/customers", "{not json"), noCtx);
    expect(bad.status).toBe(400);
    const wrongShape = await customersRoute.POST(post("/api/v1/customers", { customer: [] }), noCtx);
    expect(wrongShape.status).toBe(400);
    expect((await wrongShape.json()).error.details).toEqual([{ path: "customers", message: "Expected an array" }]);
    const tooMany = await eventsRoute.POST(post("/api/v1/events", { events: Array.from({ length: 1001 }, () => ({})) }), noCtx);
    expect(tooMany.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it("upserts customers item by item: a bad item is rejected with paths, the rest are written", async () => {
    const res = await customersRoute.POST(
      post("/api/v1/customers", {
        customers: [
          { externalId: "API-1", name: "Ada Lapsed", segment: "SMB", ownerEmail: repEmail, birthday: "1990-02-14", lifetimeValue: 1200 },
          { externalId: "API-2", name: "", segment: "SMB", ownerEmail: "nobody", birthday: "1990-13-01" },
          { externalId: "API-3", name: "Ben Owner", segment: "MID_MARKET", ownerEmail: "ghost@api.test" },
        ],
      }),
      noCtx,
    );
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results[0]).toEqual({ externalId: "API-1", status: "created" });
    expect(results[1].status).toBe("rejected");
    expect(results[1].errors.map((e: { path: string }) => e.path).sort()).toEqual(["birthday", "name", "ownerEmail"]);
    expect(results[2]).toEqual({ externalId: "API-3", status: "rejected", errors: [{ path: "ownerEmail", message: "No active sales rep has this email" }] });
    expect(await db().customer.count({ where: { externalId: { in: ["API-2", "API-3"] } } })).toBe(0);

    // An update changes only what it sends.
    const again = await customersRoute.POST(post("/api/v1/customers", { customers: [{ externalId: "API-1", name: "Ada Lapsed", segment: "ENTERPRISE", ownerEmail: repEmail }] }), noCtx);
    expect((await again.json()).results[0].status).toBe("updated");
    const stored = await db().customer.findUniqueOrThrow({ where: { externalId: "API-1" } });
    expect(stored.segment).toBe("ENTERPRISE");
    expect(Number(stored.lifetimeValue)).toBe(1200);
    expect(stored.birthday?.toISOString().slice(0, 10)).toBe("1990-02-14");
  });

  it("an event re-scores the customer in the same request: a purchase ends a win-back, a ticket raises a follow-up", async () => {
    const old = new Date(Date.now() - 120 * DAY).toISOString();
    const first = await eventsRoute.POST(post("/api/v1/events", { events: [{ customerExternalId: "API-1", type: "PURCHASE", occurredAt: old, amount: 99 }] }), noCtx);
    expect(await first.json()).toEqual({ results: [{ index: 0, status: "recorded" }], rescored: ["API-1"] });
    const listed = async () => (await (await recsRoute.GET(new Request("http://test/x", { headers: { authorization: `Bearer ${readOnlyKey}` } }), { params: Promise.resolve({ externalId: "API-1" }) })).json()).recommendations as { actionKey: string; reasons: { text: string }[] }[];
    const before = await listed();
    expect(before.map((r) => r.actionKey)).toEqual(["winback_call"]);
    expect(before[0]!.reasons.map((r) => r.text).join(" ")).toMatch(/No purchase for 120 days/);
    // Read through the API means shown: silence until it lapses is then an ignored outcome for learning.
    const stamped = await db().recommendation.findMany({ where: { customer: { externalId: "API-1" }, isControl: false, status: "PENDING" }, select: { shownAt: true } });
    expect(stamped.length).toBeGreaterThan(0);
    for (const r of stamped) expect(r.shownAt).toBeInstanceOf(Date);

    const now = new Date().toISOString();
    const res = await eventsRoute.POST(
      post("/api/v1/events", {
        events: [
          { customerExternalId: "API-1", type: "PURCHASE", occurredAt: now, amount: 250, idempotencyKey: "order-1001" },
          { customerExternalId: "API-1", type: "SUPPORT_TICKET", occurredAt: now, payload: { status: "open", subject: "Login issue" } },
          { customerExternalId: "NOPE", type: "CALL", occurredAt: now },
          { customerExternalId: "API-1", type: "TELEPATHY", occurredAt: "yesterday" },
        ],
      }),
      noCtx,
    );
    const body = await res.json();
    expect(body.rescored).toEqual(["API-1"]);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(["recorded", "recorded", "rejected", "rejected"]);
    expect(body.results[3].errors.map((e: { path: string }) => e.path).sort()).toEqual(["occurredAt", "type"]);
    expect((await listed()).map((r) => r.actionKey)).toEqual(["support_followup"]);
  });

  it("a retried event with the same idempotency key records once", async () => {
    const before = await db().customerEvent.count();
    const event = { customerExternalId: "API-1", type: "PURCHASE", occurredAt: new Date().toISOString(), amount: 250, idempotencyKey: "order-1001" };
    const res = await eventsRoute.POST(post("/api/v1/events", { events: [{ ...event, idempotencyKey: "order-2002" }, { ...event, idempotencyKey: "order-2002" }] }), noCtx);
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(["recorded", "duplicate"]);
    const retry = await eventsRoute.POST(post("/api/v1/events", { events: [{ ...event, idempotencyKey: "order-2002" }] }), noCtx);
    expect((await retry.json()).results).toEqual([{ index: 0, status: "duplicate" }]);
    expect(await db().customerEvent.count()).toBe(before + 1);
  });

  it("the same idempotency key with a different event is refused on its own, earlier or in the same batch", async () => {
    const before = await db().customerEvent.count();
    const event = { customerExternalId: "API-1", type: "PURCHASE", occurredAt: new Date().toISOString(), amount: 250, idempotencyKey: "order-1001" };
    const res = await eventsRoute.POST(
      post("/api/v1/events", { events: [event, { ...event, idempotencyKey: "order-4004" }, { ...event, amount: 251, idempotencyKey: "order-4004" }] }),
      noCtx,
    );
    const body = await res.json();
    expect(body.results.map((r: { status: string; code?: string }) => [r.status, r.code])).toEqual([
      ["rejected", "IDEMPOTENCY_KEY_REUSED"],
      ["recorded", undefined],
      ["rejected", "IDEMPOTENCY_KEY_REUSED"],
    ]);
    expect(body.results[0].errors).toEqual([{ path: "idempotencyKey", message: expect.stringContaining("different event") }]);
    expect(await db().customerEvent.count()).toBe(before + 1);
  });

  it("records feedback for the owning rep only, with the queue's idempotency", async () => {
    const rec = await db().recommendation.findFirstOrThrow({ where: { customer: { externalId: "API-1" }, status: "PENDING" } });
    const url = `/api/v1/recommendations/${rec.id}/feedback`;
    const ctx = { params: Promise.resolve({ id: rec.id }) };
    const intruder = await feedbackRoute.POST(post(url, { kind: "ACCEPT", actorEmail: "other@api.test" }), ctx);
    expect(intruder.status).toBe(403);
    const invalid = await feedbackRoute.POST(post(url, { kind: "DISMISS", actorEmail: repEmail }), ctx);
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.details).toEqual([{ path: "reason", message: "Required when dismissing" }]);
    expect(await db().feedback.count({ where: { recommendationId: rec.id } })).toBe(0);

    const ok = await feedbackRoute.POST(post(url, { kind: "ACCEPT", actorEmail: repEmail, idempotencyKey: "crm-click-1" }), ctx);
    expect(await ok.json()).toEqual({ recommendation: { id: rec.id, status: "ACCEPTED" } });
    const retry = await feedbackRoute.POST(post(url, { kind: "ACCEPT", actorEmail: repEmail, idempotencyKey: "crm-click-1" }), { params: Promise.resolve({ id: rec.id }) });
    expect(retry.status).toBe(200);
    expect(await db().feedback.count({ where: { recommendationId: rec.id } })).toBe(1);
    const unknown = await feedbackRoute.POST(post("/api/v1/recommendations/00000000-0000-0000-0000-000000000000/feedback", { kind: "ACCEPT", actorEmail: repEmail }), { params: Promise.resolve({ id: "00000000-0000-0000-0000-000000000000" }) });
    expect(unknown.status).toBe(404);
  });

  it("describes itself in an OpenAPI document", async () => {
    const doc = await openapiRoute.GET(new Request("http://test/api/v1/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/customers", "/api/v1/events", "/api/v1/customers/{externalId}/recommendations", "/api/v1/recommendations/{id}/feedback"]));
    expect(doc.components.schemas.Event.properties.type.enum).toContain("SUPPORT_TICKET");
  });
});
