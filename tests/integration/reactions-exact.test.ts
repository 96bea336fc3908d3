// Exact reaction history (issue 11): undo restores everything the last applied
// reaction changed, reactions are ordered by when they were applied (under the
// row lock), and idempotency keys answer retries, concurrent or later, with the
// stored result and refuse a different request under the same key.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/data/db";
import { applyReaction, readReactionTarget } from "@/lib/data/feedback";
import { keepsDecisionTime, REACTION_TARGET, type RecommendationStatus } from "@/lib/domain/vocabulary";
import { reactToRecommendation } from "@/lib/services/reactions";
import type { ReactionInput } from "@/lib/validation/feedback";
import { repWithRecommendation } from "../support/fixtures";

const DAY = 86_400_000;
const stateOf = async (id: string) =>
  db().recommendation.findUniqueOrThrow({ where: { id }, select: { status: true, snoozedUntil: true, decidedAt: true, expiresAt: true } });

interface State {
  status: RecommendationStatus;
  snoozedUntil: Date | null;
  decidedAt: Date | null;
  expiresAt: Date;
}

/** Replays the applied reactions (Feedback rows in id order) from the initial state, independently of the stored previous* columns. */
function replay(initial: State, rows: { kind: string; snoozeUntil: Date | null; createdAt: Date }[]): State[] {
  const states = [initial];
  for (const r of rows) {
    const s = states[states.length - 1]!;
    if (r.kind === "UNDO") {
      states.push(states[states.length - 2]!);
      continue;
    }
    const status = REACTION_TARGET[r.kind as keyof typeof REACTION_TARGET];
    const snoozedUntil = r.kind === "SNOOZE" ? r.snoozeUntil : null;
    states.push({
      status,
      snoozedUntil,
      decidedAt: keepsDecisionTime(status) ? r.createdAt : null,
      expiresAt: snoozedUntil && snoozedUntil >= s.expiresAt ? new Date(snoozedUntil.getTime() + DAY) : s.expiresAt,
    });
  }
  return states;
}

describe("undo restores the complete previous state", () => {
  it("snooze, then dismiss, then undo: snoozed again with its date", async () => {
    const { rep, rec } = await repWithRecommendation();
    const until = new Date(Date.now() + 3 * DAY);
    await reactToRecommendation(rep, { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: until });
    const snoozed = await stateOf(rec.id);
    await reactToRecommendation(rep, { kind: "DISMISS", recommendationId: rec.id, reason: "NOT_RELEVANT" });
    expect(await stateOf(rec.id)).toMatchObject({ status: "DISMISSED", snoozedUntil: null });
    const undo = await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
    expect(undo.status).toBe("SNOOZED");
    expect(await stateOf(rec.id)).toEqual(snoozed);
    expect(snoozed.snoozedUntil?.getTime()).toBe(until.getTime());
  });

  it("a snooze past the expiry moved it; undo moves it back", async () => {
    const { rep, rec } = await repWithRecommendation();
    const before = await stateOf(rec.id);
    await reactToRecommendation(rep, { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 30 * DAY) });
    expect((await stateOf(rec.id)).expiresAt.getTime()).toBeGreaterThan(before.expiresAt.getTime());
    await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
    expect(await stateOf(rec.id)).toEqual(before);
  });

  it("accept, then done, then undo: accepted with the original decision time", async () => {
    const { rep, rec } = await repWithRecommendation();
    await reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id });
    const accepted = await stateOf(rec.id);
    expect(accepted.decidedAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    await reactToRecommendation(rep, { kind: "DONE", recommendationId: rec.id });
    expect((await stateOf(rec.id)).decidedAt!.getTime()).toBeGreaterThan(accepted.decidedAt!.getTime());
    await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
    expect(await stateOf(rec.id)).toEqual(accepted);
  });

  it("under racing reactions, undo returns to the state before the last applied one", async () => {
    for (let round = 0; round < 3; round++) {
      const { rep, rec } = await repWithRecommendation();
      const initial = await stateOf(rec.id);
      const inputs: ReactionInput[] = [
        { kind: "ACCEPT", recommendationId: rec.id },
        { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 2 * DAY) },
        { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 20 * DAY) },
        { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 5 * DAY) },
        { kind: "ACCEPT", recommendationId: rec.id },
        { kind: "DISMISS", recommendationId: rec.id, reason: "BAD_TIMING" },
        { kind: "DONE", recommendationId: rec.id },
      ];
      const settled = await Promise.allSettled(inputs.map((i) => reactToRecommendation(rep, i)));
      // Refusals are conflicts (a closed suggestion), never anything else.
      for (const s of settled) if (s.status === "rejected") expect(s.reason).toMatchObject({ code: "CONFLICT" });

      const rows = await db().feedback.findMany({ where: { recommendationId: rec.id }, orderBy: { id: "asc" } });
      expect(rows.length).toBeGreaterThan(0);
      // Applied in id order: their times never go backwards.
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.createdAt.getTime());
      const states = replay(initial, rows);
      // Each row kept the state it replaced, and the recommendation is in the replayed final state.
      rows.forEach((r, i) => {
        expect({ status: r.previousStatus, snoozedUntil: r.previousSnoozedUntil, decidedAt: r.previousDecidedAt, expiresAt: r.previousExpiresAt }).toEqual(states[i]);
      });
      expect(await stateOf(rec.id)).toEqual(states[states.length - 1]);

      await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
      expect(await stateOf(rec.id)).toEqual(states[states.length - 2]);
    }
  });
});

