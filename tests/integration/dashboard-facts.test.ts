// The outcome columns on Recommendation and the UsageDay rollup are kept by
// database triggers (migration 20261124000000_dashboard_facts): these tests
// drive them through the application's own write paths and check the result.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/data/db";
import { reactToRecommendation } from "@/lib/services/reactions";
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";
import { makeActionType, makeCustomer, makeRecommendation, makeTeam, makeUser } from "../support/fixtures";

const DAY = 86_400_000;

async function facts(id: string) {
  const r = await db().recommendation.findUniqueOrThrow({
    where: { id },
    select: { firstReactionAt: true, snoozedAt: true, dismissReason: true, purchasedAt: true, convertedAt: true, attributedRevenue: true },
  });
  return { ...r, attributedRevenue: Number(r.attributedRevenue) };
}

async function setup() {
  const team = await makeTeam();
  const rep = await makeUser({ teamId: team.id });
  const customer = await makeCustomer(rep.id);
  const action = await makeActionType();
  return { rep, customer, action };
}

const purchase = (customerId: string, occurredAt: Date, amount: number) =>
  db().customerEvent.create({ data: { customerId, type: "PURCHASE", occurredAt, amount } });

describe("dashboard facts kept by triggers", () => {
  it("uses the same attribution window as the application", async () => {
    const [row] = await db().$queryRaw<{ days: number }[]>`SELECT EXTRACT(DAY FROM nudge_attribution_window())::int AS days`;
    expect(row?.days).toBe(ATTRIBUTION_WINDOW_DAYS);
  });

  it("stamps the first reaction, the first snooze and the dismiss reason; an undo keeps the first reaction", async () => {
    const { rep, customer, action } = await setup();
    const rec = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id });
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: null, snoozedAt: null, dismissReason: null });

    const t1 = new Date(Date.now() - 60_000);
    await reactToRecommendation(rep, { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + DAY) }, t1);
    const t2 = new Date(Date.now() - 30_000);
    await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id }, t2);
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: t1, snoozedAt: t1, dismissReason: null });

    await reactToRecommendation(rep, { kind: "DISMISS", recommendationId: rec.id, reason: "BAD_TIMING" });
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: t1, snoozedAt: t1, dismissReason: "BAD_TIMING" });
  });

  it("a reaction writes its suggestion once: its facts come with the state, not from a second update", async () => {
    // Migration 20261213000000_reaction_facts_in_one_update. Each reaction is applied the way the service applies it
    // (nudge_apply_reaction), in a transaction that then counts the Recommendation rows it updated, triggers included.
    const { rep, customer, action } = await setup();
    const rec = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id });
    const expiresAt = (await db().recommendation.findUniqueOrThrow({ where: { id: rec.id }, select: { expiresAt: true } })).expiresAt;
    const apply = (step: { kind: "SNOOZE" | "DISMISS" | "ACCEPT"; prev: string; next: string; at: Date; snoozed?: Date | null; decided?: Date | null; reason?: string | null; last: number | null }) =>
      db().$transaction(async (tx) => {
        // The counter also holds the connection's earlier transactions until the backend reports them (at most once a
        // second, never inside a transaction): the difference within this one is this reaction's.
        const count = async () => (await tx.$queryRaw<{ n: number }[]>`SELECT pg_stat_get_xact_tuples_updated('"Recommendation"'::regclass)::int AS n`)[0]?.n ?? NaN;
        const before = await count();
        const [applied] = await tx.$queryRaw<{ ok: boolean }[]>`
          SELECT nudge_apply_reaction(${rec.id}::uuid, ${rep.id}::uuid, ${step.kind}::"FeedbackKind", ${step.prev}::"RecommendationStatus",
                 NULL::timestamp(3), NULL::timestamp(3), ${expiresAt}::timestamp(3), ${step.last}::int,
                 ${step.next}::"RecommendationStatus", ${step.snoozed ?? null}::timestamp(3), ${step.decided ?? null}::timestamp(3), ${expiresAt}::timestamp(3),
                 ${step.snoozed ?? null}::timestamp(3), ${step.reason ?? null}::"DismissReason", NULL::text, NULL::text, NULL::text, ${step.at}::timestamp(3)) AS ok`;
        return { applied: applied?.ok, updated: (await count()) - before };
      });
    const lastFeedback = async () => (await db().feedback.findFirst({ where: { recommendationId: rec.id }, orderBy: { id: "desc" }, select: { id: true } }))?.id ?? null;

    const t1 = new Date(Date.now() - 60_000);
    const snoozeUntil = new Date(Date.now() + DAY);
    expect(await apply({ kind: "SNOOZE", prev: "PENDING", next: "SNOOZED", at: t1, snoozed: snoozeUntil, last: null })).toEqual({ applied: true, updated: 1 });
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: t1, snoozedAt: t1, dismissReason: null });

    // The snooze left snoozedUntil set; the dismissal is decided from that state (as the service reads it).
    await db().recommendation.update({ where: { id: rec.id }, data: { status: "PENDING", snoozedUntil: null } });
    const t2 = new Date(Date.now() - 30_000);
    expect(await apply({ kind: "DISMISS", prev: "PENDING", next: "DISMISSED", at: t2, decided: t2, reason: null, last: await lastFeedback() })).toEqual({ applied: true, updated: 1 });
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: t1, snoozedAt: t1, dismissReason: "OTHER" });
  });

  it("feedback written by any other path still sets the facts, earliest first", async () => {
    const { rep, customer, action } = await setup();
    const rec = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id });
    const t1 = new Date(Date.now() - 60_000);
    const t0 = new Date(Date.now() - 120_000);
    await db().feedback.create({ data: { recommendationId: rec.id, userId: rep.id, kind: "DISMISS", dismissReason: "NOT_RELEVANT", previousStatus: "PENDING", createdAt: t1 } });
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: t1, snoozedAt: null, dismissReason: "NOT_RELEVANT" });
    // An older reaction arriving later (a back-dated import) moves the first reaction and the first snooze back.
    await db().feedback.create({ data: { recommendationId: rec.id, userId: rep.id, kind: "SNOOZE", previousStatus: "PENDING", createdAt: t0 } });
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: t0, snoozedAt: t0, dismissReason: "NOT_RELEVANT" });
    // A later one changes nothing the facts hold.
    await db().feedback.create({ data: { recommendationId: rec.id, userId: rep.id, kind: "ACCEPT", previousStatus: "PENDING", createdAt: new Date() } });
    expect(await facts(rec.id)).toMatchObject({ firstReactionAt: t0, snoozedAt: t0, dismissReason: "NOT_RELEVANT" });
  });

  it("marks a purchase after acceptance as a conversion and credits it; undoing the acceptance takes both back", async () => {
    const { rep, customer, action } = await setup();
    const rec = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id });
    const acceptedAt = new Date(Date.now() - 2 * DAY);
    await reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id }, acceptedAt);

    const boughtAt = new Date(acceptedAt.getTime() + DAY);
    await purchase(customer.id, boughtAt, 120.5);
    expect(await facts(rec.id)).toMatchObject({ convertedAt: boughtAt, attributedRevenue: 120.5 });
    // A purchase before the recommendation existed counts for neither.
    await purchase(customer.id, new Date(Date.now() - 30 * DAY), 999);
    expect(await facts(rec.id)).toMatchObject({ convertedAt: boughtAt, attributedRevenue: 120.5 });

    await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
    expect(await facts(rec.id)).toMatchObject({ convertedAt: null, attributedRevenue: 0 });
  });

  it("credits each purchase once, to the latest accepted recommendation whose window covers it", async () => {
    const { rep, customer, action } = await setup();
    const other = await makeActionType();
    const older = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id });
    const newer = await makeRecommendation({ customerId: customer.id, actionTypeId: other.id, repId: rep.id });
    const base = Date.now() - 5 * DAY;
    await reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: older.id }, new Date(base));
    await reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: newer.id }, new Date(base + DAY));
    await purchase(customer.id, new Date(base + 2 * DAY), 50);

    // Both converted; only the newer one is credited.
    expect(await facts(older.id)).toMatchObject({ attributedRevenue: 0 });
    expect((await facts(older.id)).convertedAt).not.toBeNull();
    expect(await facts(newer.id)).toMatchObject({ attributedRevenue: 50 });

    // Undo the newer acceptance: the credit moves back to the older one.
    await reactToRecommendation(rep, { kind: "UNDO", recommendationId: newer.id });
    expect(await facts(older.id)).toMatchObject({ attributedRevenue: 50 });
    expect(await facts(newer.id)).toMatchObject({ attributedRevenue: 0, convertedAt: null });
  });

  it("ignores purchases outside the window and counts control recommendations for treated-vs-control only", async () => {
    const { rep, customer, action } = await setup();
    const control = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id, isControl: true, status: "EXPIRED" });
    const created = (await db().recommendation.findUniqueOrThrow({ where: { id: control.id }, select: { createdAt: true } })).createdAt;
    await purchase(customer.id, new Date(created.getTime() + (ATTRIBUTION_WINDOW_DAYS + 1) * DAY), 10);
    expect(await facts(control.id)).toMatchObject({ purchasedAt: null, convertedAt: null, attributedRevenue: 0 });
    const inside = new Date(created.getTime() + ATTRIBUTION_WINDOW_DAYS * DAY);
    await purchase(customer.id, inside, 10);
    expect(await facts(control.id)).toMatchObject({ purchasedAt: inside, convertedAt: null, attributedRevenue: 0 });
  });

  it("rolls usage up per user and UTC day, leaving dashboard views out", async () => {
    const rep = await makeUser();
    const at = (s: string) => new Date(`2026-02-03T${s}Z`);
    await db().usageEvent.createMany({
      data: [
        { userId: rep.id, type: "SIGN_IN", at: at("08:00:00") },
        { userId: rep.id, type: "QUEUE_VIEW", at: at("08:01:00") },
        { userId: rep.id, type: "QUEUE_VIEW", at: at("13:00:00") },
        { userId: rep.id, type: "DASHBOARD_VIEW", at: at("23:00:00") },
      ],
    });
    await db().usageEvent.create({ data: { userId: rep.id, type: "SIGN_IN", at: at("07:30:00") } });
    await db().usageEvent.create({ data: { userId: rep.id, type: "CUSTOMER_VIEW", at: new Date("2026-02-04T00:00:00Z") } });
    const days = await db().usageDay.findMany({ where: { userId: rep.id }, orderBy: { day: "asc" } });
    expect(days).toEqual([
      { userId: rep.id, day: new Date("2026-02-03T00:00:00Z"), signIns: 2, queueViews: 2, customerViews: 0, reactions: 0, firstSignInAt: at("07:30:00"), lastActiveAt: at("13:00:00") },
      { userId: rep.id, day: new Date("2026-02-04T00:00:00Z"), signIns: 0, queueViews: 0, customerViews: 1, reactions: 0, firstSignInAt: null, lastActiveAt: new Date("2026-02-04T00:00:00Z") },
    ]);
  });
});
