// The batch reads only the suggestion history the pipeline can tell apart
// (lib/data/decisions.ts loadHistory): open ones, the last 7 days, control
// ones in the attribution window, and the latest per customer and action
// within its cool-down. Decisions over that window must equal decisions over
// every row the longest cool-down reaches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_history_window") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db, disconnectDb } = await import("@/lib/data/db");
const { seedDemo } = await import("@/tooling/seed/demo");
const { loadActionDefinitions, loadCustomerChunk, loadHistory } = await import("@/lib/data/decisions");
const { loadPipelineChunk, scoringModel } = await import("@/lib/services/generation");
const { decideChunk, historyDays, holdoutPeriod, seededRng } = await import("@/lib/engine");
type HistoryRow = import("@/lib/data/decisions").HistoryRow;

const TODAY = new Date("2026-03-02T00:00:00.000Z");
const DAY_MS = 86_400_000;

/** Every row since the longest cool-down, as the batch read them before the window. */
async function fullHistory(ids: string[], since: Date): Promise<HistoryRow[]> {
  return db().$queryRaw<HistoryRow[]>`
    SELECT r.id, r."customerId", a.key AS "actionKey", r."createdAt", r.status::text AS status, r."decidedAt", r."isControl", r.score, r."expiresAt"
    FROM "Recommendation" r JOIN "ActionType" a ON a.id = r."actionTypeId"
    WHERE r."customerId" = ANY(${ids}::uuid[])
      AND (r.status IN ('PENDING', 'ACCEPTED', 'SNOOZED') OR r."createdAt" > ${since} OR r."decidedAt" > ${since})`;
}

