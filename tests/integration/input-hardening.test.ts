// Input validated against what Postgres stores (issue 11): every value the
// database would refuse is a 4xx naming the field, a bad batch item is refused
// on its own, bodies of any shape get the documented error JSON, path ids are
// decoded once, and concurrent same-key or same-externalId calls never 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_hardening") : null;
if (own) process.env.DATABASE_URL = own.url;

const { createApiKey } = await import("@/lib/data/api-keys");
const { db } = await import("@/lib/data/db");
const customersRoute = await import("@/app/api/v1/customers/route");
const eventsRoute = await import("@/app/api/v1/events/route");
const recsRoute = await import("@/app/api/v1/customers/[externalId]/recommendations/route");
const feedbackRoute = await import("@/app/api/v1/recommendations/[id]/feedback/route");

let key = "";
let repEmail = "";
const noCtx = { params: Promise.resolve({}) };
const now = () => new Date().toISOString();

function post(url: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) {
  return new Request(`http://test${url}`, {
    method: "POST",
    headers: { ...headers, authorization: `Bearer ${key}` },
    body: typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
}
const events = (items: unknown[]) => eventsRoute.POST(post("/api/v1/events", { events: items }), noCtx);
const customers = (items: unknown[]) => customersRoute.POST(post("/api/v1/customers", { customers: items }), noCtx);
/** The route handler as Next.js calls it: the path segment decoded once by the router. */
const recsFor = (rawSegment: string) =>
  recsRoute.GET(new Request(`http://test/api/v1/customers/${rawSegment}/recommendations`, { headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({ externalId: decodeURIComponent(rawSegment) }),
  });

async function expectError(res: Response, status: number) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  return body.error as { code: string; message: string; details?: { path: string; message: string }[] };
}

describe.skipIf(!reachable)("input checked against what Postgres stores", () => {
  beforeAll(async () => {
    const rep = await db().user.create({ data: { email: "rep@hardening.test", name: "Rep", role: "REP", passwordHash: "x" } });
    repEmail = rep.email;
    key = (await createApiKey("hardening")).key;
    const res = await customers([{ externalId: "H-1", name: "Hana", segment: "SMB", ownerEmail: repEmail }, { externalId: "100%", name: "Percent", segment: "SMB", ownerEmail: repEmail }]);
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("refuses NUL, lone surrogates, bad dates, deep or large payloads and overflowing or hex amounts item by item, writing the rest", async () => {
    const before = await db().customerEvent.count();
    const ok = { customerExternalId: "H-1", type: "WEB_VISIT", occurredAt: now() };
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 50; i++) cur = (cur.x = {}) as Record<string, unknown>;
    const cases: [unknown, string][] = [
      [{ ...ok, source: "crm\u0000" }, "source"],
      [{ ...ok, customerExternalId: "H-\u00001" }, "customerExternalId"],
      [{ ...ok, payload: { note: "a\ud800b" } }, "payload.note"],
      [{ ...ok, payload: { ["k\udc00"]: 1 } }, "payload.k\udc00"],
      [{ ...ok, payload: { s: "x\u0000" } }, "payload.s"],
      [{ ...ok, occurredAt: "0000-01-01T00:00:00Z" }, "occurredAt"],
      [{ ...ok, occurredAt: "2999-01-01T00:00:00Z" }, "occurredAt"],
      [{ ...ok, occurredAt: "+275760-09-13T00:00:00Z" }, "occurredAt"],
      [{ ...ok, payload: deep }, "payload.x.x.x.x.x.x.x.x.x.x"],
      [{ ...ok, payload: { big: "x".repeat(17_000) } }, "payload"],
      [{ ...ok, type: "PURCHASE", amount: 1e12 }, "amount"],
      [{ ...ok, type: "PURCHASE", amount: "0x10" }, "amount"],
      [{ ...ok, type: "PURCHASE", amount: 10.001 }, "amount"],
      [{ ...ok, idempotencyKey: "k\u0007" }, "idempotencyKey"],
    ];
    const res = await events([ok, ...cases.map((c) => c[0])]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.results[0]).toEqual({ index: 0, status: "recorded" });
    cases.forEach(([, path], i) => {
      const r = body.results[i + 1];
      expect(r.status, `item ${i + 1}`).toBe("rejected");
      expect(r.errors.map((e: { path: string }) => e.path), `item ${i + 1}`).toContain(path);
    });
    expect(await db().customerEvent.count()).toBe(before + 1);
  });

  it("accepts what fits: the largest amount, a decimal string, years 1900 and 2100, unicode text", async () => {
    const res = await events([
      { customerExternalId: "H-1", type: "SUPPORT_TICKET", occurredAt: "1900-01-01T00:00:00Z", payload: { subject: "Ünïcödé 😀", nested: [{ a: [1, 2, { b: null }] }] } },
      { customerExternalId: "H-1", type: "WEB_VISIT", occurredAt: "2100-12-31T23:59:59.999+00:00", source: "日本語" },
      { customerExternalId: "H-1", type: "CALL", occurredAt: now(), amount: "12.50" },
    ]);
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(["recorded", "recorded", "recorded"]);
  });

  it("credited revenue cannot overflow: a purchase past the column's limit for its customer is rejected, the others written", async () => {
    await customers([{ externalId: "H-RICH", name: "Rich", segment: "ENTERPRISE", ownerEmail: repEmail, lifetimeValue: 999_999_999_999.99 }]);
    // An accepted suggestion to credit purchases to.
    const customer = await db().customer.findUniqueOrThrow({ where: { externalId: "H-RICH" } });
    const action = await db().actionType.create({
      data: { key: "rich_call", name: "Call", category: "GROWTH", description: "", messageTemplate: "Call", rule: { signal: "tenureDays", op: "gte", value: 0 }, businessValue: 1 },
    });
    const rec = await db().recommendation.create({
      data: { customerId: customer.id, actionTypeId: action.id, actionTypeVersion: 1, repId: customer.ownerId, score: 1, propensity: 0.5, expectedValue: 1, message: "m", reasons: [], status: "ACCEPTED", decidedAt: new Date(Date.now() - 3_600_000), modelVersion: "t", expiresAt: new Date(Date.now() + 86_400_000) },
    });
    const big = { customerExternalId: "H-RICH", type: "PURCHASE", occurredAt: now(), amount: 600_000_000_000 };
    const res = await events([big, { ...big, amount: 399_999_999_999.99 }, { ...big, amount: 0.01 }, { customerExternalId: "H-RICH", type: "WEB_VISIT", occurredAt: now() }]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(["recorded", "recorded", "rejected", "recorded"]);
    expect(body.results[2].errors[0]).toMatchObject({ path: "amount", message: expect.stringContaining("999,999,999,999.99") });
    const stored = await db().recommendation.findUniqueOrThrow({ where: { id: rec.id } });
    expect(stored.attributedRevenue.toString()).toBe("999999999999.99");
    // A later call is refused too.
    const again = await events([{ ...big, amount: 1 }]);
    expect((await again.json()).results[0].status).toBe("rejected");
    const over = await customers([{ externalId: "H-RICH", name: "Rich", segment: "ENTERPRISE", ownerEmail: repEmail, lifetimeValue: 1_000_000_000_000 }]);
    expect((await over.json()).results[0]).toMatchObject({ status: "rejected", errors: [{ path: "lifetimeValue" }] });
  });

  it("customers: NUL, surrogates, year 0000 and bad numbers are refused per item with their path", async () => {
    const base = { externalId: "H-C1", name: "Casey", segment: "SMB", ownerEmail: repEmail };
    const res = await customers([
      base,
      { ...base, externalId: "H-C2", name: "Ca\u0000sey" },
      { ...base, externalId: "H-C3", company: "\ud83d" },
      { ...base, externalId: "H-C4", birthday: "0000-01-01" },
      { ...base, externalId: "H-C5", lifetimeValue: "0x10" },
      { ...base, externalId: "H-C6", email: "a\u0000@b.co" },
      { ...base, externalId: "H-C7\u0000" },
    ]);
    const body = await res.json();
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(["created", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected"]);
    expect(body.results.slice(1).map((r: { errors: { path: string }[] }) => r.errors[0]!.path)).toEqual(["name", "company", "birthday", "lifetimeValue", "email", "externalId"]);
    expect(await db().customer.count({ where: { externalId: { startsWith: "H-C" } } })).toBe(1);
  });

  it("any body gets a documented 4xx with the error JSON", async () => {
    const cases: [Request, number][] = [
      [post("/api/v1/events", ""), 400],
      [post("/api/v1/events", "{not json"), 400],
      [post("/api/v1/events", "[]"), 400],
      [post("/api/v1/events", "null"), 400],
      [post("/api/v1/events", '"events"'), 400],
      [post("/api/v1/events", { events: {} }), 400],
      [post("/api/v1/events", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 400],
      [post("/api/v1/events", "[".repeat(100_000) + "]".repeat(100_000)), 400],
      [post("/api/v1/events", { events: [] }, { "content-type": "text/plain" }), 415],
      [post("/api/v1/events", '{"events":[{"customerExternalId":' + '{"a":'.repeat(200_000) + "1" + "}".repeat(200_000) + "}]}"), 200],
      [post("/api/v1/events", JSON.stringify({ events: ["x".repeat(11 * 1024 * 1024)] })), 413],
    ];
    for (const [req, status] of cases) {
      const res = await eventsRoute.POST(req, noCtx);
      if (status === 200) expect((await res.json()).results[0].status).toBe("rejected");
      else await expectError(res, status);
    }
    // An id nested 200,000 deep is rejected as an item, never serialised back.
    const deepId = await customersRoute.POST(post("/api/v1/customers", '{"customers":[{"externalId":' + '{"a":'.repeat(200_000) + "1" + "}".repeat(200_000) + "}]}"), noCtx);
    expect((await deepId.json()).results[0]).toMatchObject({ externalId: "", status: "rejected" });
    const fbUrl = "/api/v1/recommendations/00000000-0000-0000-0000-000000000000/feedback";
    const ctx = { params: Promise.resolve({ id: "00000000-0000-0000-0000-000000000000" }) };
    for (const body of ["[1]", "null", "", "{", JSON.stringify({ kind: "ACCEPT", actorEmail: "a\u0000@b.co" }), JSON.stringify({ kind: "SNOOZE", actorEmail: repEmail, snoozeUntil: "0000-01-01T00:00:00Z" })]) {
      await expectError(await feedbackRoute.POST(post(fbUrl, body), ctx), 400);
    }
  });

  it("path ids are decoded once; over-long ids are 404 and control characters 400", async () => {
    expect((await recsFor("100%25")).status).toBe(200);
    expect((await recsFor("H-1")).status).toBe(200);
    await expectError(await recsFor("x".repeat(500)), 404);
    await expectError(await recsFor("%00"), 400);
    await expectError(await recsFor("a%0Ab"), 400);
    await expectError(await recsFor("%2525"), 404);
  });

  it("one new externalId upserted 20 times at once: created once, no 500", async () => {
    const item = { externalId: "H-SAME", name: "Same", segment: "SMB", ownerEmail: repEmail };
    const responses = await Promise.all(Array.from({ length: 20 }, () => customers([item])));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = await Promise.all(responses.map(async (r) => (await r.json()).results[0].status));
    expect(statuses.filter((s) => s === "created")).toHaveLength(1);
    expect(statuses.filter((s) => s === "updated")).toHaveLength(19);
    expect(await db().customer.count({ where: { externalId: "H-SAME" } })).toBe(1);
  });

  it("one event key sent 20 times at once records once; feedback reuse with another body is 422", async () => {
    const event = { customerExternalId: "H-1", type: "EMAIL_CLICK", occurredAt: now(), idempotencyKey: "click-concurrent-1" };
    const responses = await Promise.all(Array.from({ length: 20 }, () => events([event])));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = await Promise.all(responses.map(async (r) => (await r.json()).results[0].status));
    expect(statuses.sort()).toEqual(["recorded", ...Array(19).fill("duplicate")].sort());
    expect(await db().customerEvent.count({ where: { idempotencyKey: "click-concurrent-1" } })).toBe(1);

    const customer = await db().customer.findUniqueOrThrow({ where: { externalId: "H-1" } });
    const action = await db().actionType.create({
      data: { key: "fb_call", name: "Call", category: "GROWTH", description: "", messageTemplate: "Call", rule: { signal: "tenureDays", op: "gte", value: 0 }, businessValue: 1 },
    });
    const rec = await db().recommendation.create({
      data: { customerId: customer.id, actionTypeId: action.id, actionTypeVersion: 1, repId: customer.ownerId, score: 1, propensity: 0.5, expectedValue: 1, message: "m", reasons: [], modelVersion: "t", expiresAt: new Date(Date.now() + 7 * 86_400_000) },
    });
    const url = `/api/v1/recommendations/${rec.id}/feedback`;
    const ctx = { params: Promise.resolve({ id: rec.id }) };
    const snooze = { kind: "SNOOZE", actorEmail: repEmail, snoozeUntil: new Date(Date.now() + 2 * 86_400_000).toISOString(), idempotencyKey: "crm-snooze-0001" };
    const pair = await Promise.all([feedbackRoute.POST(post(url, snooze), ctx), feedbackRoute.POST(post(url, snooze), ctx)]);
    expect(pair.map((r) => r.status)).toEqual([200, 200]);
    expect(await Promise.all(pair.map((r) => r.json()))).toEqual([
      { recommendation: { id: rec.id, status: "SNOOZED" } },
      { recommendation: { id: rec.id, status: "SNOOZED" } },
    ]);
    const err = await expectError(await feedbackRoute.POST(post(url, { ...snooze, kind: "DONE" }), ctx), 422);
    expect(err.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await db().feedback.count({ where: { recommendationId: rec.id } })).toBe(1);
  });
});
