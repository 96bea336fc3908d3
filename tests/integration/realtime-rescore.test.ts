import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The event re-score's short path (issue 17): its transaction on a pg
// connection without Prisma (lib/data/raw.ts rawTransaction), its scoring
// context kept while the rows it is read from are unchanged
// (loadRealtimeContext), and the customers' history read beside the
// transaction, before it (GenerationOptions.history). Own database: the
// context is global (catalog, settings, model, draw), and other files change
// it while they run.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_realtime") : null;
if (own) process.env.DATABASE_URL = own.url;
// A small pool, so a transaction waiting for a connection another one holds would show (see the burst test).
process.env.DATABASE_POOL_SIZE = "2";
process.env.DATABASE_TX_MAX_WAIT_MS = "3000";

const { db, pgPool } = await import("@/lib/data/db");
const { rawTransaction } = await import("@/lib/data/raw");
const { Prisma } = await import("@/lib/generated/prisma/client");
const { generateRecommendations, loadRealtimeContext } = await import("@/lib/services/generation");
const { loadHistory } = await import("@/lib/data/decisions");
const { recordEvents } = await import("@/lib/services/ingest");
const { makeActionType, makeCustomer, makeRecommendation, makeUser } = await import("../support/fixtures");

const DAY = 86_400_000;

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/data/db");
  await disconnectDb();
  await own?.drop();
});

class Rollback extends Error {}

/** Runs `fn` in a raw transaction that is rolled back; returns what it returned. */
async function rolledBack<T>(fn: Parameters<typeof rawTransaction<T>>[0]): Promise<T> {
  let out: T | undefined;
  await rawTransaction(async (tx) => {
    out = await fn(tx);
    throw new Rollback();
  }).catch((err: unknown) => {
    if (!(err instanceof Rollback)) throw err;
  });
  return out as T;
}

describe.skipIf(!reachable)("rawTransaction", () => {
  it("commits what the callback wrote, and rolls all of it back when the callback throws", async () => {
    const name = `raw-${Date.now()}`;
    const id = await rawTransaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ id: string }[]>`INSERT INTO "Team" (id, name) VALUES (gen_random_uuid(), ${name}) RETURNING id`;
      expect(await tx.$executeRaw`UPDATE "Team" SET name = ${`${name}-2`} WHERE id = ${row!.id}::uuid`).toBe(1);
      return row!.id;
    });
    expect(await db().team.findUnique({ where: { id }, select: { name: true } })).toEqual({ name: `${name}-2` });

    await expect(
      rawTransaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO "Team" (id, name) VALUES (gen_random_uuid(), ${`${name}-lost`})`;
        throw new Error("the callback failed");
      }),
    ).rejects.toThrow("the callback failed");
    expect(await db().team.count({ where: { name: `${name}-lost` } })).toBe(0);
  });

  it("reads every kind of value as Prisma's $queryRaw does, from a tagged template or a Prisma.Sql", async () => {
    const at = new Date("2026-03-29T01:30:00.123Z");
    const sql = Prisma.sql`
      SELECT ${at}::timestamp(3) AS ts, '2026-12-03'::date AS d, 42::int AS i, 1.25::float8 AS f, 'text'::text AS s, true AS b,
             '{"a": [1, "x"]}'::jsonb AS j, ARRAY['p', 'q']::text[] AS arr, NULL::text AS n, ${[at, at]}::timestamp(3)[] IS NOT NULL AS dates`;
    const expected = await db().$queryRaw<unknown[]>(sql);
    const [fromSql, fromTemplate] = await rawTransaction(async (tx) => [
      await tx.$queryRaw<unknown[]>(sql),
      await tx.$queryRaw<unknown[]>`SELECT ${at}::timestamp(3) AS ts, ${"it's"}::text AS s, ${[1, 2]}::int[] AS ints`,
    ]);
    expect(fromSql).toEqual(expected);
    expect(fromTemplate).toEqual([{ ts: at, s: "it's", ints: [1, 2] }]);
  });

  it("runs the callback again on a new connection when the server ends its connection, and the pool keeps working", async () => {
    const name = `raw-retry-${Date.now()}`;
    const pids: number[] = [];
    const result = await rawTransaction(async (tx) => {
      const [{ pid }] = (await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`) as [{ pid: number }];
      pids.push(pid);
      await tx.$executeRaw`INSERT INTO "Team" (id, name) VALUES (gen_random_uuid(), ${name})`;
      if (pids.length === 1) {
        await db().$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
        // pg_terminate_backend only signals: wait until the backend has gone.
        for (let i = 0; i < 200 && (await db().$queryRaw<unknown[]>`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}::int`).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
        await tx.$queryRaw`SELECT 1`; // the connection is gone: 57P01 / connection terminated, both transient
      }
      return "done";
    });
    expect(result).toBe("done");
    expect(pids).toHaveLength(2);
    expect(pids[1]).not.toBe(pids[0]);
    expect(await db().team.count({ where: { name } })).toBe(1);
    // Every pooled connection still answers (the ended one was not given back).
    const pool = pgPool()!;
    await Promise.all(Array.from({ length: pool.totalCount + 1 }, () => pool.query("SELECT 1")));
  });
});