describe("a reaction decided on a stale read is not applied", () => {
  // The service reads without a lock, decides, then writes only if the suggestion is still as read
  // (lib/data/feedback.ts applyReaction); otherwise it reads and decides again.
  const acceptFrom = (t: Awaited<ReturnType<typeof readReactionTarget>>, repId: string) => {
    const r = t.recommendation!;
    const previous = { status: r.status, snoozedUntil: r.snoozedUntil, decidedAt: r.decidedAt, expiresAt: r.expiresAt };
    return applyReaction({
      recommendationId: r.id,
      userId: repId,
      kind: "ACCEPT",
      previous,
      lastFeedbackId: t.last?.id ?? null,
      next: { ...previous, status: "ACCEPTED", decidedAt: t.now },
      snoozeUntil: null,
      dismissReason: null,
      note: null,
      idempotencyKey: null,
      requestHash: null,
      at: t.now,
    });
  };
  const counts = async (id: string, userId: string) => ({
    feedback: await db().feedback.count({ where: { recommendationId: id } }),
    usage: await db().usageEvent.count({ where: { userId, type: "REACTION" } }),
  });

  it("another reaction changed the state since the read: nothing written", async () => {
    const { rep, rec } = await repWithRecommendation();
    const stale = await readReactionTarget(rec.id, rep.id, null);
    await reactToRecommendation(rep, { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 2 * DAY) });
    const before = { state: await stateOf(rec.id), ...(await counts(rec.id, rep.id)) };
    expect(await acceptFrom(stale, rep.id)).toBe(false);
    expect({ state: await stateOf(rec.id), ...(await counts(rec.id, rep.id)) }).toEqual(before);
  });

  it("a reaction and its undo restored the same state since the read: still nothing written", async () => {
    const { rep, rec } = await repWithRecommendation();
    const stale = await readReactionTarget(rec.id, rep.id, null);
    await reactToRecommendation(rep, { kind: "DISMISS", recommendationId: rec.id, reason: "NOT_RELEVANT" });
    await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
    const before = { state: await stateOf(rec.id), ...(await counts(rec.id, rep.id)) };
    expect(before.state.status).toBe(stale.recommendation!.status);
    expect(await acceptFrom(stale, rep.id)).toBe(false);
    expect({ state: await stateOf(rec.id), ...(await counts(rec.id, rep.id)) }).toEqual(before);
    // Read again, the same reaction applies, with its Feedback row and usage event.
    expect(await acceptFrom(await readReactionTarget(rec.id, rep.id, null), rep.id)).toBe(true);
    expect(await stateOf(rec.id)).toMatchObject({ status: "ACCEPTED" });
    expect(await counts(rec.id, rep.id)).toEqual({ feedback: before.feedback + 1, usage: before.usage + 1 });
  });

  it("two writes decided on the same read: the row lock lets exactly one apply", async () => {
    const { rep, rec } = await repWithRecommendation();
    const read = await readReactionTarget(rec.id, rep.id, null);
    let writes: Promise<boolean[]> | undefined;
    // Another transaction holds the row while both writes start, so both are past any check that does not wait for it.
    await db().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Recommendation" WHERE id = ${rec.id}::uuid FOR UPDATE`;
      writes = Promise.all([acceptFrom(read, rep.id), acceptFrom(read, rep.id)]);
      await new Promise((r) => setTimeout(r, 300));
    });
    expect((await writes!).filter(Boolean)).toHaveLength(1);
    expect(await counts(rec.id, rep.id)).toMatchObject({ feedback: 1 });
  });

  it("someone else's suggestion is neither read nor written", async () => {
    const { rep, rec } = await repWithRecommendation();
    const { rep: other } = await repWithRecommendation();
    expect((await readReactionTarget(rec.id, other.id, null)).recommendation).toBeNull();
    const mine = await readReactionTarget(rec.id, rep.id, null);
    expect(await acceptFrom(mine, other.id)).toBe(false);
    expect(await stateOf(rec.id)).toMatchObject({ status: mine.recommendation!.status });
  });
});

