import { describe, expect, it } from "vitest";
import { db } from "@/lib/data/db";
import { DomainError } from "@/lib/domain/errors";
import { reactToRecommendation } from "@/lib/services/reactions";
import { makeActionType, makeCustomer, makeRecommendation, makeUser, repWithRecommendation } from "../support/fixtures";

const feedbackCount = (recommendationId: string) => db().feedback.count({ where: { recommendationId } });
const statusOf = async (id: string) => (await db().recommendation.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

describe("reacting to a recommendation", () => {
  it("accepting writes the status, one Feedback row and a usage event", async () => {
    const { rep, rec } = await repWithRecommendation();
    const res = await reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id });
    expect(res).toEqual({ id: rec.id, status: "ACCEPTED", recorded: true });
    expect(await statusOf(rec.id)).toBe("ACCEPTED");
    const fb = await db().feedback.findMany({ where: { recommendationId: rec.id } });
    expect(fb).toHaveLength(1);
    expect(fb[0]).toMatchObject({ kind: "ACCEPT", previousStatus: "PENDING", userId: rep.id });
    expect(await db().usageEvent.count({ where: { userId: rep.id, type: "REACTION" } })).toBe(1);
  });

  it("refuses another rep's recommendation and writes nothing", async () => {
    const { rec } = await repWithRecommendation();
    const intruder = await makeUser();
    await expect(reactToRecommendation(intruder, { kind: "ACCEPT", recommendationId: rec.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await statusOf(rec.id)).toBe("PENDING");
    expect(await feedbackCount(rec.id)).toBe(0);
    expect(await db().usageEvent.count({ where: { userId: intruder.id } })).toBe(0);
  });

  it("records a retried request with the same idempotency key once", async () => {
    const { rep, rec } = await repWithRecommendation();
    const input = { kind: "ACCEPT" as const, recommendationId: rec.id, idempotencyKey: `key-${rec.id}` };
    const first = await reactToRecommendation(rep, input);
    const second = await reactToRecommendation(rep, input);
    expect(first.recorded).toBe(true);
    expect(second).toEqual({ id: rec.id, status: "ACCEPTED", recorded: false });
    expect(await feedbackCount(rec.id)).toBe(1);
  });

  it("records a concurrent double click once", async () => {
    const { rep, rec } = await repWithRecommendation();
    const results = await Promise.allSettled([
      reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id, idempotencyKey: `a-${rec.id}` }),
      reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id, idempotencyKey: `b-${rec.id}` }),
    ]);
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect(await feedbackCount(rec.id)).toBe(1);
  });

  it("dismiss stores the reason; undo restores the previous status", async () => {
    const { rep, rec } = await repWithRecommendation();
    await reactToRecommendation(rep, { kind: "DISMISS", recommendationId: rec.id, reason: "BAD_TIMING", note: "on holiday" });
    expect(await statusOf(rec.id)).toBe("DISMISSED");
    const undo = await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
    expect(undo.status).toBe("PENDING");
    const fb = await db().feedback.findMany({ where: { recommendationId: rec.id }, orderBy: { id: "asc" } });
    expect(fb.map((f) => [f.kind, f.dismissReason, f.note])).toEqual([
      ["DISMISS", "BAD_TIMING", "on holiday"],
      ["UNDO", null, null],
    ]);
    await expect(reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id })).rejects.toBeInstanceOf(DomainError);
  });

  it("snooze hides it until the date and done closes it", async () => {
    const { rep, rec } = await repWithRecommendation();
    const until = new Date(Date.now() + 3 * 86_400_000);
    await reactToRecommendation(rep, { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: until });
    const snoozed = await db().recommendation.findUniqueOrThrow({ where: { id: rec.id } });
    expect(snoozed.status).toBe("SNOOZED");
    expect(snoozed.snoozedUntil?.getTime()).toBe(until.getTime());
    await reactToRecommendation(rep, { kind: "DONE", recommendationId: rec.id });
    expect(await statusOf(rec.id)).toBe("DONE");
    await expect(reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("showing the queue", () => {
  it("stamps shownAt once, for the rep's own suggestions only", async () => {
    const { markShown } = await import("@/lib/data/recommendations");
    const { rep, rec } = await repWithRecommendation();
    const other = await repWithRecommendation();
    const t1 = new Date("2026-11-23T09:00:00Z");
    await markShown(rep.id, [rec.id, other.rec.id], t1);
    await markShown(rep.id, [rec.id], new Date("2026-11-23T10:00:00Z"));
    const shown = async (id: string) => (await db().recommendation.findUniqueOrThrow({ where: { id }, select: { shownAt: true } })).shownAt;
    expect(await shown(rec.id)).toEqual(t1);
    expect(await shown(other.rec.id)).toBeNull();
  });

  it("lists exactly the rep's visible suggestions, best first, with their customer and action", async () => {
    const { listOpenQueue, openForCustomer } = await import("@/lib/data/recommendations");
    const { rep, rec: visible } = await repWithRecommendation();
    const customer = await makeCustomer(rep.id, { name: "Quinn Queue", lifetimeValue: 1234.5 });
    const action = await makeActionType({ category: "OFFER" });
    // One open suggestion per customer and action: each gets a customer of its own, the first the named one.
    let named = true;
    const make = async (o: Partial<Parameters<typeof makeRecommendation>[0]> = {}) => {
      const customerId = named ? customer.id : (await makeCustomer(rep.id)).id;
      named = false;
      return makeRecommendation({ customerId, actionTypeId: action.id, repId: rep.id, ...o });
    };
    const best = await make({ status: "ACCEPTED" });
    await db().recommendation.update({ where: { id: best.id }, data: { score: 99, reasons: [{ code: "X", text: "Because of X" }] } });
    const wokeUp = await make({ status: "SNOOZED" });
    await db().recommendation.update({ where: { id: wokeUp.id }, data: { score: 5, snoozedUntil: new Date(Date.now() - 3_600_000) } });
    const sleeping = await make({ status: "SNOOZED" });
    await db().recommendation.update({ where: { id: sleeping.id }, data: { snoozedUntil: new Date(Date.now() + 86_400_000) } });
    await make({ status: "PENDING", expiresAt: new Date(Date.now() - 1000) });
    await make({ status: "PENDING", isControl: true });
    await make({ status: "DONE" });
    await make({ status: "DISMISSED" });
    const other = await repWithRecommendation();

    const { items } = await listOpenQueue(rep);
    expect(items.map((i) => i.id)).toEqual([best.id, visible.id, wokeUp.id]);
    expect(items.some((i) => i.id === other.rec.id)).toBe(false);
    const top = items[0]!;
    const stored = await db().recommendation.findUniqueOrThrow({ where: { id: best.id }, select: { expiresAt: true, actionType: { select: { key: true, name: true } } } });
    expect(top).toEqual({
      id: best.id,
      customer: { id: customer.id, externalId: customer.externalId, name: "Quinn Queue", company: null, segment: "SMB", email: null, phone: null, lifetimeValue: 1234.5 },
      action: { key: stored.actionType.key, name: stored.actionType.name, category: "OFFER" },
      message: "Reach out",
      reasons: [{ code: "X", text: "Because of X" }],
      score: 99,
      expectedValue: 30,
      status: "ACCEPTED",
      expiresAt: stored.expiresAt,
    });
    // The customer page and the embed read the same way, per customer.
    expect(await openForCustomer(customer.id)).toEqual([top]);
    const customerOf = async (id: string) => (await db().recommendation.findUniqueOrThrow({ where: { id }, select: { customerId: true } })).customerId;
    expect(await openForCustomer(await customerOf(sleeping.id))).toEqual([]);
    expect((await openForCustomer(await customerOf(wokeUp.id))).map((i) => i.id)).toEqual([wokeUp.id]);
  });

  it("lists which queue items are shown for the first time, so a repeat view writes nothing", async () => {
    const { listOpenQueue, markShown } = await import("@/lib/data/recommendations");
    const { rep, rec } = await repWithRecommendation();
    const first = await listOpenQueue(rep);
    expect(first.items.map((i) => i.id)).toEqual([rec.id]);
    expect(first.unshown).toEqual([rec.id]);
    await markShown(rep.id, first.unshown);
    const again = await listOpenQueue(rep);
    expect(again.items.map((i) => i.id)).toEqual([rec.id]);
    expect(again.unshown).toEqual([]);
  });
});