describe.skipIf(!reachable)("the re-score's scoring context", () => {
  it("is reused while nothing it is read from changes, and follows a change of settings, catalog, model version or draw", async () => {
    const now = new Date();
    const action = await makeActionType({ key: "ctx_action", businessValue: 100 });
    await loadRealtimeContext(now); // makes the draw, so the stamp taken before it is out of date once
    const first = await loadRealtimeContext(now);
    // No model version yet: the statistics come from their own cache, the rest is the same object.
    expect((await loadRealtimeContext(now)).actions).toBe(first.actions);
    expect(first.actions.find((a) => a.key === "ctx_action")?.businessValue).toBe(100);

    await db().$executeRaw`UPDATE "ActionType" SET "businessValue" = 250 WHERE id = ${action.id}::uuid`;
    const edited = await loadRealtimeContext(now);
    expect(edited.actions.find((a) => a.key === "ctx_action")?.businessValue).toBe(250);
    await db().$executeRaw`UPDATE "ActionType" SET active = false WHERE id = ${action.id}::uuid`;
    expect((await loadRealtimeContext(now)).actions.map((a) => a.key)).not.toContain("ctx_action");

    await db().$executeRaw`INSERT INTO "ProgramSettings" (id, "explorationSharePct", "updatedAt") VALUES (1, 7, now())
                           ON CONFLICT (id) DO UPDATE SET "explorationSharePct" = 7`;
    expect((await loadRealtimeContext(now)).settings.explorationSharePct).toBe(7);

    const model = (n: number, status: string) =>
      db().$executeRaw`INSERT INTO "ModelVersion" (number, status, reason, "windowTo", "halfLifeDays", trials, parameters, summary)
                       VALUES (${n}, ${status}::"ModelVersionStatus", 'first', now(), 30, 0, '{"rows": [], "models": {}}'::jsonb, '{}'::jsonb)`;
    await model(1, "ACTIVE");
    const v1 = await loadRealtimeContext(now);
    expect(v1.version).toBe("v1");
    expect(await loadRealtimeContext(now)).toBe(v1);
    await db().$executeRaw`UPDATE "ModelVersion" SET status = 'RETIRED' WHERE number = 1`;
    await model(2, "ACTIVE");
    expect((await loadRealtimeContext(now)).version).toBe("v2");

    const draw = (await loadRealtimeContext(now)).draw;
    await db().$executeRaw`UPDATE "HoldoutPeriod" SET pct = 12.5 WHERE id = ${draw.id}::uuid`;
    const redrawn = await loadRealtimeContext(now);
    expect(redrawn.draw.id).toBe(draw.id);
    expect(redrawn.draw.pct).toBe(12.5);
    expect(await loadRealtimeContext(now)).toBe(redrawn);
  });
});

