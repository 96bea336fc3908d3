import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/data/db";
import { conversionMetrics, modelMetrics, type ConversionGroupRow, type MetricsScope } from "@/lib/data/metrics";
import { adoptionMetrics } from "@/lib/data/usage";
import { makeActionType, makeCustomer, makeTeam, makeUser } from "../support/fixtures";

// The conversion dashboard reads whole days from RecommendationDay (kept by
// triggers) and only the days a view cuts through row by row. Here it must give
// exactly what the definitions give when every recommendation is counted one by
// one in TypeScript, for views that cut days anywhere, with outcomes dated
// after "now", and after reactions, purchases and deletions move the counts.

const DAY = 86_400_000;
const NOW = new Date("2026-05-20T15:30:00Z");
const WINDOW_DAYS = 14;

function rng(seed: number) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

interface Rec {
  createdAt: Date;
  repId: string;
  actionTypeId: string;
  isControl: boolean;
  status: string;
  purchasedAt: Date | null;
  convertedAt: Date | null;
  attributedRevenue: { toString(): string };
}

const monday = (d: Date) => {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  return new Date(t.getTime() - ((t.getUTCDay() + 6) % 7) * DAY).getTime();
};

/** The definitions of lib/data/metrics.ts, one recommendation at a time. */
function expected(recs: Rec[], s: MetricsScope, actionKeys: Map<string, string>) {
  const closed = s.now.getTime() - WINDOW_DAYS * DAY;
  const empty = (): ConversionGroupRow => ({ generated: 0, shown: 0, accepted: 0, done: 0, converted: 0, revenue: 0, treatedN: 0, treatedConverted: 0, controlN: 0, controlConverted: 0 });
  const total = empty();
  const byAction = new Map<string, ConversionGroupRow>();
  const byRep = new Map<string, ConversionGroupRow>();
  const byWeek = new Map<number, ConversionGroupRow>();
  for (const r of recs) {
    const t = r.createdAt.getTime();
    if (t < s.from.getTime() || t >= s.toExclusive.getTime() || t > s.now.getTime()) continue;
    if (s.actionKey !== null && actionKeys.get(r.actionTypeId) !== s.actionKey) continue;
    const accepted = !r.isControl && (r.status === "ACCEPTED" || r.status === "DONE");
    const isClosed = t <= closed;
    const bought = r.purchasedAt !== null && r.purchasedAt.getTime() <= s.now.getTime();
    for (const g of [total, byAction.get(r.actionTypeId) ?? byAction.set(r.actionTypeId, empty()).get(r.actionTypeId)!, byRep.get(r.repId) ?? byRep.set(r.repId, empty()).get(r.repId)!, byWeek.get(monday(r.createdAt)) ?? byWeek.set(monday(r.createdAt), empty()).get(monday(r.createdAt))!]) {
      g.generated++;
      if (!r.isControl) g.shown++;
      if (accepted) g.accepted++;
      if (!r.isControl && r.status === "DONE") g.done++;
      if (accepted && r.convertedAt !== null && r.convertedAt.getTime() <= s.now.getTime()) g.converted++;
      if (accepted) g.revenue = Math.round((g.revenue + Number(r.attributedRevenue.toString())) * 100) / 100;
      if (isClosed && !r.isControl) g.treatedN++;
      if (isClosed && !r.isControl && bought) g.treatedConverted++;
      if (isClosed && r.isControl) g.controlN++;
      if (isClosed && r.isControl && bought) g.controlConverted++;
    }
  }
  return { total, byAction, byRep, byWeek };
}

