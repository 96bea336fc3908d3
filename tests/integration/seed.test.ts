// The demo seed: deterministic, complete, and consistent with the schema's
// rules. Seeds into two databases of its own (not the run's shared one).
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRule } from "@/lib/engine";
import { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { DEMO_CATALOG } from "@/tooling/seed/catalog";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, HISTORY_DAYS, seedDemo, type SeedSummary } from "@/tooling/seed/demo";
import { connectPglite, connectPostgres, createDatabase, createPgliteDir, migrateConn, postgresReachable } from "../support/test-db";

const TODAY = new Date("2026-03-02T00:00:00.000Z");
const DAY = 86_400_000;

interface Target {
  prisma: PrismaClient;
  close: () => Promise<void>;
}

async function freshDatabase(prefix: string): Promise<Target> {
  if (process.env.NUDGE_TEST_DB !== "pglite" && (await postgresReachable())) {
    const db = await createDatabase(prefix);
    const conn = await connectPostgres(db.url);
    try {
      await migrateConn(conn, { globalHoldoutPct: 5 });
    } finally {
      await conn.close();
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    return {
      prisma,
      close: async () => {
        await prisma.$disconnect();
        await db.drop();
      },
    };
  }
  const dir = await createPgliteDir();
  const conn = await connectPglite(dir);
  try {
    await migrateConn(conn, { globalHoldoutPct: 5 });
  } finally {
    await conn.close();
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const pglite = await PGlite.create(dir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      const { rm } = await import("node:fs/promises");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const TABLES: Record<string, string> = {
  Team: `"id"`,
  User: `"id"`,
  Customer: `"id"`,
  CustomerEvent: `"id"`,
  ActionType: `"id"`,
  ActionTypeVersion: `"id"`,
  Recommendation: `"id"`,
  Feedback: `"id"`,
  UsageEvent: `"id"`,
  UsageDay: `"userId", t."day"`,
  AuditLog: `"id"`,
};

/** md5 of every row of every application table, in a stable order. */
async function fingerprint(prisma: PrismaClient): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    const [row] = await prisma.$queryRawUnsafe<{ rows: number; md5: string | null }[]>(
      `SELECT count(*)::int AS rows, md5(string_agg(t::text, E'\\n' ORDER BY t.${order})) AS md5 FROM "${table}" t`,
    );
    out[table] = { rows: row?.rows ?? 0, md5: row?.md5 ?? "" };
  }
  return out;
}

describe("demo seed", () => {
  let a: Target;
  let b: Target;
  let summaryA: SeedSummary;
  let summaryB: SeedSummary;

  beforeAll(async () => {
    [a, b] = await Promise.all([freshDatabase("nudge_seed_a"), freshDatabase("nudge_seed_b")]);
    summaryA = await seedDemo(a.prisma, { seed: 7, today: TODAY });
    summaryB = await seedDemo(b.prisma, { seed: 7, today: TODAY });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  }, 60_000);

  it("produces identical data for the same seed and today", async () => {
    const [fa, fb] = await Promise.all([fingerprint(a.prisma), fingerprint(b.prisma)]);
    expect(fb).toEqual(fa);
    const ids = (p: PrismaClient) =>
      p.customer.findMany({ orderBy: { externalId: "asc" }, select: { id: true, externalId: true, name: true, ownerId: true, lifetimeValue: true } });
    const [ca, cb] = await Promise.all([ids(a.prisma), ids(b.prisma)]);
    expect(cb.map((c) => ({ ...c, lifetimeValue: c.lifetimeValue.toString() }))).toEqual(
      ca.map((c) => ({ ...c, lifetimeValue: c.lifetimeValue.toString() })),
    );
    // Timings differ run to run; everything else must not.
    const { ms: _ma, ...restA } = { ...summaryA, todaysQueue: { ...summaryA.todaysQueue, ms: 0, phases: null } };
    const { ms: _mb, ...restB } = { ...summaryB, todaysQueue: { ...summaryB.todaysQueue, ms: 0, phases: null } };
    expect(restB).toEqual(restA);
  });

  it("has the expected volumes", async () => {
    expect(summaryA.customers).toBe(1500);
    expect(await a.prisma.customer.count()).toBe(1500);
    const events = await a.prisma.customerEvent.count();
    expect(events).toBe(summaryA.events);
    expect(events / 1500).toBeGreaterThan(25);
    expect(events / 1500).toBeLessThan(60);
    const recs = await a.prisma.recommendation.count();
    expect(recs).toBeGreaterThan(2000);
    expect(recs).toBeLessThan(20_000);
    expect(await a.prisma.feedback.count()).toBe(summaryA.feedback);
    expect(await a.prisma.usageEvent.count()).toBeGreaterThan(1000);
    const segments = await a.prisma.customer.groupBy({ by: ["segment"], _count: { _all: true } });
    expect(segments.map((s) => s.segment).sort()).toEqual(["ENTERPRISE", "MID_MARKET", "SMB"]);
  });

  it("creates the demo accounts with their roles, teams and password", async () => {
    const users = await a.prisma.user.findMany({ include: { team: true }, orderBy: { email: "asc" } });
    for (const account of Object.values(DEMO_ACCOUNTS)) {
      const u = users.find((x) => x.email === account.email);
      expect(u, account.email).toBeDefined();
      expect(u?.role).toBe(account.role);
      expect(u?.name).toBe(account.name);
      expect(u?.team?.name ?? null).toBe(account.team);
      expect(u?.active).toBe(true);
      expect(await bcrypt.compare(DEMO_PASSWORD, u?.passwordHash ?? "")).toBe(true);
      expect(bcrypt.getRounds(u?.passwordHash ?? "")).toBe(10);
    }
    const north = await a.prisma.team.findUnique({ where: { name: "North" }, include: { manager: true } });
    expect(north?.manager?.email).toBe(DEMO_ACCOUNTS.manager.email);
    expect(await a.prisma.team.count()).toBe(3);
    const reps = users.filter((u) => u.role === "REP");
    expect(reps.length).toBeGreaterThanOrEqual(10);
    expect(reps.filter((r) => !r.active)).toHaveLength(1);
    expect(users.filter((u) => u.role === "MANAGER")).toHaveLength(3);
    // Inactive reps own nothing.
    const inactive = reps.find((r) => !r.active);
    expect(await a.prisma.customer.count({ where: { ownerId: inactive?.id } })).toBe(0);
  });

  it("gives the demo rep a book of customers and an open queue", async () => {
    const rep = await a.prisma.user.findUniqueOrThrow({ where: { email: DEMO_ACCOUNTS.rep.email } });
    const owned = await a.prisma.customer.count({ where: { ownerId: rep.id } });
    expect(owned).toBeGreaterThanOrEqual(90);
    expect(owned).toBeLessThanOrEqual(150);
    const queue = await a.prisma.recommendation.findMany({
      where: { repId: rep.id, status: "PENDING", isControl: false, expiresAt: { gt: TODAY } },
      include: { customer: true, actionType: true },
    });
    expect(queue.length).toBeGreaterThanOrEqual(10);
    expect(queue.length).toBeLessThanOrEqual(25);
    for (const r of queue) {
      expect(r.customer.ownerId).toBe(rep.id);
      expect(r.message).not.toMatch(/\{\{/);
      expect(Array.isArray(r.reasons)).toBe(true);
      expect((r.reasons as { code: string; text: string }[])[0]?.text).toBeTruthy();
    }
    // Upcoming birthdays lead to birthday notes today.
    const birthdays = await a.prisma.recommendation.count({
      where: { createdAt: { gte: TODAY }, actionType: { key: "birthday_note" } },
    });
    expect(birthdays).toBeGreaterThan(0);
  });

  it("never has two open recommendations for one customer and action", async () => {
    const dupes = await a.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        SELECT "customerId", "actionTypeId" FROM "Recommendation"
        WHERE "status" IN ('PENDING', 'ACCEPTED', 'SNOOZED')
        GROUP BY 1, 2 HAVING count(*) > 1) d`;
    expect(dupes[0]?.n).toBe(0);
  });

  it("keeps recommendations, feedback and control groups consistent", async () => {
    const recs = await a.prisma.recommendation.findMany({ include: { feedback: { orderBy: { createdAt: "asc" } } } });
    let control = 0;
    for (const r of recs) {
      expect(r.expiresAt.getTime()).toBeGreaterThan(r.createdAt.getTime());
      if (r.isControl) {
        control++;
        expect(r.shownAt).toBeNull();
        expect(r.feedback).toHaveLength(0);
        continue;
      }
      if (r.shownAt) expect(r.shownAt.getTime()).toBeGreaterThanOrEqual(r.createdAt.getTime());
      for (const f of r.feedback) {
        expect(f.userId).toBe(r.repId);
        expect(f.createdAt.getTime()).toBeLessThan(TODAY.getTime());
        expect(r.shownAt && f.createdAt.getTime() >= r.shownAt.getTime()).toBe(true);
        if (f.kind === "DISMISS") expect(f.dismissReason).not.toBeNull();
      }
      const last = r.feedback[r.feedback.length - 1];
      if (r.status === "DONE") expect(last?.kind).toBe("DONE");
      if (r.status === "DISMISSED") expect(last?.kind).toBe("DISMISS");
      if (r.status === "ACCEPTED") expect(last?.kind).toBe("ACCEPT");
      if (r.status === "DONE" || r.status === "DISMISSED") expect(r.decidedAt?.getTime()).toBe(last?.createdAt.getTime());
      if (r.feedback.length === 0) expect(r.decidedAt).toBeNull();
    }
    expect(control / recs.length).toBeGreaterThan(0.05);
    expect(control / recs.length).toBeLessThan(0.15);
    // Accepted recommendations convert better than control ones.
    expect(summaryA.conversion14d.accepted).toBeGreaterThan(summaryA.conversion14d.control);
  });

  it("runs the history under the two holdouts: held-out customers get nothing, a control suggestion holds the slot for 14 days", async () => {
    const draws = await a.prisma.holdoutPeriod.findMany({ include: { assignments: true }, orderBy: { startsAt: "asc" } });
    expect(draws.length).toBeGreaterThanOrEqual(2); // six months of history span at least two quarters
    const recs = await a.prisma.recommendation.findMany({ select: { customerId: true, createdAt: true, isControl: true }, orderBy: { createdAt: "asc" } });
    for (const d of draws) {
      const held = new Set(d.assignments.filter((x) => x.heldOut).map((x) => x.customerId));
      expect(held.size / d.assignments.length).toBeGreaterThan(0.02);
      expect(held.size / d.assignments.length).toBeLessThan(0.08);
      const inDraw = recs.filter((r) => r.createdAt >= d.startsAt && r.createdAt < d.endsAt);
      expect(inDraw.length).toBeGreaterThan(0);
      expect(inDraw.filter((r) => held.has(r.customerId))).toEqual([]);
    }
    // After a control suggestion, the customer gets no other suggestion within the attribution window.
    const byCustomer = new Map<string, typeof recs>();
    for (const r of recs) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
    let followed = 0;
    let controls = 0;
    for (const list of byCustomer.values()) {
      list.forEach((r, i) => {
        if (!r.isControl) return;
        controls++;
        const next = list[i + 1];
        if (next && next.createdAt.getTime() - r.createdAt.getTime() < 14 * 86_400_000) followed++;
      });
    }
    expect(controls).toBeGreaterThan(20);
    expect(followed).toBe(0);
    // Every decision, history included, is logged for off-policy estimates.
    expect(await a.prisma.recommendation.count({ where: { OR: [{ pickProbability: null }, { candidates: { equals: Prisma.DbNull } }] } })).toBe(0);
  });

  it("has trigger-kept dashboard facts equal to a recomputation from the raw history", async () => {
    // The definitions, written independently of the triggers' SQL.
    const [mismatch] = await a.prisma.$queryRaw<{ rows: number; reacted: number; converted: number; purchased: number; dismissed: number }[]>`
      WITH fb AS (
        SELECT "recommendationId" AS id, MIN("createdAt") FILTER (WHERE kind <> 'UNDO') AS first, MIN("createdAt") FILTER (WHERE kind = 'SNOOZE') AS snoozed
        FROM "Feedback" GROUP BY 1
      ),
      last_dismissal AS (
        SELECT DISTINCT ON ("recommendationId") "recommendationId" AS id, COALESCE("dismissReason"::text, 'OTHER') AS reason
        FROM "Feedback" WHERE kind = 'DISMISS' ORDER BY "recommendationId", "createdAt" DESC, id DESC
      ),
      expected AS (
        SELECT r.id, fb.first, fb.snoozed, d.reason,
               (SELECT MIN(e."occurredAt") FROM "CustomerEvent" e WHERE e."customerId" = r."customerId" AND e.type = 'PURCHASE'
                  AND e."occurredAt" > r."createdAt" AND e."occurredAt" <= r."createdAt" + interval '14 days') AS purchased,
               CASE WHEN NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE') THEN
                 (SELECT MIN(e."occurredAt") FROM "CustomerEvent" e WHERE e."customerId" = r."customerId" AND e.type = 'PURCHASE'
                    AND e."occurredAt" > COALESCE(r."decidedAt", r."createdAt") AND e."occurredAt" <= COALESCE(r."decidedAt", r."createdAt") + interval '14 days') END AS converted
        FROM "Recommendation" r LEFT JOIN fb ON fb.id = r.id LEFT JOIN last_dismissal d ON d.id = r.id
      )
      SELECT COUNT(*) FILTER (WHERE (x.first, x.snoozed, x.reason, x.purchased, x.converted)
                                    IS DISTINCT FROM (r."firstReactionAt", r."snoozedAt", r."dismissReason"::text, r."purchasedAt", r."convertedAt"))::int AS rows,
             COUNT(x.first)::int AS reacted, COUNT(x.converted)::int AS converted, COUNT(x.purchased)::int AS purchased, COUNT(x.reason)::int AS dismissed
      FROM expected x JOIN "Recommendation" r USING (id)`;
    expect(mismatch?.rows).toBe(0);
    // Not vacuous: the seed has reactions, conversions, purchases and dismissals.
    for (const n of [mismatch?.reacted, mismatch?.converted, mismatch?.purchased, mismatch?.dismissed]) expect(n).toBeGreaterThan(0);

    // Every purchase covered by an accepted recommendation's window is credited exactly once.
    const [revenue] = await a.prisma.$queryRaw<{ credited: number; covered: number }[]>`
      SELECT (SELECT COALESCE(SUM("attributedRevenue"), 0)::float8 FROM "Recommendation") AS credited,
             (SELECT COALESCE(SUM(e.amount), 0)::float8 FROM "CustomerEvent" e WHERE e.type = 'PURCHASE' AND EXISTS (
                SELECT 1 FROM "Recommendation" r WHERE r."customerId" = e."customerId" AND NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE')
                  AND e."occurredAt" > COALESCE(r."decidedAt", r."createdAt") AND e."occurredAt" <= COALESCE(r."decidedAt", r."createdAt") + interval '14 days')) AS covered`;
    expect(revenue?.covered).toBeGreaterThan(0);
    expect(revenue?.credited).toBeCloseTo(revenue?.covered ?? -1, 2);

    // The usage rollup equals a GROUP BY over the raw events.
    const [usage] = await a.prisma.$queryRaw<{ diff: number; days: number }[]>`
      WITH raw AS (
        SELECT "userId", "at"::date AS day, COUNT(*) FILTER (WHERE type = 'SIGN_IN')::int AS "signIns", COUNT(*) FILTER (WHERE type = 'QUEUE_VIEW')::int AS "queueViews",
               COUNT(*) FILTER (WHERE type = 'CUSTOMER_VIEW')::int AS "customerViews", COUNT(*) FILTER (WHERE type = 'REACTION')::int AS reactions,
               MIN("at") FILTER (WHERE type = 'SIGN_IN') AS "firstSignInAt", MAX("at") AS "lastActiveAt"
        FROM "UsageEvent" WHERE type <> 'DASHBOARD_VIEW' GROUP BY 1, 2
      )
      SELECT (SELECT COUNT(*) FROM (SELECT * FROM raw EXCEPT SELECT "userId", day, "signIns", "queueViews", "customerViews", reactions, "firstSignInAt", "lastActiveAt" FROM "UsageDay") d)::int
           + (SELECT COUNT(*) FROM (SELECT "userId", day, "signIns", "queueViews", "customerViews", reactions, "firstSignInAt", "lastActiveAt" FROM "UsageDay" EXCEPT SELECT * FROM raw) d)::int AS diff,
             (SELECT COUNT(*) FROM raw)::int AS days`;
    expect(usage).toEqual({ diff: 0, days: expect.any(Number) });
    expect(usage?.days).toBeGreaterThan(0);
  });

  it("keeps the dashboard rollups equal to a recount: RecommendationDay and HoldoutArmCount", async () => {
    const [days] = await a.prisma.$queryRaw<{ diff: number; days: number }[]>`
      WITH raw AS (
        SELECT date_trunc('day', "createdAt")::date AS day, "repId", "actionTypeId", COUNT(*)::int AS generated, COUNT(*) FILTER (WHERE NOT "isControl")::int AS shown,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status IN ('ACCEPTED', 'DONE'))::int AS accepted, COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DONE')::int AS done,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status IN ('ACCEPTED', 'DONE') AND "convertedAt" IS NOT NULL)::int AS converted,
               COALESCE(SUM("attributedRevenue") FILTER (WHERE NOT "isControl" AND status IN ('ACCEPTED', 'DONE')), 0)::decimal(16, 2) AS revenue,
               COUNT(*) FILTER (WHERE NOT "isControl" AND "purchasedAt" IS NOT NULL)::int AS tc, COUNT(*) FILTER (WHERE "isControl")::int AS cn,
               COUNT(*) FILTER (WHERE "isControl" AND "purchasedAt" IS NOT NULL)::int AS cc
        FROM "Recommendation" GROUP BY 1, 2, 3
      ),
      kept AS (SELECT day, "repId", "actionTypeId", generated, shown, accepted, done, converted, revenue, "treatedConverted", "controlN", "controlConverted" FROM "RecommendationDay" WHERE generated <> 0)
      SELECT ((SELECT COUNT(*) FROM (SELECT * FROM raw EXCEPT SELECT * FROM kept) x) + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM raw) x))::int AS diff,
             (SELECT COUNT(*) FROM raw)::int AS days`;
    expect(days).toEqual({ diff: 0, days: expect.any(Number) });
    expect(days?.days).toBeGreaterThan(0);
    const [units] = await a.prisma.$queryRaw<{ diff: number; units: number }[]>`
      WITH raw AS (SELECT ha."periodId", ha."heldOut", c."ownerId", c.segment, COUNT(*)::int AS n FROM "HoldoutAssignment" ha JOIN "Customer" c ON c.id = ha."customerId" GROUP BY 1, 2, 3, 4),
      kept AS (SELECT "periodId", "heldOut", "ownerId", segment, n FROM "HoldoutArmCount" WHERE n <> 0)
      SELECT ((SELECT COUNT(*) FROM (SELECT * FROM raw EXCEPT SELECT * FROM kept) x) + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM raw) x))::int AS diff,
             (SELECT COALESCE(SUM(n), 0) FROM raw)::int AS units`;
    expect(units).toEqual({ diff: 0, units: expect.any(Number) });
    expect(units?.units).toBeGreaterThan(0);
  });

  it("rebuilds the same dashboard facts from scratch (the bulk-load path of seed:large), rows in time order", async () => {
    const snapshot = () =>
      a.prisma.$queryRaw<{ md5: string }[]>`
        SELECT md5(string_agg(concat_ws('|', id, "firstReactionAt", "snoozedAt", "dismissReason", "purchasedAt", "convertedAt", "attributedRevenue"), ',' ORDER BY id))
                 || md5((SELECT string_agg(d::text, ',' ORDER BY "userId", day) FROM "UsageDay" d))
                 || md5((SELECT string_agg(d::text, ',' ORDER BY day, "repId", "actionTypeId") FROM "RecommendationDay" d WHERE generated <> 0))
                 || md5((SELECT string_agg(concat_ws('|', day, "repId", "actionTypeId", "modelVersion", band, generated, resolved, accepted, converted, correct,
                                                     round("propensitySum"::numeric, 9), round("brierSum"::numeric, 9), round("logLossSum"::numeric, 9)),
                                           ',' ORDER BY day, "repId", "actionTypeId", "modelVersion", band) FROM "RecommendationModelDay" WHERE generated <> 0))
                 || md5((SELECT string_agg(s::text, ',' ORDER BY "userId", "firstEventId") FROM "UsageSession" s))
                 || md5((SELECT COALESCE(string_agg(h::text, ',' ORDER BY "periodId", day, "customerId"), 'none') FROM "HoldoutUnitDay" h)) AS md5
        FROM "Recommendation"`;
    const [before] = await snapshot();
    const [{ n: indexCount } = { n: 0 }] = await a.prisma.$queryRaw<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM pg_indexes WHERE tablename = 'Recommendation'`;
    await a.prisma.$executeRaw`UPDATE "Recommendation" SET "firstReactionAt" = NULL, "snoozedAt" = NULL, "dismissReason" = NULL, "purchasedAt" = NULL, "convertedAt" = NULL, "attributedRevenue" = 0`;
    await a.prisma.$executeRaw`DELETE FROM "UsageDay"`;
    await a.prisma.$executeRaw`DELETE FROM "RecommendationDay"`;
    await a.prisma.$executeRaw`DELETE FROM "RecommendationModelDay"`;
    await a.prisma.$executeRaw`DELETE FROM "UsageSession"`;
    await a.prisma.$executeRaw`DELETE FROM "HoldoutUnitDay"`;
    const [wiped] = await snapshot();
    expect(wiped?.md5).not.toBe(before?.md5);
    await a.prisma.$queryRaw`SELECT nudge_rebuild_dashboard_facts()::text`;
    await a.prisma.$queryRaw`SELECT nudge_rebuild_recommendation_days()::text`;
    await a.prisma.$queryRaw`SELECT nudge_rebuild_recommendation_model_days()::text`;
    await a.prisma.$queryRaw`SELECT nudge_rebuild_usage_sessions()::text`;
    await a.prisma.$queryRaw`SELECT nudge_rebuild_holdout_unit_days()::text`;
    const [after] = await snapshot();
    expect(after?.md5).toBe(before?.md5);
    // Each rebuild writes its rows in time order, as live writes lay them out (a day's rows on neighbouring pages, not spread over the table).
    await a.prisma.$queryRaw`SELECT nudge_rebuild_reaction_latency_days()::text`;
    await a.prisma.$queryRaw`SELECT nudge_rebuild_usage_session_stats()::text`;
    const outOfOrder = await a.prisma.$queryRaw<{ t: string; rows: number; back: number }[]>`
      SELECT t, COUNT(*)::int AS rows, COUNT(*) FILTER (WHERE at < prev)::int AS back FROM (
        SELECT t, at, lag(at) OVER (PARTITION BY t ORDER BY pos) AS prev FROM (
          SELECT 'RecommendationDay' AS t, day::timestamp AS at, ctid AS pos FROM "RecommendationDay"
          UNION ALL SELECT 'RecommendationModelDay', day::timestamp, ctid FROM "RecommendationModelDay"
          UNION ALL SELECT 'UsageSession', "startedAt", ctid FROM "UsageSession"
          UNION ALL SELECT 'ReactionLatency', start::timestamp, ctid FROM "ReactionLatency"
          UNION ALL SELECT 'UsageSessionStat', start::timestamp, ctid FROM "UsageSessionStat") x) y
      GROUP BY t ORDER BY t`;
    expect(outOfOrder.map((r) => r.t)).toEqual(["ReactionLatency", "RecommendationDay", "RecommendationModelDay", "UsageSession", "UsageSessionStat"]);
    for (const r of outOfOrder) expect({ table: r.t, hasRows: r.rows > 100, back: r.back }).toEqual({ table: r.t, hasRows: true, back: 0 });
    // The bulk path (indexes dropped for the update and built again), which the automatic choice takes only for a large share of a large table.
    await a.prisma.$executeRaw`UPDATE "Recommendation" SET "firstReactionAt" = NULL, "snoozedAt" = NULL, "dismissReason" = NULL, "purchasedAt" = NULL, "convertedAt" = NULL, "attributedRevenue" = 0`;
    await a.prisma.$queryRaw`SELECT nudge_rebuild_dashboard_facts(true)::text`;
    const [bulk] = await snapshot();
    expect(bulk?.md5).toBe(before?.md5);
    const indexes = await a.prisma.$queryRaw<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM pg_indexes WHERE tablename = 'Recommendation'`;
    expect(indexes[0]?.n).toBe(indexCount);
  });

  it("spans six months of history ending before today", async () => {
    const agg = await a.prisma.customerEvent.aggregate({ _min: { occurredAt: true }, _max: { occurredAt: true } });
    const min = agg._min.occurredAt?.getTime() ?? 0;
    const max = agg._max.occurredAt?.getTime() ?? 0;
    expect(min).toBeGreaterThanOrEqual(TODAY.getTime() - HISTORY_DAYS * DAY);
    expect(min).toBeLessThan(TODAY.getTime() - (HISTORY_DAYS - 7) * DAY);
    expect(max).toBeLessThan(TODAY.getTime());
    expect(max).toBeGreaterThan(TODAY.getTime() - 2 * DAY);
    const firstRec = await a.prisma.recommendation.aggregate({ _min: { createdAt: true } });
    expect(firstRec._min.createdAt?.getTime()).toBeLessThan(TODAY.getTime() - 150 * DAY);
    expect(await a.prisma.customerEvent.count({ where: { source: { not: "seed" } } })).toBe(0);
  });

  it("stores the catalog with valid rules and a version-1 snapshot", async () => {
    const types = await a.prisma.actionType.findMany({ include: { versions: true }, orderBy: { key: "asc" } });
    expect(types.map((t) => t.key)).toEqual(DEMO_CATALOG.map((c) => c.key).sort());
    for (const t of types) {
      expect(parseRule(t.rule)).toEqual({ ok: true, rule: t.rule });
      expect(t.versions).toHaveLength(1);
      expect(t.versions[0]?.version).toBe(1);
      expect((t.versions[0]?.snapshot as { key?: string }).key).toBe(t.key);
    }
  });

  it("seeds different data for a different seed", async () => {
    const c = await freshDatabase("nudge_seed_c");
    try {
      await seedDemo(c.prisma, { seed: 8, today: TODAY, customers: 100 });
      const first = await c.prisma.customer.findFirstOrThrow({ orderBy: { externalId: "asc" } });
      const other = await a.prisma.customer.findFirstOrThrow({ orderBy: { externalId: "asc" } });
      expect(first.id).not.toBe(other.id);
    } finally {
      await c.close();
    }
  }, 60_000);
});