describe("idempotency keys", () => {
  it("two concurrent snoozes with one key: one applied, both answered with its result", async () => {
    for (let i = 0; i < 10; i++) {
      const { rep, rec } = await repWithRecommendation();
      const input = { kind: "SNOOZE" as const, recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 2 * DAY), idempotencyKey: `snooze-${rec.id}` };
      const [a, b] = await Promise.all([reactToRecommendation(rep, input), reactToRecommendation(rep, input)]);
      expect([a.status, b.status]).toEqual(["SNOOZED", "SNOOZED"]);
      expect([a.recorded, b.recorded].sort()).toEqual([false, true]);
      expect(await db().feedback.count({ where: { recommendationId: rec.id } })).toBe(1);
    }
  });

  it("a later retry gets the first result even after the state moved on", async () => {
    const { rep, rec } = await repWithRecommendation();
    const accept = { kind: "ACCEPT" as const, recommendationId: rec.id, idempotencyKey: `acc-${rec.id}` };
    await reactToRecommendation(rep, accept);
    await reactToRecommendation(rep, { kind: "DONE", recommendationId: rec.id });
    expect(await reactToRecommendation(rep, accept)).toEqual({ id: rec.id, status: "ACCEPTED", recorded: false });
    expect(await db().feedback.count({ where: { recommendationId: rec.id } })).toBe(2);
  });

  it("the same key with a different request is refused with IDEMPOTENCY_KEY_REUSED, and writes nothing", async () => {
    const { rep, rec } = await repWithRecommendation();
    const other = await repWithRecommendation();
    const key = `key-${rec.id}`;
    await reactToRecommendation(rep, { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 2 * DAY), idempotencyKey: key });
    await expect(reactToRecommendation(rep, { kind: "SNOOZE", recommendationId: rec.id, snoozeUntil: new Date(Date.now() + 3 * DAY), idempotencyKey: key })).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
    });
    await expect(reactToRecommendation(rep, { kind: "DISMISS", recommendationId: rec.id, reason: "OTHER", idempotencyKey: key })).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    await expect(reactToRecommendation(other.rep, { kind: "ACCEPT", recommendationId: other.rec.id, idempotencyKey: key })).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    expect(await db().feedback.count({ where: { recommendationId: { in: [rec.id, other.rec.id] } } })).toBe(1);
    expect((await stateOf(other.rec.id)).status).toBe("PENDING");
  });

  it("one key raced on two suggestions: one applied, the other refused, no 500", async () => {
    const a = await repWithRecommendation();
    const b = await repWithRecommendation();
    const key = `race-${a.rec.id}`;
    const settled = await Promise.allSettled([
      reactToRecommendation(a.rep, { kind: "ACCEPT", recommendationId: a.rec.id, idempotencyKey: key }),
      reactToRecommendation(b.rep, { kind: "ACCEPT", recommendationId: b.rec.id, idempotencyKey: key }),
    ]);
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
    const refused = settled.find((s) => s.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    expect(await db().feedback.count({ where: { idempotencyKey: key } })).toBe(1);
  });
});