describe.skipIf(!reachable)("the batch's history window", () => {
  beforeAll(async () => {
    await seedDemo(db(), { seed: 5, today: TODAY, customers: 400 });
    // Two handled suggestions of one action in the same week (a short cool-down): the older is
    // neither open nor the latest of its action, yet counts against the weekly contact cap.
    await db().$executeRaw`
      INSERT INTO "Recommendation" ("customerId", "actionTypeId", "actionTypeVersion", "repId", score, propensity, "expectedValue", message, reasons,
                                    status, "modelVersion", "createdAt", "decidedAt", "expiresAt")
      SELECT c.id, a.id, a.version, c."ownerId", 1, 0.1, 1, 'fixture', '[]'::jsonb, 'DISMISSED', 'fixture', t.at, t.at + interval '1 hour', t.at + interval '7 days'
      FROM (SELECT id, "ownerId" FROM "Customer" ORDER BY id LIMIT 20) c
      CROSS JOIN (SELECT id, version FROM "ActionType" ORDER BY key LIMIT 1) a
      CROSS JOIN (VALUES (${new Date(TODAY.getTime() + 1 * DAY_MS)}::timestamp(3)), (${new Date(TODAY.getTime() + 2 * DAY_MS)}::timestamp(3))) AS t(at)`;
  }, 120_000);
  afterAll(async () => {
    await disconnectDb();
    await own?.drop();
  });

  // The day of the seed's batch (open suggestions), a few days on (lapses, this week's contacts), and past most cool-downs.
  it.each([0.5, 3, 9, 25])("decides as over every row, %s days after the seed", async (days) => {
    const now = new Date(TODAY.getTime() + days * DAY_MS);
    const actions = await loadActionDefinitions(db());
    const { stats, version } = await scoringModel(db(), now, false, 30);
    const rows = await loadCustomerChunk(db(), { afterId: null, limit: 10_000 }, { now });
    const ids = rows.map((r) => r.customer.id);
    const windowed = await loadPipelineChunk(db(), rows, { now, actions }, { withExpiry: true });
    const all = await fullHistory(ids, new Date(now.getTime() - historyDays(actions) * DAY_MS));
    const byCustomer = new Map<string, HistoryRow[]>();
    for (const h of all) byCustomer.set(h.customerId, [...(byCustomer.get(h.customerId) ?? []), h]);
    const full = windowed.map((w) => ({ ...w, history: byCustomer.get(w.customer.id) ?? [] }));

    const windowRows = windowed.reduce((n, w) => n + w.history.length, 0);
    expect(windowRows).toBeGreaterThan(0);
    expect(windowRows).toBeLessThan(all.length); // the window does leave rows out

    const decideOver = (inputs: typeof windowed) =>
      decideChunk({ customers: inputs, actions, stats, now, rng: seededRng("window"), period: holdoutPeriod(now), modelVersion: version, mode: "batch" });
    const view = (d: ReturnType<typeof decideOver>) => ({
      outcomes: d.outcomes.map((o) => ({
        customerId: o.customerId,
        kind: o.decision.kind,
        candidate: o.decision.kind === "propose" ? [o.decision.candidate.actionKey, o.decision.candidate.score, o.decision.explain().message] : null,
        contactsThisWeek: o.contactsThisWeek,
        ranked: o.evaluation.candidates.map((c) => [c.actionKey, c.score]),
        skipped: o.evaluation.skipped.map((s) => [s.actionKey, s.code]).sort(),
      })),
      withdrawals: d.withdrawals.map((w) => [w.recommendationId, w.code]).sort(),
    });
    const got = view(decideOver(windowed));
    expect(got).toEqual(view(decideOver(full)));
    // The comparison covers each way a history row matters.
    const kinds = new Set(got.outcomes.map((o) => o.kind));
    const codes = new Set(got.outcomes.flatMap((o) => o.skipped.map((s) => s[1])));
    expect(kinds.has("propose") || kinds.has("keep")).toBe(true);
    expect(codes.has("COOLDOWN") || codes.has("OPEN_RECOMMENDATION")).toBe(true);
  }, 60_000);

  it("brings each customer's consent as loadConsentStates computes it", async () => {
    const { loadConsentStates } = await import("@/lib/data/consent");
    // Superseded records, so "the latest record per purpose and channel wins" is exercised: profiling withdrawn for 12
    // customers, then granted again for 6 of them; marketing granted by e-mail, then withdrawn; and for 3 others two
    // records at the same instant (the higher id wins).
    await db().$executeRaw`
      INSERT INTO "ConsentRecord" ("customerId", purpose, channel, granted, "recordedAt", source)
      SELECT c.id, ch.purpose::"ConsentPurpose", ch.channel::"ConsentChannel", ch.first, TIMESTAMP '2026-01-01 09:00', 'test' FROM (SELECT id FROM "Customer" ORDER BY id LIMIT 12) c
        CROSS JOIN (VALUES ('PROFILING', NULL, false), ('MARKETING', 'EMAIL', true)) AS ch(purpose, channel, first)
      UNION ALL
      SELECT c.id, ch.purpose::"ConsentPurpose", ch.channel::"ConsentChannel", NOT ch.first, TIMESTAMP '2026-02-01 09:00', 'test' FROM (SELECT id FROM "Customer" ORDER BY id LIMIT 6) c
        CROSS JOIN (VALUES ('PROFILING', NULL, false), ('MARKETING', 'EMAIL', true)) AS ch(purpose, channel, first)
      UNION ALL
      SELECT c.id, 'PROFILING'::"ConsentPurpose", NULL::"ConsentChannel", g, TIMESTAMP '2026-02-02 09:00', 'test' FROM (SELECT id FROM "Customer" ORDER BY id DESC LIMIT 3) c CROSS JOIN (VALUES (true), (false)) AS v(g)`;
    const rows = await loadCustomerChunk(db(), { afterId: null, limit: 10_000 }, { now: new Date() });
    const states = await loadConsentStates(db(), rows.map((r) => r.customer.id));
    expect(rows.map((r) => [r.customer.id, r.customer.consent])).toEqual(rows.map((r) => [r.customer.id, states.get(r.customer.id)]));
    // Some customers have withdrawn something, so the comparison covers the records' path.
    expect(rows.some((r) => !r.customer.consent.MARKETING || !r.customer.consent.SERVICE || !r.customer.consent.PROFILING)).toBe(true);
  });

  // The process client reads the chunk and its history straight from the pg pool (lib/data/raw.ts); a
  // transaction's client reads through Prisma. Both must give the same rows, Dates included, in any time zone.
  it.each(["UTC", "America/New_York", "Asia/Kolkata"])("reads the same chunk and history from the pool as through Prisma (TZ=%s)", async (tz) => {
    const saved = process.env.TZ;
    process.env.TZ = tz;
    try {
      for (const days of [0.5, 9]) {
        const now = new Date(TODAY.getTime() + days * DAY_MS);
        const actions = await loadActionDefinitions(db());
        const read = async (client: Parameters<typeof loadHistory>[0]) => {
          const rows = await loadCustomerChunk(client, { afterId: null, limit: 10_000 }, { now });
          const history = await loadHistory(client, rows.map((r) => r.customer.id), { now, actions }, { withExpiry: true });
          return { rows, history };
        };
        const pooled = await read(db());
        const viaPrisma = await db().$transaction((tx) => read(tx));
        expect(pooled.rows.length).toBeGreaterThan(0);
        expect(pooled.history.length).toBeGreaterThan(0);
        // Every kind of value is there to compare: dates, timestamps, kept signals, nulls.
        expect(pooled.rows.some((r) => r.customer.birthday && r.kept?.lastContactAt)).toBe(true);
        expect(pooled.history.some((h) => h.decidedAt !== null) && pooled.history.some((h) => h.decidedAt === null)).toBe(true);
        expect(pooled).toEqual(viaPrisma);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  }, 60_000);
});
