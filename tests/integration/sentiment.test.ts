import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// Customer feedback on contacts (CONTACT_FEEDBACK events) through the API:
// validation, linking to the suggestion that led to the contact, idempotency,
// and the sentiment aggregates' team scope, on a private database.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_sentiment") : null;
if (own) process.env.DATABASE_URL = own.url;

const { createApiKey } = await import("@/lib/data/api-keys");
const { db } = await import("@/lib/data/db");
const { intrusiveWindowCounts, recentComments, sentimentMetrics } = await import("@/lib/data/sentiment");
const { intrusiveFlag } = await import("@/lib/metrics/sentiment");
const eventsRoute = await import("@/app/api/v1/events/route");
const openapiRoute = await import("@/app/api/v1/openapi.json/route");

const DAY = 86_400_000;
const NOW = Date.now();
const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY);
const iso = (daysAgo: number) => at(daysAgo).toISOString();
let key = "";
const ids = { teamA: "", teamB: "", repA: "", repB: "", c1: "", c2: "", c3: "", call: "", offer: "" };
const recs = { old: "", latest: "", dismissed: "", control: "", otherCustomer: "", c3done: "" };

function post(events: unknown[]) {
  return eventsRoute.POST(
    new Request("http://test/api/v1/events", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ events }) }),
    { params: Promise.resolve({}) },
  );
}
type Item = { index: number; status: string; code?: string; errors?: { path: string; message: string }[]; feedback?: { link: string; recommendationId: string | null; actionKey: string | null } };
const results = async (events: unknown[]) => ((await (await post(events)).json()) as { results: Item[] }).results;
const fb = (customerExternalId: string, occurredAt: string, payload: unknown, extra: object = {}) => ({ customerExternalId, type: "CONTACT_FEEDBACK", occurredAt, payload, ...extra });
const counts = async () => ({ events: await db().customerEvent.count(), feedback: await db().contactFeedback.count() });

async function rec(customerId: string, actionTypeId: string, repId: string, status: "DONE" | "ACCEPTED" | "DISMISSED" | "EXPIRED", decidedDaysAgo: number | null, isControl = false) {
  const r = await db().recommendation.create({
    data: {
      customerId,
      actionTypeId,
      actionTypeVersion: 1,
      repId,
      score: 1,
      propensity: 0.3,
      expectedValue: 10,
      message: "m",
      reasons: [],
      status,
      isControl,
      modelVersion: "test",
      createdAt: at((decidedDaysAgo ?? 1) + 1),
      expiresAt: at(-30),
      decidedAt: decidedDaysAgo === null ? null : at(decidedDaysAgo),
    },
  });
  return r.id;
}