describe("conversion, reaction and model figures from the daily rollups", () => {
  let teamId: string;
  let repIds: string[];
  let actionIds: string[];
  let actionKey: string;
  let customers: { id: string; ownerId: string }[];

  async function stored(): Promise<Rec[]> {
    return db().recommendation.findMany({
      where: { repId: { in: repIds } },
      select: { createdAt: true, repId: true, actionTypeId: true, isControl: true, status: true, purchasedAt: true, convertedAt: true, attributedRevenue: true },
    });
  }

  async function checkReactions(s: MetricsScope) {
    const [got, recs] = await Promise.all([adoptionMetrics(s), storedReactions()]);
    const inView = recs.filter((r) => {
      const t = r.createdAt.getTime();
      return !r.isControl && t >= s.from.getTime() && t < s.toExclusive.getTime() && t <= s.now.getTime() && (s.actionKey === null || actionKeys.get(r.actionTypeId) === s.actionKey);
    });
    const counts = (rs: typeof inView) => ({
      shown: rs.length,
      reacted: rs.filter((r) => r.firstReactionAt !== null && r.firstReactionAt <= s.now).length,
      accepted: rs.filter((r) => r.status === "ACCEPTED" || r.status === "DONE").length,
      dismissed: rs.filter((r) => r.status === "DISMISSED").length,
      snoozed: rs.filter((r) => !["ACCEPTED", "DONE", "DISMISSED"].includes(r.status) && r.snoozedAt !== null && r.snoozedAt <= s.now).length,
    });
    const strip = <T extends { medianMinutes: number | null }>({ medianMinutes: _m, ...rest }: T) => rest;
    expect(strip(got.reactions)).toEqual(counts(inView));
    const wantByAction = Object.fromEntries([...new Set(inView.map((r) => r.actionTypeId))].map((id) => [actionKeys.get(id), counts(inView.filter((r) => r.actionTypeId === id))]));
    expect(Object.fromEntries(got.byAction.map(({ actionKey, actionName: _n, ...row }) => [actionKey, strip(row)]))).toEqual(wantByAction);
    for (const rep of got.reps) expect(strip({ medianMinutes: null, shown: rep.shown, reacted: rep.reacted, accepted: rep.accepted, dismissed: rep.dismissed, snoozed: rep.snoozed })).toEqual(counts(inView.filter((r) => r.repId === rep.id)));
    const reasons = new Map<string, number>();
    for (const r of inView) if (r.status === "DISMISSED" && r.dismissReason) reasons.set(`${actionKeys.get(r.actionTypeId)}|${r.dismissReason}`, (reasons.get(`${actionKeys.get(r.actionTypeId)}|${r.dismissReason}`) ?? 0) + 1);
    expect(Object.fromEntries(got.dismissReasons.map((d) => [`${d.actionKey}|${d.reason}`, d.count]))).toEqual(Object.fromEntries(reasons));
    return counts(inView);
  }

  async function storedReactions() {
    return db().recommendation.findMany({
      where: { repId: { in: repIds } },
      select: { createdAt: true, repId: true, actionTypeId: true, isControl: true, status: true, firstReactionAt: true, snoozedAt: true, dismissReason: true },
    });
  }

  /** lib/data/metrics.ts modelMetrics' definitions, one recommendation at a time. */
  async function checkModel(s: MetricsScope) {
    const [got, recs] = await Promise.all([
      modelMetrics(s),
      db().recommendation.findMany({
        where: { repId: { in: repIds } },
        select: { createdAt: true, actionTypeId: true, isControl: true, status: true, propensity: true, modelVersion: true, decidedAt: true, shownAt: true, convertedAt: true },
      }),
    ]);
    const closed = s.now.getTime() - WINDOW_DAYS * DAY;
    const close = (x: number) => Math.round(x * 1e9) / 1e9;
    const bands = new Map<number, { n: number; p: number; y: number }>();
    const weeks = new Map<number, { accepted: number; converted: number }>();
    const versions = new Map<string, { firstUsed: number; accepted: number; converted: number; resolved: number; brierSum: number; logLossSum: number; correct: number; resolvedAccepted: number; predictedSum: number }>();
    const cells = new Map<string, { resolved: number; accepted: number }>();
    for (const r of recs) {
      const t = r.createdAt.getTime();
      if (t < s.from.getTime() || t >= s.toExclusive.getTime() || t > s.now.getTime()) continue;
      if (s.actionKey !== null && actionKeys.get(r.actionTypeId) !== s.actionKey) continue;
      const accepted = !r.isControl && (r.status === "ACCEPTED" || r.status === "DONE");
      const resolved = !r.isControl && (["ACCEPTED", "DONE", "DISMISSED"].includes(r.status) || (r.status === "EXPIRED" && r.shownAt !== null));
      const inPrecision = accepted && (r.decidedAt ?? r.createdAt).getTime() <= closed;
      const converted = inPrecision && r.convertedAt !== null && r.convertedAt.getTime() <= s.now.getTime();
      const p = r.propensity;
      const clipped = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
      const band = Math.min(9, Math.max(0, Math.floor(p * 10))) + 1;
      const w = monday(r.createdAt);
      const week = weeks.get(w) ?? weeks.set(w, { accepted: 0, converted: 0 }).get(w)!;
      week.accepted += Number(inPrecision);
      week.converted += Number(converted);
      const v = versions.get(r.modelVersion) ?? versions.set(r.modelVersion, { firstUsed: Infinity, accepted: 0, converted: 0, resolved: 0, brierSum: 0, logLossSum: 0, correct: 0, resolvedAccepted: 0, predictedSum: 0 }).get(r.modelVersion)!;
      v.firstUsed = Math.min(v.firstUsed, Math.floor(t / DAY) * DAY);
      v.accepted += Number(inPrecision);
      v.converted += Number(converted);
      const key = `${w}|${actionKeys.get(r.actionTypeId)}`;
      const cell = cells.get(key) ?? cells.set(key, { resolved: 0, accepted: 0 }).get(key)!;
      if (!resolved) continue;
      const b = bands.get(band) ?? bands.set(band, { n: 0, p: 0, y: 0 }).get(band)!;
      b.n++;
      b.p += p;
      b.y += Number(accepted);
      v.resolved++;
      v.brierSum += (p - Number(accepted)) ** 2;
      v.logLossSum += accepted ? -Math.log(clipped) : -Math.log(1 - clipped);
      v.correct += Number(p >= 0.5 === accepted);
      v.resolvedAccepted += Number(accepted);
      v.predictedSum += p;
      cell.resolved++;
      cell.accepted += Number(accepted);
    }
    expect(got.calibration.map((b) => ({ ...b, meanPredicted: close(b.meanPredicted), observed: close(b.observed) }))).toEqual(
      [...bands].sort((a, b) => a[0] - b[0]).map(([band, b]) => ({ band, n: b.n, meanPredicted: close(b.p / b.n), observed: close(b.y / b.n) })),
    );
    if (s.grain === "week") {
      expect(Object.fromEntries(got.precisionByWeek.filter((w) => w.accepted > 0).map(({ week, ...row }) => [week.getTime(), row]))).toEqual(
        Object.fromEntries([...weeks].filter(([, w]) => w.accepted > 0)),
      );
      expect(Object.fromEntries(got.acceptanceByWeek.filter((c) => c.resolved > 0).map((c) => [`${c.week.getTime()}|${c.actionKey}`, { resolved: c.resolved, accepted: c.accepted }]))).toEqual(
        Object.fromEntries([...cells].filter(([, c]) => c.resolved > 0)),
      );
    }
    expect(
      Object.fromEntries(got.precisionByVersion.map(({ modelVersion, firstUsed, brierSum, logLossSum, predictedSum, ...row }) => [modelVersion, { ...row, firstUsed: firstUsed.getTime(), brierSum: close(brierSum), logLossSum: close(logLossSum), predictedSum: close(predictedSum) }])),
    ).toEqual(Object.fromEntries([...versions].map(([k, v]) => [k, { ...v, brierSum: close(v.brierSum), logLossSum: close(v.logLossSum), predictedSum: close(v.predictedSum) }])));
  }

  async function check(s: MetricsScope) {
    await checkReactions(s);
    await checkModel(s);
    const [got, recs] = await Promise.all([conversionMetrics(s), stored()]);
    const want = expected(recs, s, actionKeys);
    expect(got.total).toEqual(want.total);
    expect(Object.fromEntries(got.byAction.map(({ actionKey: _k, actionName: _n, ...row }, i) => [got.byAction[i]!.actionKey, row]))).toEqual(
      Object.fromEntries([...want.byAction].map(([id, row]) => [actionKeys.get(id), row])),
    );
    expect(Object.fromEntries(got.byRep.map(({ repId, repName: _n, ...row }) => [repId, row]))).toEqual(Object.fromEntries(want.byRep));
    if (s.grain === "week") expect(Object.fromEntries(got.byWeek.map(({ week, ...row }) => [week.getTime(), row]))).toEqual(Object.fromEntries(want.byWeek));
    return want.total;
  }
  const actionKeys = new Map<string, string>();

  async function rollupMatchesRecount() {
    const rows = await db().$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', day, "repId", generated, shown, accepted, done, converted, revenue, "treatedConverted", "controlN", "controlConverted",
                       reacted, snoozed, dismissed, "dismissedNotRelevant", "dismissedAlreadyDone", "dismissedBadTiming", "dismissedCustomerDeclined", "dismissedOther") AS k
      FROM "RecommendationDay" WHERE "repId" = ANY(${repIds}::uuid[]) AND (generated <> 0 OR revenue <> 0) ORDER BY 1`;
    const recount = await db().$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', d, "repId", g, s, a, dn, c, rev, tc, cn, cc, re, sn, di, d1, d2, d3, d4, d5) AS k FROM (
        SELECT date_trunc('day', "createdAt")::date AS d, "repId", "actionTypeId", COUNT(*) AS g, COUNT(*) FILTER (WHERE NOT "isControl") AS s,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status IN ('ACCEPTED', 'DONE')) AS a, COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DONE') AS dn,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status IN ('ACCEPTED', 'DONE') AND "convertedAt" IS NOT NULL) AS c,
               COALESCE(SUM("attributedRevenue") FILTER (WHERE NOT "isControl" AND status IN ('ACCEPTED', 'DONE')), 0)::decimal(16, 2) AS rev,
               COUNT(*) FILTER (WHERE NOT "isControl" AND "purchasedAt" IS NOT NULL) AS tc, COUNT(*) FILTER (WHERE "isControl") AS cn,
               COUNT(*) FILTER (WHERE "isControl" AND "purchasedAt" IS NOT NULL) AS cc,
               COUNT(*) FILTER (WHERE NOT "isControl" AND "firstReactionAt" IS NOT NULL) AS re,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status NOT IN ('ACCEPTED', 'DONE', 'DISMISSED') AND "snoozedAt" IS NOT NULL) AS sn,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DISMISSED') AS di,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DISMISSED' AND "dismissReason" = 'NOT_RELEVANT') AS d1,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DISMISSED' AND "dismissReason" = 'ALREADY_DONE') AS d2,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DISMISSED' AND "dismissReason" = 'BAD_TIMING') AS d3,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DISMISSED' AND "dismissReason" = 'CUSTOMER_DECLINED') AS d4,
               COUNT(*) FILTER (WHERE NOT "isControl" AND status = 'DISMISSED' AND "dismissReason" = 'OTHER') AS d5
        FROM "Recommendation" WHERE "repId" = ANY(${repIds}::uuid[]) GROUP BY 1, 2, 3) x ORDER BY 1`;
    expect(rows.map((r) => r.k)).toEqual(recount.map((r) => r.k));
    const model = await db().$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', day, "repId", "actionTypeId", "modelVersion", band, generated, resolved, accepted, converted, correct,
                       round("propensitySum"::numeric, 9), round("brierSum"::numeric, 9), round("logLossSum"::numeric, 9)) AS k
      FROM "RecommendationModelDay" WHERE "repId" = ANY(${repIds}::uuid[]) AND generated <> 0 ORDER BY 1`;
    const modelRecount = await db().$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', d, "repId", "actionTypeId", "modelVersion", band, g, res, acc, conv, ok, round(ps::numeric, 9), round(bs::numeric, 9), round(ls::numeric, 9)) AS k FROM (
        SELECT date_trunc('day', "createdAt")::date AS d, "repId", "actionTypeId", "modelVersion", (LEAST(9, GREATEST(0, floor(propensity * 10))) + 1)::int AS band,
               COUNT(*) AS g, COUNT(*) FILTER (WHERE res) AS res, COUNT(*) FILTER (WHERE acc) AS acc, COUNT(*) FILTER (WHERE acc AND "convertedAt" IS NOT NULL) AS conv,
               COUNT(*) FILTER (WHERE res AND (propensity >= 0.5) = acc) AS ok, COALESCE(SUM(propensity) FILTER (WHERE res), 0) AS ps,
               COALESCE(SUM(power(propensity - acc::int, 2)) FILTER (WHERE res), 0) AS bs,
               COALESCE(SUM(CASE WHEN acc THEN -ln(LEAST(GREATEST(propensity, 1e-6), 1 - 1e-6)) ELSE -ln(1 - LEAST(GREATEST(propensity, 1e-6), 1 - 1e-6)) END) FILTER (WHERE res), 0) AS ls
        FROM (SELECT *, NOT "isControl" AND (status IN ('ACCEPTED', 'DONE', 'DISMISSED') OR (status = 'EXPIRED' AND "shownAt" IS NOT NULL)) AS res,
                        NOT "isControl" AND status IN ('ACCEPTED', 'DONE') AS acc
              FROM "Recommendation" WHERE "repId" = ANY(${repIds}::uuid[])) x
        GROUP BY 1, 2, 3, 4, 5) y ORDER BY 1`;
    expect(model.map((r) => r.k)).toEqual(modelRecount.map((r) => r.k));
  }

  beforeAll(async () => {
    const team = await makeTeam();
    teamId = team.id;
    repIds = [];
    for (let i = 0; i < 3; i++) repIds.push((await makeUser({ teamId })).id);
    actionIds = [];
    for (let i = 0; i < 3; i++) {
      const a = await makeActionType();
      actionIds.push(a.id);
      actionKeys.set(a.id, a.key);
      if (i === 1) actionKey = a.key;
    }
    customers = [];
    for (let i = 0; i < 24; i++) customers.push({ ...(await makeCustomer(repIds[i % 3]!)), ownerId: repIds[i % 3]! });
    const rand = rng(7);
    // Purchases from 70 days before now to 10 days after it (recorded ahead of time).
    const events = customers.flatMap((c) =>
      Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
        customerId: c.id,
        type: "PURCHASE" as const,
        occurredAt: new Date(NOW.getTime() - 70 * DAY + Math.floor(rand() * 80 * DAY)),
        amount: Math.round(rand() * 50000) / 100,
      })),
    );
    // Recommendations from 65 days before now to a day after it, in one statement (as a batch writes them) and one at a time.
    const open = new Set<string>();
    const recs = [];
    for (let i = 0; i < 400; i++) {
      const c = customers[Math.floor(rand() * customers.length)]!;
      const actionTypeId = actionIds[Math.floor(rand() * actionIds.length)]!;
      const createdAt = new Date(NOW.getTime() - 65 * DAY + Math.floor(rand() * 66 * DAY));
      let status = (["DONE", "DISMISSED", "EXPIRED", "ACCEPTED", "PENDING", "SNOOZED"] as const)[Math.floor(rand() * 6)]!;
      const key = `${c.id}:${actionTypeId}`;
      if (status === "ACCEPTED" || status === "PENDING" || status === "SNOOZED") {
        if (open.has(key)) status = "DONE";
        else open.add(key);
      }
      const decided = status === "ACCEPTED" || status === "DONE" || status === "DISMISSED";
      recs.push({
        customerId: c.id, actionTypeId, repId: c.ownerId, actionTypeVersion: 1, score: 1, propensity: [0, 0.05, 0.2, 0.5, 0.73, 0.999, 1][Math.floor(rand() * 7)]!, expectedValue: 1, message: "m", reasons: [],
        status, isControl: rand() < 0.2, modelVersion: ["m1", "m2", "m3"][Math.floor(rand() * 3)]!, createdAt, expiresAt: new Date(createdAt.getTime() + 14 * DAY),
        shownAt: rand() < 0.5 ? createdAt : null,
        decidedAt: decided ? new Date(createdAt.getTime() + Math.floor(rand() * 3 * DAY)) : null,
        // Reactions (some dated after now), snoozes and dismiss reasons (some without one) for the adoption counts.
        firstReactionAt: status === "PENDING" && rand() < 0.5 ? null : new Date(createdAt.getTime() + Math.floor(rand() * 4 * DAY)),
        snoozedAt: rand() < 0.5 ? new Date(createdAt.getTime() + Math.floor(rand() * 6 * DAY)) : null,
        dismissReason: status === "DISMISSED" ? ([null, "NOT_RELEVANT", "ALREADY_DONE", "BAD_TIMING", "CUSTOMER_DECLINED", "OTHER"] as const)[Math.floor(rand() * 6)]! : null,
      });
    }
    await db().customerEvent.createMany({ data: events.slice(0, events.length / 2) });
    await db().recommendation.createMany({ data: recs.slice(0, 300) });
    for (const r of recs.slice(300)) await db().recommendation.create({ data: r });
    // Purchases recorded after the recommendations move their outcomes through the facts triggers.
    await db().customerEvent.createMany({ data: events.slice(events.length / 2) });
    // One suggestion decided long after it was made and converted after now: its conversion lies in a whole day of the rollup.
    const late = customers[5]!;
    await db().recommendation.create({
      data: { ...recs[0]!, customerId: late.id, repId: late.ownerId, status: "DONE", isControl: false, createdAt: new Date(NOW.getTime() - 16 * DAY), decidedAt: new Date(NOW.getTime() - 2 * DAY) },
    });
    await db().customerEvent.create({ data: { customerId: late.id, type: "PURCHASE", occurredAt: new Date(NOW.getTime() + 3 * DAY), amount: 10 } });
  });

  const scope = (over: Partial<MetricsScope> = {}): MetricsScope => ({
    from: new Date("2026-03-20T00:00:00Z"), toExclusive: new Date("2026-05-21T00:00:00Z"), teamId, actionKey: null, segment: null, grain: "week", now: NOW, ...over,
  });

  it("rollup rows equal a recount of the recommendations", async () => {
    await rollupMatchesRecount();
  });

  it("equals the definitions counted one by one, for views that cut days anywhere", async () => {
    const total = await check(scope());
    // The fixture really has every kind of row the split treats apart.
    expect(total.treatedN).toBeGreaterThan(0);
    expect(total.controlConverted).toBeGreaterThan(0);
    expect(total.converted).toBeGreaterThan(0);
    const recs = await stored();
    expect(recs.some((r) => r.convertedAt !== null && r.convertedAt > NOW && r.createdAt < new Date("2026-05-20T00:00:00Z"))).toBe(true);
    expect(recs.some((r) => r.createdAt > NOW)).toBe(true);
    expect(recs.length).toBeGreaterThan(0);
    const reacts = await storedReactions();
    // Reactions and snoozes after a back-dated now inside whole days, and dismissals with and without a reason.
    const past = new Date("2026-04-30T09:15:00Z");
    expect(reacts.some((r) => !r.isControl && r.firstReactionAt !== null && r.firstReactionAt > past && r.createdAt < new Date("2026-04-30T00:00:00Z"))).toBe(true);
    expect(reacts.some((r) => !r.isControl && r.snoozedAt !== null && r.snoozedAt > past && r.createdAt < new Date("2026-04-30T00:00:00Z") && !["ACCEPTED", "DONE", "DISMISSED"].includes(r.status))).toBe(true);
    expect(reacts.some((r) => r.status === "DISMISSED" && r.dismissReason === null)).toBe(true);
    await check(scope({ grain: "month" }));
    await check(scope({ actionKey }));
    // Range ends inside a day, and a "now" in the past (outcomes after it must not count).
    await check(scope({ from: new Date("2026-03-25T06:00:00Z"), toExclusive: new Date("2026-05-10T18:00:00Z") }));
    await check(scope({ now: new Date("2026-04-30T09:15:00Z") }));
    await check(scope({ from: new Date("2026-05-19T00:00:00Z"), toExclusive: new Date("2026-05-20T00:00:00Z") }));
  });

  it("follows reactions, undos, purchases and deletions", async () => {
    const mine = await db().recommendation.findMany({ where: { repId: { in: repIds } }, select: { id: true, status: true }, orderBy: { id: "asc" } });
    const accepted = mine.filter((r) => r.status === "ACCEPTED").slice(0, 5);
    for (const r of accepted) await db().recommendation.update({ where: { id: r.id }, data: { status: "DONE" } });
    const done = mine.filter((r) => r.status === "DONE").slice(0, 5);
    await db().recommendation.updateMany({ where: { id: { in: done.map((r) => r.id) } }, data: { status: "DISMISSED" } });
    await db().recommendation.updateMany({ where: { id: { in: mine.slice(0, 30).map((r) => r.id) } }, data: { shownAt: NOW } });
    await db().customerEvent.create({ data: { customerId: customers[0]!.id, type: "PURCHASE", occurredAt: new Date(NOW.getTime() - 20 * DAY), amount: 123.45 } });
    await db().recommendation.deleteMany({ where: { id: { in: mine.slice(40, 60).map((r) => r.id) } } });
    await rollupMatchesRecount();
    await check(scope());
    await check(scope({ now: new Date("2026-04-30T09:15:00Z"), grain: "month" }));
  });
});