describe.skipIf(!reachable)("the re-score's history, read beside its transaction", () => {
  // No customer held out of every suggestion (a draw holds out 5 % at random, 12.5 % after the context test): these
  // tests expect suggestions. The draw is made first, in case this block runs alone.
  beforeAll(async () => {
    await loadRealtimeContext(new Date());
    await db().$executeRaw`UPDATE "HoldoutPeriod" SET pct = 0`;
  });

  it("decides exactly as the history read in the run: open, lapsed, cooling, control and this week's suggestions", async () => {
    const rep = await makeUser({ role: "REP" });
    const keys = ["hist_a", "hist_b", "hist_c", "hist_d"];
    const actions = await Promise.all(keys.map((key, i) => makeActionType({ key, businessValue: 100 + 50 * i, cooldownDays: 30 })));
    const customers = await Promise.all(Array.from({ length: 6 }, (_, i) => makeCustomer(rep.id, { externalId: `HIST-${i}`, createdAt: new Date(Date.now() - 400 * DAY) })));
    const [a, b, c, d] = actions as [(typeof actions)[0], (typeof actions)[0], (typeof actions)[0], (typeof actions)[0]];
    // 0: an open suggestion past its expiry (lapsed: the action may come back); 1: open and valid; 2: closed 10 days
    // ago (cooling); 3: a control suggestion; 4: accepted, lapsed; 5: nothing.
    await makeRecommendation({ customerId: customers[0]!.id, actionTypeId: d.id, repId: rep.id, expiresAt: new Date(Date.now() - DAY) });
    await makeRecommendation({ customerId: customers[1]!.id, actionTypeId: d.id, repId: rep.id });
    const closed = await makeRecommendation({ customerId: customers[2]!.id, actionTypeId: d.id, repId: rep.id, status: "DONE" });
    await db().$executeRaw`UPDATE "Recommendation" SET "createdAt" = now() - interval '12 days', "decidedAt" = now() - interval '10 days' WHERE id = ${closed.id}::uuid`;
    await makeRecommendation({ customerId: customers[3]!.id, actionTypeId: c.id, repId: rep.id, isControl: true });
    await makeRecommendation({ customerId: customers[4]!.id, actionTypeId: b.id, repId: rep.id, status: "ACCEPTED", expiresAt: new Date(Date.now() - DAY) });
    void a;

    const ids = customers.map((x) => x.id);
    const before = new Date();
    const context = await loadRealtimeContext(before);
    const now = new Date(before.getTime() + 5);
    const run = (history?: ReturnType<typeof loadHistory>) =>
      rolledBack(async (tx) => {
        const result = await generateRecommendations({ customerIds: ids, context, now, seed: "history-beside", history }, tx);
        const rows = await tx.$queryRaw<unknown[]>`
          SELECT r."customerId", a.key, r.status::text AS status, r."isControl", r.score, r.message
          FROM "Recommendation" r JOIN "ActionType" a ON a.id = r."actionTypeId"
          WHERE r."customerId" = ANY(${ids}::uuid[]) ORDER BY r."customerId", a.key, r."createdAt", r.status`;
        return { created: result.created, superseded: result.superseded, rows };
      });
    const inRun = await run();
    const beside = await run(loadHistory(db(), ids, { now: before, actions: context.actions }, { withExpiry: true }));
    expect(beside).toEqual(inRun);
    expect(inRun.created).toBeGreaterThan(0);
    // The lapsed suggestion is expired either way, and its customer gets a new one (another action: the lapsed one's cool-down runs).
    const ofLapsed = inRun.rows.filter((r) => (r as { customerId: string }).customerId === customers[0]!.id);
    expect(ofLapsed).toContainEqual(expect.objectContaining({ key: "hist_d", status: "EXPIRED" }));
    expect(ofLapsed).toContainEqual(expect.objectContaining({ status: "PENDING", isControl: false, message: expect.stringContaining("Reach out to") }));
  });

  it("records an event and re-scores its customer through the short path, a lapsed suggestion expired", async () => {
    const rep = await makeUser({ role: "REP" });
    const action = await makeActionType({ key: "event_path", businessValue: 900 });
    const customer = await makeCustomer(rep.id, { externalId: "EVENT-PATH", createdAt: new Date(Date.now() - 400 * DAY) });
    // Accepted, so only the expiry closes it (the pipeline withdraws pending suggestions itself).
    const lapsed = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id, status: "ACCEPTED", expiresAt: new Date(Date.now() - DAY) });
    const answer = await recordEvents([
      { customerExternalId: "EVENT-PATH", type: "PURCHASE", occurredAt: new Date().toISOString(), amount: 40 },
      { customerExternalId: "NOBODY", type: "WEB_VISIT", occurredAt: new Date().toISOString() },
    ]);
    expect(answer.results.map((r) => r.status)).toEqual(["recorded", "rejected"]);
    expect(answer.rescored).toEqual(["EVENT-PATH"]);
    const rows = await db().recommendation.findMany({ where: { customerId: customer.id }, select: { id: true, status: true }, orderBy: { createdAt: "asc" } });
    expect(rows.find((r) => r.id === lapsed.id)?.status).toBe("EXPIRED");
    expect(rows.filter((r) => r.status === "PENDING")).toHaveLength(1);
  });
});

describe.skipIf(!reachable)("a burst of events on a pool of two connections", () => {
  it("records and re-scores every one: a transaction waits only for the history read it asked for first", async () => {
    const rep = await makeUser({ role: "REP" });
    const customers = await Promise.all(Array.from({ length: 24 }, (_, i) => makeCustomer(rep.id, { externalId: `BURST-${i}` })));
    const answers = await Promise.all(
      customers.map((c, i) => recordEvents([{ customerExternalId: c.externalId, type: i % 2 ? "WEB_VISIT" : "PURCHASE", occurredAt: new Date().toISOString(), amount: 5 }])),
    );
    expect(answers.map((a) => a.results[0]?.status)).toEqual(customers.map(() => "recorded"));
    expect(answers.flatMap((a) => a.rescored).sort()).toEqual(customers.map((c) => c.externalId).sort());
  });
});
