// The live queue (issue 14): the trigger NOTIFYs a rep's own channel when a
// shown suggestion of theirs is created, changed or removed, and nobody else's;
// and the last reaction undo can take back is read from the server, so undo
// survives a reload.
import { describe, expect, it } from "vitest";
import { databaseMode } from "@/lib/config/env";
import { db } from "@/lib/data/db";
import { lastUndoableReaction } from "@/lib/data/feedback";
import { queueChannel, subscribeToQueue, type ChannelSubscription } from "@/lib/data/queue-events";
import { reactToRecommendation } from "@/lib/services/reactions";
import { makeCustomer, makeRecommendation, repWithRecommendation } from "../support/fixtures";

/** A subscription that counts notifications and lets a test wait for the next one (bounded by the test timeout, not a timer). */
async function listen(repId: string) {
  let count = 0;
  let waiters: (() => void)[] = [];
  const sub = (await subscribeToQueue(
    repId,
    () => {
      count++;
      waiters.forEach((w) => w());
      waiters = [];
    },
    () => undefined,
  )) as ChannelSubscription;
  return {
    sub,
    count: () => count,
    next: (n: number) => new Promise<void>((resolve) => (count >= n ? resolve() : waiters.push(() => count >= n && resolve()))),
  };
}

const postgres = databaseMode().kind === "postgres";

describe.skipIf(!postgres)("queue notifications (LISTEN/NOTIFY)", () => {
  it("a rep hears a new suggestion, a reaction and a removal of their own", async () => {
    const { rep, action, rec } = await repWithRecommendation();
    const l = await listen(rep.id);
    try {
      await reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id });
      await l.next(1);
      const other = await makeCustomer(rep.id);
      await makeRecommendation({ customerId: other.id, actionTypeId: action.id, repId: rep.id });
      await l.next(2);
      await db().recommendation.delete({ where: { id: rec.id } });
      await l.next(3);
      expect(l.count()).toBe(3);
    } finally {
      await l.sub.close();
    }
  });

  it("another rep's changes and control-group suggestions reach nobody; one transaction is one notification", async () => {
    const a = await repWithRecommendation();
    const b = await repWithRecommendation();
    const l = await listen(a.rep.id);
    try {
      await reactToRecommendation(b.rep, { kind: "ACCEPT", recommendationId: b.rec.id });
      const c = await makeCustomer(a.rep.id);
      await makeRecommendation({ customerId: c.id, actionTypeId: a.action.id, repId: a.rep.id, isControl: true });
      // Ten new suggestions in one transaction.
      await db().$transaction(async (tx) => {
        for (let i = 0; i < 10; i++) {
          const cu = await tx.customer.create({ data: { externalId: `LIVE-${a.rep.id}-${i}`, name: `Live ${i}`, segment: "SMB", ownerId: a.rep.id }, select: { id: true } });
          await tx.recommendation.create({
            data: { customerId: cu.id, actionTypeId: a.action.id, repId: a.rep.id, actionTypeVersion: 1, score: 1, propensity: 0.1, expectedValue: 1, message: "m", reasons: [], status: "PENDING", modelVersion: "t", expiresAt: new Date(Date.now() + 86_400_000) },
          });
        }
      });
      // Notifications arrive in commit order: had b's accept or the control row reached a, they would be counted first.
      await l.next(1);
      await reactToRecommendation(a.rep, { kind: "ACCEPT", recommendationId: a.rec.id });
      await l.next(2);
      expect(l.count()).toBe(2);
    } finally {
      await l.sub.close();
    }
  });

  it("channel names are built from a checked uuid only", () => {
    expect(queueChannel("0B3F0C2A-1111-4222-8333-444455556666")).toBe("queue_0b3f0c2a111142228333444455556666");
    expect(() => queueChannel("x; NOTIFY y")).toThrow();
  });
});

describe("undo after a reload: the last reaction is the server's", () => {
  it("is the rep's latest reaction while it is still the latest on its suggestion, and none after an undo", async () => {
    const { rep, rec } = await repWithRecommendation();
    expect(await lastUndoableReaction(rep.id)).toBeNull();
    await reactToRecommendation(rep, { kind: "ACCEPT", recommendationId: rec.id });
    expect(await lastUndoableReaction(rep.id)).toMatchObject({ recommendationId: rec.id, kind: "ACCEPT", actionName: expect.any(String), customerName: expect.any(String) });
    await reactToRecommendation(rep, { kind: "UNDO", recommendationId: rec.id });
    expect(await lastUndoableReaction(rep.id)).toBeNull();
  });

  it("is nothing once it is older than the window, and never another rep's", async () => {
    const a = await repWithRecommendation();
    const b = await repWithRecommendation();
    await reactToRecommendation(a.rep, { kind: "DONE", recommendationId: a.rec.id });
    expect(await lastUndoableReaction(b.rep.id)).toBeNull();
    expect(await lastUndoableReaction(a.rep.id, new Date(Date.now() + 2 * 86_400_000))).toBeNull();
  });
});
