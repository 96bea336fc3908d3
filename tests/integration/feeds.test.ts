import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import pg from "pg";
import { ADMIN_URL, postgresReachable } from "../support/test-db";

// The BI feeds page through everything exactly once while writes continue:
// a transaction that started earlier but commits later is waited for, never
// skipped (an id or timestamp cursor would skip it), and nothing is repeated.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_feeds") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { outcomeFeedPage, reactionFeedPage } = await import("@/lib/data/feeds");
const { makeActionType, makeCustomer, makeUser } = await import("../support/fixtures");
const { reactToRecommendation } = await import("@/lib/services/reactions");

type Page = Awaited<ReturnType<typeof reactionFeedPage>>;
type Position = NonNullable<Page["last"]>;

describe.skipIf(!reachable)("BI feeds", () => {
  let rep: { id: string };
  let actionId = "";
  const recIds: string[] = [];

  beforeAll(async () => {
    rep = await makeUser({ role: "REP" });
    actionId = (await makeActionType()).id;
    for (let i = 0; i < 12; i++) {
      const customer = await makeCustomer(rep.id);
      const rows = await db().recommendation.createManyAndReturn({
        data: Array.from({ length: 25 }, (_, j) => ({
          customerId: customer.id,
          actionTypeId: actionId,
          repId: rep.id,
          actionTypeVersion: 1,
          score: j,
          propensity: 0.2,
          expectedValue: 10,
          message: "m",
          reasons: [],
          modelVersion: "test",
          // One creation day per customer: a reaction updates its day's dashboard rollup row (RecommendationDay, per day, rep
          // and action) and holds that row until it commits, so two open transactions reacting to suggestions of one day,
          // rep and action would queue behind each other; the ordering test below needs T2 to commit while T1 is open.
          createdAt: new Date(Date.now() - i * 86_400_000),
          // Closed statuses do not take part in the one-open-per-action index; PENDING ones are one per customer.
          status: j === 0 ? ("PENDING" as const) : ("DONE" as const),
          expiresAt: new Date(Date.now() + 7 * 86_400_000),
        })),
        select: { id: true, status: true },
      });
      recIds.push(...rows.filter((r) => r.status === "PENDING").map((r) => r.id));
    }
  });
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("waits for a transaction that began earlier and commits later, instead of skipping it", async () => {
    const at = await reactionFeedPage(null, 1000);
    let cursor: Position | null = at.last;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let wrote!: (id: number) => void;
    const slowWrote = new Promise<number>((r) => (wrote = r));
    // T1: writes first (its transaction id is the older one) and commits last.
    const slow = own!.prisma.$transaction(
      async (tx) => {
        const { id } = await tx.feedback.create({ data: { recommendationId: recIds[0]!, userId: rep.id, kind: "SNOOZE", previousStatus: "PENDING", snoozeUntil: new Date() }, select: { id: true } });
        wrote(id);
        await gate;
      },
      { timeout: 20_000 },
    );
    try {
      const slowId = await slowWrote;
      // T2: begins after T1 and commits first.
      const fast = await own!.prisma.feedback.create({ data: { recommendationId: recIds[1]!, userId: rep.id, kind: "SNOOZE", previousStatus: "PENDING", snoozeUntil: new Date() }, select: { id: true } });
      expect(fast.id).toBeGreaterThan(slowId);
      const held = await reactionFeedPage(cursor, 1000);
      expect(held.items.map((r) => r.id)).toEqual([]); // T2's row waits behind T1, which is still running
      release();
      await slow;
      const after = await reactionFeedPage(cursor, 1000);
      expect(after.items.map((r) => r.id)).toEqual([slowId, fast.id]);
      cursor = after.last;
    } finally {
      release();
      await slow.catch(() => {});
    }
    expect((await reactionFeedPage(cursor, 1000)).items).toEqual([]);
  });

  it("is not held back by a transaction running in another database of the same server", async () => {
    const from = (await reactionFeedPage(null, 1000)).last;
    // A long transaction elsewhere (a bulk load, a report) with a transaction id older than what follows.
    const other = new pg.Client({ connectionString: ADMIN_URL });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT pg_current_xact_id()");
      const { id } = await db().feedback.create({ data: { recommendationId: recIds[1]!, userId: rep.id, kind: "SNOOZE", previousStatus: "PENDING", snoozeUntil: new Date() }, select: { id: true } });
      expect((await reactionFeedPage(from, 1000)).items.map((r) => r.id)).toEqual([id]);
    } finally {
      await other.query("ROLLBACK").catch(() => {});
      await other.end();
    }
  });

  it("pages through every reaction and every outcome change exactly once while reactions keep coming", async () => {
    const start = { reactions: (await reactionFeedPage(null, 1000)).last, outcomes: (await outcomeFeedPage(null, 1000)).last };
    // Skip to the end of what exists now, then read only what the writers add.
    const drain = async (read: typeof reactionFeedPage | typeof outcomeFeedPage, from: Position | null) => {
      let cursor = from;
      for (;;) {
        const p = await read(cursor, 1000);
        cursor = p.last ?? cursor;
        if (!p.full) return cursor;
      }
    };
    let reactionsCursor = await drain(reactionFeedPage, start.reactions);
    let outcomesCursor = await drain(outcomeFeedPage, start.outcomes);
    const logged = async (feed: string) => (await db().feedLog.findMany({ where: { feed }, select: { id: true } })).map((r) => r.id.toString());
    const before = { reactions: new Set(await logged("reactions")), outcomes: new Set(await logged("outcomes")) };

    let writing = true;
    const writers = (async () => {
      // Concurrent reactions on different suggestions: accept, then done.
      for (const kind of ["ACCEPT", "DONE"] as const) {
        await Promise.all(recIds.slice(2).map((id, i) => new Promise((r) => setTimeout(r, i * 3)).then(() => reactToRecommendation(rep, { recommendationId: id, kind }))));
      }
      writing = false;
    })();
    const seen = { reactions: [] as string[], outcomes: [] as string[] };
    const reactionIds: number[] = [];
    let caughtUpAfterWrites = false;
    while (!caughtUpAfterWrites) {
      const done = !writing;
      const r = await reactionFeedPage(reactionsCursor, 7);
      const o = await outcomeFeedPage(outcomesCursor, 7);
      seen.reactions.push(...r.items.map((x) => x.position.id));
      reactionIds.push(...r.items.map((x) => x.id));
      seen.outcomes.push(...o.items.map((x) => x.position.id));
      reactionsCursor = r.last ?? reactionsCursor;
      outcomesCursor = o.last ?? outcomesCursor;
      caughtUpAfterWrites = done && !r.full && !o.full;
    }
    await writers;

    const added = async (feed: "reactions" | "outcomes") => (await logged(feed)).filter((id) => !before[feed].has(id)).sort();
    expect(new Set(seen.reactions).size).toBe(seen.reactions.length); // no duplicates
    expect([...seen.reactions].sort()).toEqual(await added("reactions")); // no gaps
    expect(new Set(seen.outcomes).size).toBe(seen.outcomes.length);
    expect([...seen.outcomes].sort()).toEqual(await added("outcomes"));
    // Every reaction the writers recorded, once each.
    const written = await db().feedback.findMany({ where: { recommendationId: { in: recIds.slice(2) } }, select: { id: true } });
    expect(written).toHaveLength(2 * (recIds.length - 2));
    expect([...reactionIds].sort((a, b) => a - b)).toEqual(written.map((w) => w.id).sort((a, b) => a - b));
  });
});