describe.skipIf(!reachable)("CONTACT_FEEDBACK through /api/v1/events", () => {
  beforeAll(async () => {
    const [teamA, teamB] = await Promise.all([db().team.create({ data: { name: "A" } }), db().team.create({ data: { name: "B" } })]);
    const repA = await db().user.create({ data: { email: "a@s.test", name: "Rep A", role: "REP", teamId: teamA.id, passwordHash: "x" } });
    const repB = await db().user.create({ data: { email: "b@s.test", name: "Rep B", role: "REP", teamId: teamB.id, passwordHash: "x" } });
    // Rules that never hold, so the re-score after each call leaves these suggestions alone.
    const never = { signal: "openTickets", op: "gte", value: 999 };
    const call = await db().actionType.create({ data: { key: "call", name: "Call", category: "RETENTION", description: "", messageTemplate: "Call", rule: never, businessValue: 100 } });
    const offer = await db().actionType.create({ data: { key: "offer", name: "Offer", category: "SERVICE", description: "", messageTemplate: "Offer", rule: never, businessValue: 100 } });
    const customer = (externalId: string, ownerId: string, segment: string) => db().customer.create({ data: { externalId, name: externalId, segment, ownerId } });
    const [c1, c2, c3] = await Promise.all([customer("S-1", repA.id, "SMB"), customer("S-2", repB.id, "SMB"), customer("S-3", repA.id, "ENTERPRISE")]);
    Object.assign(ids, { teamA: teamA.id, teamB: teamB.id, repA: repA.id, repB: repB.id, c1: c1.id, c2: c2.id, c3: c3.id, call: call.id, offer: offer.id });
    recs.old = await rec(c1.id, call.id, repA.id, "DONE", 3);
    recs.latest = await rec(c1.id, offer.id, repA.id, "DONE", 1);
    recs.dismissed = await rec(c1.id, call.id, repA.id, "DISMISSED", 0.5); // more recent, but not acted on
    recs.control = await rec(c1.id, offer.id, repA.id, "EXPIRED", null, true);
    recs.otherCustomer = await rec(c2.id, call.id, repB.id, "DONE", 2);
    recs.c3done = await rec(c3.id, call.id, repA.id, "DONE", 20);
    key = (await createApiKey("sentiment", ["events:write"])).key;
  });
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("records valid feedback linked to the latest acted-on suggestion in the window, the event and its row together", async () => {
    const before = await counts();
    const [r] = await results([fb("S-1", iso(0.25), { csat: 2, verdict: "INTRUSIVE", comment: "Called me twice in a day" })]);
    expect(r).toEqual({ index: 0, status: "recorded", feedback: { link: "attributed", recommendationId: recs.latest, actionKey: "offer" } });
    expect(await counts()).toEqual({ events: before.events + 1, feedback: before.feedback + 1 });
    const row = await db().contactFeedback.findFirstOrThrow({ where: { recommendationId: recs.latest } });
    expect(row).toMatchObject({ customerId: ids.c1, actionTypeId: ids.offer, csat: 2, verdict: "INTRUSIVE", comment: "Called me twice in a day", occurredAt: at(0.25) });
    const event = await db().customerEvent.findFirst({ where: { id: row.eventId ?? -1 }, select: { type: true } });
    expect(event?.type).toBe("CONTACT_FEEDBACK");
  });

  it("links to an explicit recommendationId of the same customer, even an older one", async () => {
    const [r] = await results([fb("S-1", iso(0.2), { verdict: "HELPFUL", recommendationId: recs.old })]);
    expect(r!.feedback).toEqual({ link: "explicit", recommendationId: recs.old, actionKey: "call" });
    expect(await db().contactFeedback.count({ where: { recommendationId: recs.old, verdict: "HELPFUL", csat: null } })).toBe(1);
  });

  it("links only to a decision within 14 days before the feedback; otherwise stores it unlinked and says so", async () => {
    // S-3's only suggestion was done 20 days ago: 7 days ago it was 13 days old, today 20.
    const [inWindow, tooLate, before] = await results([fb("S-3", iso(7), { csat: 5 }), fb("S-3", iso(0.1), { csat: 4, verdict: "RELEVANT" }), fb("S-3", iso(25), { csat: 3 })]);
    expect(inWindow!.feedback).toEqual({ link: "attributed", recommendationId: recs.c3done, actionKey: "call" });
    expect(tooLate!.feedback).toEqual({ link: "unlinked", recommendationId: null, actionKey: null });
    expect(before!.feedback).toEqual({ link: "unlinked", recommendationId: null, actionKey: null });
    expect(await db().contactFeedback.count({ where: { customerId: ids.c3, recommendationId: null, actionTypeId: null } })).toBe(2);
  });

  it("refuses bad feedback item by item, naming the field, and writes nothing for it", async () => {
    const before = await counts();
    const t = iso(0.1);
    const res = await results([
      fb("S-1", t, { csat: 0 }),
      fb("S-1", t, { csat: 6 }),
      fb("S-1", t, { csat: 3.5 }),
      fb("S-1", t, { verdict: "ANNOYING" }),
      fb("S-1", t, { comment: "no score" }),
      fb("S-1", t, undefined),
      fb("S-1", t, { csat: 4, comment: "x".repeat(2001) }),
      fb("S-1", t, { csat: 4, recommendationId: recs.otherCustomer }),
      fb("S-1", t, { csat: 4, recommendationId: recs.control }),
      fb("S-1", t, { csat: 4, recommendationId: "00000000-0000-4000-8000-000000000000" }),
      fb("S-1", t, { csat: 4, recommendationId: "not-a-uuid" }),
      fb("S-1", t, { csat: 4, mood: "sad" }),
      fb("S-1", t, { csat: 4, comment: "ok\u0000" }),
    ]);
    const errs = res.map((r) => [r.status, r.errors?.map((e) => e.path)]);
    expect(errs).toEqual([
      ["rejected", ["payload.csat"]],
      ["rejected", ["payload.csat"]],
      ["rejected", ["payload.csat"]],
      ["rejected", ["payload.verdict"]],
      ["rejected", ["payload"]],
      ["rejected", ["payload"]],
      ["rejected", ["payload.comment"]],
      ["rejected", ["payload.recommendationId"]],
      ["rejected", ["payload.recommendationId"]],
      ["rejected", ["payload.recommendationId"]],
      ["rejected", ["payload.recommendationId"]],
      ["rejected", ["payload"]],
      ["rejected", ["payload.comment"]],
    ]);
    expect(res[1]!.errors![0]!.message).toBe("csat is at most 5 (very satisfied)");
    expect(res[4]!.errors![0]!.message).toMatch(/csat .*verdict/);
    expect(res[6]!.errors![0]!.message).toMatch(/At most 2000 characters/);
    expect(res[7]!.errors![0]!.message).toBe("No suggestion with this id belongs to this customer");
    expect(res[8]!.errors![0]!.message).toMatch(/control group/);
    expect(res[11]!.errors![0]!.message).toMatch(/mood/);
    expect(await counts()).toEqual(before);
  });

  it("a bad item does not block the good ones in its batch; exactly 2000 characters is accepted", async () => {
    const before = await counts();
    const res = await results([fb("S-1", iso(0.1), { csat: 4, recommendationId: recs.otherCustomer }), fb("S-1", iso(0.1), { csat: 4, comment: "y".repeat(2000) })]);
    expect(res.map((r) => r.status)).toEqual(["rejected", "recorded"]);
    expect(await counts()).toEqual({ events: before.events + 1, feedback: before.feedback + 1 });
  });

  it("an idempotent retry records one event and one feedback row; the key with other feedback is refused", async () => {
    const before = await counts();
    const item = fb("S-1", iso(0.05), { csat: 5, verdict: "RELEVANT" }, { idempotencyKey: "survey-77" });
    expect((await results([item, item])).map((r) => r.status)).toEqual(["recorded", "duplicate"]);
    expect(await results([item])).toEqual([{ index: 0, status: "duplicate" }]);
    const other = await results([{ ...item, payload: { csat: 1, verdict: "INTRUSIVE" } }]);
    expect([other[0]!.status, other[0]!.code]).toEqual(["rejected", "IDEMPOTENCY_KEY_REUSED"]);
    expect(await counts()).toEqual({ events: before.events + 1, feedback: before.feedback + 1 });
  });

  it("aggregates by action and period within the viewer's team only", async () => {
    // Team B's customer says something too; team A's aggregates must not see it.
    const [b] = await results([fb("S-2", iso(0.3), { csat: 1, verdict: "INTRUSIVE", comment: "Team B's secret" })]);
    expect(b!.feedback!.recommendationId).toBe(recs.otherCustomer);
    const scope = (teamId: string | null) => ({ from: at(60), toExclusive: at(-1), teamId, actionKey: null, segment: null, grain: "week" as const, now: new Date(NOW) });

    // Team A by hand, from the tests above:
    // S-1 attributed to "offer" (latest DONE): csat 2 INTRUSIVE; csat 4 (2000 chars); csat 5 RELEVANT (idempotent) -> n 3, csat mean 11/3, verdicts 2 (1 intrusive, 1 relevant).
    // S-1 explicit "call": HELPFUL without csat. S-3 "call" (in window): csat 5. S-3 unlinked: csat 4 RELEVANT, csat 3.
    const a = await sentimentMetrics(scope(ids.teamA));
    expect(a.total).toEqual({ n: 7, csatN: 6, csatMean: expect.any(Number), csatSd: expect.any(Number), verdictN: 4, helpful: 1, relevant: 2, intrusive: 1 });
    expect(a.total.csatMean).toBeCloseTo((2 + 4 + 5 + 5 + 4 + 3) / 6, 10);
    const byKey = new Map(a.byAction.map((r) => [r.actionKey, r]));
    expect(byKey.get("offer")).toMatchObject({ n: 3, csatN: 3, verdictN: 2, intrusive: 1, relevant: 1, helpful: 0 });
    expect(byKey.get("offer")!.csatMean).toBeCloseTo(11 / 3, 10);
    expect(byKey.get("call")).toMatchObject({ n: 2, csatN: 1, csatMean: 5, verdictN: 1, helpful: 1 });
    expect(byKey.get(null)).toMatchObject({ n: 2, csatN: 2, csatMean: 3.5, verdictN: 1, relevant: 1 });
    expect(a.byBucket.reduce((s, r) => s + r.n, 0)).toBe(7);
    expect(a.byActionBucket.reduce((s, r) => s + r.n, 0)).toBe(5);
    expect((await recentComments(scope(ids.teamA))).map((c) => c.comment)).not.toContain("Team B's secret");

    const b2 = await sentimentMetrics(scope(ids.teamB));
    expect(b2.total).toMatchObject({ n: 1, csatN: 1, csatMean: 1, intrusive: 1 });
    expect((await recentComments(scope(ids.teamB))).map((c) => c.comment)).toEqual(["Team B's secret"]);
    expect((await sentimentMetrics(scope(null))).total.n).toBe(8);
    // Segment and action filters.
    expect((await sentimentMetrics({ ...scope(ids.teamA), segment: "ENTERPRISE" })).total.n).toBe(3);
    expect((await sentimentMetrics({ ...scope(ids.teamA), actionKey: "call" })).total.n).toBe(2);
  });

  it("counts the intrusive flag's two 28-day windows per action, scoped by team", async () => {
    // 25 responses with a verdict for "call" in each window on S-1 (team A): 2 intrusive before, 12 in the last 28 days.
    const rows = [];
    for (let i = 0; i < 25; i++) {
      rows.push({ customerId: ids.c1, actionTypeId: ids.call, verdict: i < 2 ? "INTRUSIVE" : "HELPFUL", occurredAt: at(30 + i) } as const);
      rows.push({ customerId: ids.c1, actionTypeId: ids.call, verdict: i < 12 ? "INTRUSIVE" : "RELEVANT", occurredAt: at(1 + i) } as const);
    }
    await db().contactFeedback.createMany({ data: rows });
    const windows = await intrusiveWindowCounts({ teamId: ids.teamA, actionKey: null, segment: null }, new Date(NOW));
    // Plus what earlier tests recorded for "call" in team A: HELPFUL (explicit), none intrusive.
    const call = windows.find((w) => w.actionKey === "call")!;
    expect(call).toMatchObject({ lastVerdicts: 26, lastIntrusive: 12, previousVerdicts: 25, previousIntrusive: 2 });
    expect(intrusiveFlag({ verdicts: call.lastVerdicts, intrusive: call.lastIntrusive }, { verdicts: call.previousVerdicts, intrusive: call.previousIntrusive }).flagged).toBe(true);
    // Team B sees its own window only.
    const b = await intrusiveWindowCounts({ teamId: ids.teamB, actionKey: null, segment: null }, new Date(NOW));
    expect(b).toEqual([expect.objectContaining({ actionKey: "call", lastVerdicts: 1, lastIntrusive: 1, previousVerdicts: 0 })]);
  });

  it("documents CONTACT_FEEDBACK and its payload in the OpenAPI document", async () => {
    const doc = await openapiRoute.GET(new Request("http://test/api/v1/openapi.json")).json();
    expect(doc.components.schemas.Event.properties.type.enum).toContain("CONTACT_FEEDBACK");
    const p = doc.components.schemas.ContactFeedbackPayload;
    expect(p.properties.csat).toMatchObject({ type: "integer", minimum: 1, maximum: 5 });
    expect(p.properties.verdict.enum).toEqual(["HELPFUL", "RELEVANT", "INTRUSIVE"]);
    expect(p.properties.comment.maxLength).toBe(2000);
    expect(p.additionalProperties).toBe(false);
    expect(doc.paths["/api/v1/events"].post.description).toMatch(/CONTACT_FEEDBACK/);
  });
});
