import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The business KPIs (lib/data/kpis.ts) against a small hand-built fixture in a
// private database; every expected n, sum and sum of squares is worked out by
// hand below. Range 2026-02-15 to 2026-03-31 (toExclusive 04-01), "now"
// 2026-03-31 12:00 UTC, grain month. Retention looks back 180 days; the
// attribution window is 14 days.
//
// Global holdout: two draws.
//   D1 [01-01, 02-20) at 50 %: window [02-15, 02-20).
//   D2 [02-20, 05-01) at 20 %: window [02-20, 03-31 12:00) (cut at now).
// Customers (owner → team, segment; arm in D1 / D2):
//   c1 A1 → A, SMB   treated / treated
//   c2 A1 → A, ENT   held    / treated
//   c3 A2 → A, SMB   treated / held
//   c4 B1 → B, SMB   held    / held
//   c5 B1 → B, ENT   treated / treated
//   c6 A2 → A, ENT   (no D1 row: not counted in D1) / treated
// Purchases (date, amount, line → flags set by the trigger):
//   c1: 2025-12-01 100 X; 02-15 00:00 150 Y → cross, up (in D1, at its start); 02-20 00:00 50 X (D1's end = D2's start: D2);
//       03-31 12:00 500 Z → cross, up (at now: in no window)
//   c2: 02-19 23:59:59 200 X (D1); 03-10 300 X → up (D2, March)
//   c3: 03-05 80 X; 03-06 00:00 80 Y → cross (not up: equal)
//   c4: 2025-06-01 1000 X (beyond 180 days); 2025-12-20 100 X; 02-25 400 W → cross (not up)
//   c5: 01-10 700 X; 03-20 no amount, no line (counts as a purchase, not in order value or revenue)
//   c6: 02-16 60 X (D1, where c6 has no row); 02-21 90 Y → cross, up
// Clicks: c1 02-16, 03-02; c3 02-17 twice; c2 03-31 12:00 (at now: out).
// Visits: c1 02-14 23:59 (before the range), 02-22; c3 03-31 11:59; c4 02-18, 03-15.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_kpis") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { programKpi, actionKpis, adopterTiers } = await import("@/lib/data/kpis");
type Scope = import("@/lib/data/metrics").MetricsScope;
type KpiKey = import("@/lib/metrics/kpi-definitions").KpiKey;

const NOW = new Date("2026-03-31T12:00:00Z");
const at = (s: string) => new Date(`${s}Z`);
const ids: Record<string, string> = {};
let base: Scope;

const arm = (n: number, sum: number, sumSq = sum) => ({ n, sum, sumSq });

async function event(customer: string, type: "PURCHASE" | "EMAIL_CLICK" | "WEB_VISIT", when: string, amount: number | null = null, productLine: string | null = null) {
  return db().customerEvent.create({ data: { customerId: ids[customer]!, type, occurredAt: at(when), amount, productLine } });
}
async function rec(name: string, o: { action: string; rep: string; customer: string; created: string; control?: boolean }) {
  const r = await db().recommendation.create({
    data: {
      customerId: ids[o.customer]!,
      actionTypeId: ids[o.action]!,
      repId: ids[o.rep]!,
      actionTypeVersion: 1,
      score: 1,
      propensity: 0.5,
      expectedValue: 1,
      message: name,
      reasons: [],
      status: "EXPIRED",
      isControl: o.control ?? false,
      modelVersion: "v1",
      createdAt: at(o.created),
      expiresAt: new Date(at(o.created).getTime() + 7 * 86_400_000),
    },
  });
  ids[name] = r.id;
}

describe.skipIf(!reachable)("business KPIs on a fixed fixture", () => {
  beforeAll(async () => {
    for (const t of ["A", "B"]) ids[`team${t}`] = (await db().team.create({ data: { name: t } })).id;
    for (const [key, team] of [["A1", "A"], ["A2", "A"], ["B1", "B"]] as const) {
      ids[key] = (await db().user.create({ data: { email: `${key}@k.test`, name: key, role: "REP", teamId: ids[`team${team}`]!, passwordHash: "x", createdAt: at("2026-01-01T00:00:00") } })).id;
    }
    for (const [key, name, pct] of [["alpha", "Alpha", 10], ["beta", "Beta", 20]] as const) {
      ids[key] = (await db().actionType.create({ data: { key, name, category: "GROWTH", description: "", messageTemplate: "x", rule: {}, businessValue: 100, controlGroupPct: pct } })).id;
    }
    const customers = [["c1", "A1", "SMB"], ["c2", "A1", "ENT"], ["c3", "A2", "SMB"], ["c4", "B1", "SMB"], ["c5", "B1", "ENT"], ["c6", "A2", "ENT"], ["c7", "A1", "SMB"]] as const;
    for (const [c, owner, segment] of customers) {
      ids[c] = (await db().customer.create({ data: { externalId: c, name: c, segment, ownerId: ids[owner]!, createdAt: at("2025-01-01T00:00:00") } })).id;
    }
    const d1 = await db().holdoutPeriod.create({ data: { key: "D1", startsAt: at("2026-01-01T00:00:00"), endsAt: at("2026-02-20T00:00:00"), pct: 50, salt: "d1" } });
    const d2 = await db().holdoutPeriod.create({ data: { key: "D2", startsAt: at("2026-02-20T00:00:00"), endsAt: at("2026-05-01T00:00:00"), pct: 20, salt: "d2" } });
    const arms: [string, boolean | null, boolean][] = [
      ["c1", false, false],
      ["c2", true, false],
      ["c3", false, true],
      ["c4", true, true],
      ["c5", false, false],
      ["c6", null, false],
    ];
    for (const [c, inD1, inD2] of arms) {
      if (inD1 !== null) await db().holdoutAssignment.create({ data: { periodId: d1.id, customerId: ids[c]!, heldOut: inD1 } });
      await db().holdoutAssignment.create({ data: { periodId: d2.id, customerId: ids[c]!, heldOut: inD2 } });
    }
    // Purchases, each customer's in time order (the trigger judges each against the ones recorded before it).
    await event("c1", "PURCHASE", "2025-12-01T10:00:00", 100, "X");
    await event("c1", "PURCHASE", "2026-02-15T00:00:00", 150, "Y");
    await event("c1", "PURCHASE", "2026-02-20T00:00:00", 50, "X");
    await event("c1", "PURCHASE", "2026-03-31T12:00:00", 500, "Z");
    await event("c2", "PURCHASE", "2026-02-19T23:59:59", 200, "X");
    await event("c2", "PURCHASE", "2026-03-10T10:00:00", 300, "X");
    await event("c3", "PURCHASE", "2026-03-05T10:00:00", 80, "X");
    await event("c3", "PURCHASE", "2026-03-06T00:00:00", 80, "Y");
    await event("c4", "PURCHASE", "2025-06-01T10:00:00", 1000, "X");
    await event("c4", "PURCHASE", "2025-12-20T10:00:00", 100, "X");
    await event("c4", "PURCHASE", "2026-02-25T10:00:00", 400, "W");
    await event("c5", "PURCHASE", "2026-01-10T10:00:00", 700, "X");
    await event("c5", "PURCHASE", "2026-03-20T10:00:00", null, null);
    await event("c6", "PURCHASE", "2026-02-16T10:00:00", 60, "X");
    await event("c6", "PURCHASE", "2026-02-21T10:00:00", 90, "Y");
    await event("c1", "EMAIL_CLICK", "2026-02-16T10:00:00");
    await event("c1", "EMAIL_CLICK", "2026-03-02T10:00:00");
    await event("c3", "EMAIL_CLICK", "2026-02-17T10:00:00");
    await event("c3", "EMAIL_CLICK", "2026-02-17T11:00:00");
    await event("c2", "EMAIL_CLICK", "2026-03-31T12:00:00");
    await event("c1", "WEB_VISIT", "2026-02-14T23:59:00");
    await event("c1", "WEB_VISIT", "2026-02-22T10:00:00");
    await event("c3", "WEB_VISIT", "2026-03-31T11:59:00");
    await event("c4", "WEB_VISIT", "2026-02-18T10:00:00");
    await event("c4", "WEB_VISIT", "2026-03-15T10:00:00");

    // Recommendations (window (createdAt, createdAt + 14 days], closed by now when created by 03-17 12:00):
    // r0 before the range; r5 created one second too late for its window to have closed.
    await rec("r0", { action: "alpha", rep: "A1", customer: "c1", created: "2026-02-10T00:00:00" });
    await rec("r1", { action: "alpha", rep: "A1", customer: "c1", created: "2026-02-15T00:00:00" });
    await rec("r2", { action: "alpha", rep: "A2", customer: "c3", created: "2026-02-20T00:00:00", control: true });
    await rec("r3", { action: "alpha", rep: "A1", customer: "c2", created: "2026-02-25T00:00:00" });
    await rec("r4", { action: "alpha", rep: "B1", customer: "c4", created: "2026-03-17T12:00:00" });
    await rec("r5", { action: "alpha", rep: "B1", customer: "c5", created: "2026-03-17T12:00:01" });
    await rec("r6", { action: "beta", rep: "A2", customer: "c6", created: "2026-02-20T12:00:00" });
    await rec("r7", { action: "beta", rep: "B1", customer: "c5", created: "2026-03-10T00:00:00", control: true });
    await rec("r8", { action: "beta", rep: "B1", customer: "c4", created: "2026-02-24T00:00:00", control: true });
    await rec("r9", { action: "beta", rep: "A1", customer: "c1", created: "2026-03-17T00:00:00" });

    // Usage in the range (days with a queue view or a reaction): A1 3, B1 2, A2 1.
    const usage = async (user: string, type: "SIGN_IN" | "QUEUE_VIEW" | "CUSTOMER_VIEW" | "REACTION", when: string) =>
      db().usageEvent.create({ data: { userId: ids[user]!, type, at: at(when) } });
    await usage("A1", "QUEUE_VIEW", "2026-02-16T09:00:00");
    await usage("A1", "QUEUE_VIEW", "2026-03-02T09:00:00");
    await usage("A1", "REACTION", "2026-03-20T09:00:00");
    await usage("B1", "QUEUE_VIEW", "2026-02-20T09:00:00");
    await usage("B1", "QUEUE_VIEW", "2026-02-21T09:00:00");
    await usage("B1", "SIGN_IN", "2026-03-01T09:00:00");
    await usage("A2", "QUEUE_VIEW", "2026-02-10T09:00:00"); // before the range
    await usage("A2", "REACTION", "2026-03-05T09:00:00");
    await usage("A2", "CUSTOMER_VIEW", "2026-03-06T09:00:00");

    base = { from: at("2026-02-15T00:00:00"), toExclusive: at("2026-04-01T00:00:00"), teamId: null, actionKey: null, segment: null, grain: "month", now: NOW };
  });

  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("the trigger sets cross-sell and up-sell against earlier purchases by occurredAt; a first purchase never counts", async () => {
    const flags = async (when: string, amount: number | null, line: string | null) => {
      const e = await event("c7", "PURCHASE", when, amount, line);
      return [e.crossSell, e.upSell];
    };
    expect(await flags("2026-01-10T00:00:00", 100, "X")).toEqual([false, false]); // first purchase
    expect(await flags("2026-01-20T00:00:00", 150, "Y")).toEqual([true, true]); // new line, larger
    expect(await flags("2026-01-05T00:00:00", 500, "Z")).toEqual([false, false]); // recorded later but earliest by occurredAt: first
    expect(await flags("2026-01-20T00:00:00", 600, "W")).toEqual([true, true]); // the 01-20 purchase at the same instant is not earlier; 600 > 500
    expect(await flags("2026-01-25T00:00:00", 600, "X")).toEqual([false, false]); // X bought before; 600 is not more than 600
    expect(await flags("2026-01-26T00:00:00", null, null)).toEqual([false, false]); // no line, no amount
    expect(await flags("2026-01-27T00:00:00", 700, null)).toEqual([false, true]); // no line: never a cross-sell
    // The fixture's flags, as listed in the header.
    const flagged = await db().customerEvent.findMany({
      where: { type: "PURCHASE", customerId: { not: ids.c7 }, OR: [{ crossSell: true }, { upSell: true }] },
      select: { customerId: true, amount: true, crossSell: true, upSell: true },
      orderBy: [{ occurredAt: "asc" }],
    });
    const name = (id: string) => Object.keys(ids).find((k) => ids[k] === id);
    expect(flagged.map((e) => [name(e.customerId), Number(e.amount), e.crossSell, e.upSell])).toEqual([
      ["c1", 150, true, true],
      ["c6", 90, true, true],
      ["c4", 400, true, false],
      ["c3", 80, true, false],
      ["c2", 300, false, true],
      ["c1", 500, true, true],
    ]);
  });

  // Units: D1 treated c1 c3 c5, held c2 c4; D2 treated c1 c2 c5 c6, held c3 c4.
  // Expected control share: (5 × 0.5 + 6 × 0.2) / 11 with every unit; accrual 02-15 → 03-31 12:00 = 44.5 days.
  const PROGRAM: Record<KpiKey, { treated: ReturnType<typeof arm>; control: ReturnType<typeof arm> }> = {
    // Bought in the window. T: D1 c1 1, c3 0, c5 0; D2 c1 1 (02-20), c2 1, c5 1 (no amount), c6 1. C: D1 c2 1, c4 0; D2 c3 1, c4 1.
    conversion: { treated: arm(7, 5), control: arm(4, 3) },
    // Buyers with amounts, mean per unit. T: D1 c1 150; D2 c1 50, c2 300, c6 90. C: D1 c2 200; D2 c3 (80+80)/2, c4 400.
    orderValue: { treated: arm(4, 590, 22500 + 2500 + 90000 + 8100), control: arm(3, 680, 40000 + 6400 + 160000) },
    // Purchases. T: 1, 0, 0, 1, 1, 1, 1. C: 1, 0, 2, 1.
    purchaseFrequency: { treated: arm(7, 5, 5), control: arm(4, 4, 6) },
    // Revenue. T: 150, 0, 0, 50, 300, 0, 90. C: 200, 0, 160, 400.
    revenuePerCustomer: { treated: arm(7, 590, 123100), control: arm(4, 760, 40000 + 25600 + 160000) },
    // Every purchase with an amount before the window's end. T: D1 c1 250, c3 0, c5 700; D2 c1 300, c2 500, c5 700, c6 150.
    // C: D1 c2 200, c4 1100; D2 c3 160, c4 1500.
    lifetimeValue: {
      treated: arm(7, 2600, 62500 + 490000 + 90000 + 250000 + 490000 + 22500),
      control: arm(4, 2960, 40000 + 1210000 + 25600 + 2250000),
    },
    // Bought in the 180 days before the window (D1 from 2025-08-19, D2 from 2025-08-24): T D1 c1 (bought), c5 (not);
    // D2 c1, c2 (02-19), c5, c6 (02-16), all bought. C: D1 c4 (12-20; not), D2 c4 (bought). c2 in D1, c3 never bought before.
    retention: { treated: arm(6, 5), control: arm(2, 1) },
    churn: { treated: arm(6, 1), control: arm(2, 1) },
    // T: D1 c1 (02-15 Y), D2 c6. C: D2 c3 (03-06 Y), c4 (W).
    crossSell: { treated: arm(7, 2), control: arm(4, 2) },
    // T: D1 c1, D2 c2, c6. C: none (c3 80 = 80; c4 400 < 1000).
    upSell: { treated: arm(7, 3), control: arm(4, 0) },
    // T: D1 c1 1, c3 2; D2 c1 1. C: none (c2's click is at now).
    emailClicks: { treated: arm(7, 4, 6), control: arm(4, 0, 0) },
    // T: D2 c1 1. C: D1 c4 1; D2 c3 1, c4 1.
    webVisits: { treated: arm(7, 1, 1), control: arm(4, 3, 3) },
  };

  it("program: every KPI's arms in total", async () => {
    for (const [kpi, expected] of Object.entries(PROGRAM) as [KpiKey, (typeof PROGRAM)[KpiKey]][]) {
      const p = await programKpi(base, kpi);
      expect({ kpi, ...p.total }).toMatchObject({ kpi, ...expected });
    }
    const c = (await programKpi(base, "conversion")).total;
    expect(c.accrualDays).toBe(44.5);
    expect(c.expectedControlShare).toBeCloseTo(3.7 / 11, 12);
    // Order value counts buyers only: T D1 c1 (0.5), D2 c1 c2 c6 (3 × 0.2); C D1 c2 (0.5), D2 c3 c4 (2 × 0.2): 2.0 / 7.
    expect((await programKpi(base, "orderValue")).total.expectedControlShare).toBeCloseTo(2 / 7, 12);
    // Retention: previous buyers: T D1 c1 c5, D2 c1 c2 c5 c6; C D1 c4, D2 c4: (3 × 0.5 + 5 × 0.2) / 8.
    expect((await programKpi(base, "retention")).total.expectedControlShare).toBeCloseTo(2.5 / 8, 12);
  });

  it("program: by team and by segment (conversion)", async () => {
    const p = await programKpi(base, "conversion");
    // Team A (c1 c2 c3 c6): T D1 c1 1, c3 0; D2 c1 1, c2 1, c6 1. C: D1 c2 1; D2 c3 1. Share (3 × 0.5 + 4 × 0.2) / 7.
    // Team B (c4 c5): T D1 c5 0, D2 c5 1. C: D1 c4 0, D2 c4 1. Share (2 × 0.5 + 2 × 0.2) / 4.
    expect(p.byTeam.map((t) => [t.teamName, t.treated, t.control, t.accrualDays])).toEqual([
      ["A", arm(5, 4), arm(2, 2), 44.5],
      ["B", arm(2, 1), arm(2, 1), 44.5],
    ]);
    expect(p.byTeam[0]?.teamId).toBe(ids.teamA);
    expect(p.byTeam[0]?.expectedControlShare).toBeCloseTo(2.3 / 7, 12);
    expect(p.byTeam[1]?.expectedControlShare).toBeCloseTo(0.35, 12);
    // ENT (c2 c5 c6): T D1 c5 0; D2 c2 1, c5 1, c6 1. C: D1 c2 1. SMB (c1 c3 c4): T D1 c1 1, c3 0; D2 c1 1. C: D1 c4 0; D2 c3 1, c4 1.
    expect(p.bySegment.map((g) => [g.segment, g.treated, g.control])).toEqual([
      ["ENT", arm(4, 3), arm(1, 1)],
      ["SMB", arm(3, 2), arm(3, 2)],
    ]);
    expect(p.bySegment[0]?.expectedControlShare).toBeCloseTo(1.6 / 5, 12);
    expect(p.bySegment[1]?.expectedControlShare).toBeCloseTo(2.1 / 6, 12);
    // Scoped: team A only, and segment ENT only, give those groups' figures as totals.
    const teamA = await programKpi({ ...base, teamId: ids.teamA! }, "conversion");
    expect([teamA.total.treated, teamA.total.control]).toEqual([arm(5, 4), arm(2, 2)]);
    expect(teamA.byTeam.map((t) => t.teamName)).toEqual(["A"]);
    const ent = await programKpi({ ...base, segment: "ENT" }, "conversion");
    expect([ent.total.treated, ent.total.control]).toEqual([arm(4, 3), arm(1, 1)]);
    expect(ent.bySegment.map((g) => g.segment)).toEqual(["ENT"]);
  });

  it("program: by month, the window cut to each month (conversion, lifetime value, retention)", async () => {
    // February: D1's window [02-15, 02-20) and D2's [02-20, 03-01); March: D2's [03-01, now).
    const c = await programKpi(base, "conversion");
    expect(c.byPeriod.map((b) => [b.start, b.treated, b.control, b.accrualDays])).toEqual([
      // Feb. T: D1 c1 1, c3 0, c5 0; D2 c1 1 (02-20), c2 0, c5 0, c6 1 (02-21). C: D1 c2 1, c4 0; D2 c3 0, c4 1 (02-25).
      [at("2026-02-01T00:00:00"), arm(7, 3), arm(4, 2), 14],
      // Mar. T: c1 0 (03-31 12:00 is at now), c2 1, c5 1, c6 0. C: c3 1, c4 0.
      [at("2026-03-01T00:00:00"), arm(4, 2), arm(2, 1), 30.5],
    ]);
    expect(c.byPeriod[0]?.expectedControlShare).toBeCloseTo(3.7 / 11, 12);
    expect(c.byPeriod[1]?.expectedControlShare).toBeCloseTo(0.2, 12);
    // Quarter: one bucket (Q1) holding both draws' windows, so the same as the total.
    const q = await programKpi({ ...base, grain: "quarter" }, "conversion");
    expect(q.byPeriod.map((b) => [b.start, b.treated, b.control])).toEqual([[at("2026-01-01T00:00:00"), arm(7, 5), arm(4, 3)]]);
    // Weeks (Mondays): 02-09 holds D1's [02-15, 02-16) only: T c1 1 (02-15 00:00), c3 0, c5 0; C c2 0, c4 0.
    const w = await programKpi({ ...base, grain: "week" }, "conversion");
    expect(w.byPeriod.map((b) => b.start.toISOString().slice(0, 10))).toEqual(["2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]);
    expect([w.byPeriod[0]?.treated, w.byPeriod[0]?.control]).toEqual([arm(3, 1), arm(2, 0)]);
    const ltv = await programKpi(base, "lifetimeValue");
    expect(ltv.byPeriod.map((b) => [b.treated, b.control])).toEqual([
      // Feb, up to each slice's end. T: D1 c1 250, c3 0, c5 700; D2 (to 03-01) c1 300, c2 200, c5 700, c6 150. C: D1 c2 200, c4 1100; D2 c3 0, c4 1500.
      [arm(7, 2300, 62500 + 490000 + 90000 + 40000 + 490000 + 22500), arm(4, 2800, 40000 + 1210000 + 2250000)],
      // Mar, up to now. T: c1 300, c2 500, c5 700, c6 150. C: c3 160, c4 1500.
      [arm(4, 1650, 90000 + 250000 + 490000 + 22500), arm(2, 1660, 25600 + 2250000)],
    ]);
    const ret = await programKpi(base, "retention");
    expect(ret.byPeriod.map((b) => [b.treated, b.control])).toEqual([
      // Feb. T: D1 c1 1, c5 0; D2 c1 1, c2 0, c5 0, c6 1. C: D1 c4 0; D2 c4 1 (c3 had not bought before).
      [arm(6, 3), arm(2, 1)],
      // Mar (bought since 2025-09-02). T: c1 0, c2 1, c5 1, c6 0. C: c4 0 (c3 first bought on 03-05).
      [arm(4, 2), arm(1, 0)],
    ]);
  });

  // alpha (10 %): shown r1 (c1), r3 (c2), r4 (c4, closed exactly at now); control r2 (c3).
  // beta (20 %): shown r6 (c6), r9 (c1); control r7 (c5), r8 (c4).
  // Per recommendation, purchases in (createdAt, +14 days]:
  //   r1 (02-15, 03-01]: 02-20 50 X (the 02-15 00:00 purchase is at createdAt: out). Click 02-16, visit 02-22. Bought before. LTV 300.
  //   r3 (02-25, 03-11]: 300 (up). Bought before (02-19). LTV 500.
  //   r4 (03-17 12:00, 03-31 12:00]: nothing (the visit of 03-15 is before). Bought before. LTV 1500.
  //   r2 (02-20, 03-06]: 80 and 80 (03-06 00:00, cross; at the window's end: in). Never bought before. LTV 160.
  //   r6 (02-20 12:00, 03-06 12:00]: 90 (cross, up). Bought before (02-16). LTV 150.
  //   r9 (03-17, 03-31]: nothing (03-31 12:00 is after). Bought before. LTV 300.
  //   r7 (03-10, 03-24]: a purchase without amount. Bought before (01-10). LTV 700.
  //   r8 (02-24, 03-10]: 400 (cross). Bought before (12-20). LTV 1500.
  const ACTIONS: Record<KpiKey, [ReturnType<typeof arm>, ReturnType<typeof arm>, ReturnType<typeof arm>, ReturnType<typeof arm>]> = {
    // [alpha treated, alpha control, beta treated, beta control]
    conversion: [arm(3, 2), arm(1, 1), arm(2, 1), arm(2, 2)],
    orderValue: [arm(2, 350, 2500 + 90000), arm(1, 80, 6400), arm(1, 90, 8100), arm(1, 400, 160000)],
    purchaseFrequency: [arm(3, 2, 2), arm(1, 2, 4), arm(2, 1, 1), arm(2, 2, 2)],
    revenuePerCustomer: [arm(3, 350, 92500), arm(1, 160, 25600), arm(2, 90, 8100), arm(2, 400, 160000)],
    lifetimeValue: [arm(3, 2300, 90000 + 250000 + 2250000), arm(1, 160, 25600), arm(2, 450, 22500 + 90000), arm(2, 2200, 490000 + 2250000)],
    retention: [arm(3, 2), arm(0, 0), arm(2, 1), arm(2, 2)],
    churn: [arm(3, 1), arm(0, 0), arm(2, 1), arm(2, 0)],
    crossSell: [arm(3, 0), arm(1, 1), arm(2, 1), arm(2, 1)],
    upSell: [arm(3, 1), arm(1, 0), arm(2, 1), arm(2, 0)],
    emailClicks: [arm(3, 1, 1), arm(1, 0, 0), arm(2, 0, 0), arm(2, 0, 0)],
    webVisits: [arm(3, 1, 1), arm(1, 0, 0), arm(2, 0, 0), arm(2, 0, 0)],
  };

  it("per action: every KPI, shown against control, windows closed by now", async () => {
    for (const [kpi, [at_, ac, bt, bc]] of Object.entries(ACTIONS) as [KpiKey, (typeof ACTIONS)[KpiKey]][]) {
      const rows = await actionKpis(base, kpi);
      expect({ kpi, rows: rows.map((r) => [r.actionKey, r.actionName, r.treated, r.control]) }).toEqual({
        kpi,
        rows: [
          ["alpha", "Alpha", at_, ac],
          ["beta", "Beta", bt, bc],
        ],
      });
    }
    const c = await actionKpis(base, "conversion");
    // alpha: 02-15 → 03-31 12:00 (r4's window end); beta: 02-20 12:00 → 03-31 (r9's).
    expect(c.map((r) => [r.actionKey, r.accrualDays, r.expectedControlShare])).toEqual([
      ["alpha", 44.5, 0.1],
      ["beta", 38.5, 0.2],
    ]);
  });

  it("per action: team and segment scope", async () => {
    // Team A: r1 r3 (alpha shown), r2 (alpha control), r6 r9 (beta shown); beta's controls are B1's.
    const a = await actionKpis({ ...base, teamId: ids.teamA! }, "conversion");
    expect(a.map((r) => [r.actionKey, r.treated, r.control])).toEqual([
      ["alpha", arm(2, 2), arm(1, 1)],
      ["beta", arm(2, 1), arm(0, 0)],
    ]);
    // ENT (c2 c5 c6): r3 (alpha shown), r6 (beta shown), r7 (beta control).
    const ent = await actionKpis({ ...base, segment: "ENT" }, "conversion");
    expect(ent.map((r) => [r.actionKey, r.treated, r.control])).toEqual([
      ["alpha", arm(1, 1), arm(0, 0)],
      ["beta", arm(1, 1), arm(1, 1)],
    ]);
    const beta = await actionKpis({ ...base, actionKey: "beta" }, "conversion");
    expect(beta.map((r) => r.actionKey)).toEqual(["beta"]);
  });

  it("per action conversion from the daily rollup equals a recount of the recommendations, wherever the view cuts a day", async () => {
    // actionKpis reads whole days before the one in which windows close from RecommendationDay and the rest row by row;
    // the reference counts every recommendation in scope (created in the range, by now and by now - 14 days).
    const recount = async (s: Scope) => {
      const closed = new Date(s.now.getTime() - 14 * 86_400_000);
      const rows = await db().$queryRaw<{ key: string; held: boolean; n: number; sum: number; ws: Date; we: Date }[]>`
        SELECT a.key, r."isControl" AS held, COUNT(*)::int AS n, COUNT(*) FILTER (WHERE r."purchasedAt" <= ${s.now})::int AS sum,
               MIN(r."createdAt") AS ws, MAX(r."createdAt") + interval '14 days' AS we
        FROM "Recommendation" r JOIN "ActionType" a ON a.id = r."actionTypeId" JOIN "User" u ON u.id = r."repId"
        WHERE r."createdAt" >= ${s.from} AND r."createdAt" < ${s.toExclusive} AND r."createdAt" <= ${s.now} AND r."createdAt" <= ${closed}
          AND (${s.teamId}::uuid IS NULL OR u."teamId" = ${s.teamId}::uuid) AND (${s.actionKey}::text IS NULL OR a.key = ${s.actionKey})
        GROUP BY 1, 2 ORDER BY 1, 2`;
      return rows.map((r) => [r.key, r.held, r.n, r.sum, r.ws.toISOString(), r.we.toISOString()]);
    };
    const viaRollup = async (s: Scope) =>
      (await actionKpis(s, "conversion")).flatMap((r) =>
        ([false, true] as const).flatMap((held) => {
          const a = held ? r.control : r.treated;
          return a.n > 0 ? [[r.actionKey, held, a.n, a.sum]] : [];
        }),
      );
    const scopes: Scope[] = [
      base,
      { ...base, from: at("2026-02-15T12:00:00") }, // a partial first day (r1 at midnight drops out)
      { ...base, now: at("2026-03-20T12:00:00") }, // back-dated: windows close on 03-06 12:00, r4's day is whole and open
      { ...base, now: at("2026-03-31T12:00:01") }, // r5's window closes too, inside the cut day 03-17
      { ...base, toExclusive: at("2026-03-17T06:00:00") }, // the range ends inside a day
      { ...base, teamId: ids.teamB! },
      { ...base, actionKey: "beta" },
    ];
    for (const s of scopes) {
      const expected = await recount(s);
      expect({ s, rows: await viaRollup(s) }).toEqual({ s, rows: expected.map(([key, held, n, sum]) => [key, held, n, sum]) });
      // The arms' accrual window: first creation to last creation + 14 days.
      const accrual = (await actionKpis(s, "conversion")).map((r) => [r.actionKey, r.accrualDays]);
      const byKey = new Map<string, number[]>();
      for (const [key, , , , ws, we] of expected) byKey.set(key as string, [...(byKey.get(key as string) ?? []), Date.parse(ws as string), -Date.parse(we as string)]);
      expect(accrual).toEqual(
        [...byKey].map(([key, t]) => {
          const first = Math.min(...t.filter((x) => x > 0));
          const last = Math.max(...t.filter((x) => x < 0).map((x) => -x));
          return [key, Math.round(((last - first) / 86_400_000) * 100) / 100];
        }),
      );
    }
  });

  it("adopter tiers: terciles of active days, the tier's treated customers during and before the range", async () => {
    // Active days: A1 3 (02-16, 03-02, 03-20), B1 2 (a sign-in alone does not count), A2 1 (the 02-10 view is before the range).
    // During (conversion): A1's c1 D1 1, D2 1, c2 D2 1 (held in D1); B1's c5 D1 0, D2 1 (c4 held); A2's c3 D1 0, c6 D2 1 (c3 held in D2).
    // Before [01-01, 02-15), only D1 covers it: c1 0 (02-15 is the end), c5 1 (01-10), c3 0.
    const t = await adopterTiers(base, "conversion");
    expect(t).toEqual([
      { tier: "heavy", reps: 1, minActiveDays: 3, maxActiveDays: 3, during: arm(3, 3), before: arm(1, 0) },
      { tier: "medium", reps: 1, minActiveDays: 2, maxActiveDays: 2, during: arm(2, 1), before: arm(1, 1) },
      { tier: "light", reps: 1, minActiveDays: 1, maxActiveDays: 1, during: arm(2, 1), before: arm(1, 0) },
    ]);
    // Revenue: A1 150 + 50 + 300; B1 0 + 0; A2 0 + 90. Before: c1 0, c5 700, c3 0.
    const r = await adopterTiers(base, "revenuePerCustomer");
    expect(r.map((x) => [x.tier, x.during, x.before])).toEqual([
      ["heavy", arm(3, 500, 22500 + 2500 + 90000), arm(1, 0, 0)],
      ["medium", arm(2, 0, 0), arm(1, 700, 490000)],
      ["light", arm(2, 90, 8100), arm(1, 0, 0)],
    ]);
    // Team A: two reps, so two tiers.
    const a = await adopterTiers({ ...base, teamId: ids.teamA! }, "conversion");
    expect(a.map((x) => [x.tier, x.reps, x.minActiveDays])).toEqual([
      ["heavy", 1, 3],
      ["medium", 1, 1],
    ]);
  });

  it("retention: the 180-day lookback's edges (program [start - 180 d, start), per action (createdAt - 180 d, createdAt])", async () => {
    // A customer of a segment of its own, held out in D1 and treated in D2, who bought exactly 180 days before D2's
    // window (2025-08-24 00:00) and at the start of March. Removed again at the end (the other tests count every segment).
    const c8 = await db().customer.create({ data: { externalId: "c8", name: "c8", segment: "EDGE", ownerId: ids.A1!, createdAt: at("2025-01-01T00:00:00") } });
    ids.c8 = c8.id;
    try {
      const [d1, d2] = await Promise.all(["D1", "D2"].map((key) => db().holdoutPeriod.findUniqueOrThrow({ where: { key } })));
      await db().holdoutAssignment.create({ data: { periodId: d1!.id, customerId: c8.id, heldOut: true } });
      await db().holdoutAssignment.create({ data: { periodId: d2!.id, customerId: c8.id, heldOut: false } });
      await event("c8", "PURCHASE", "2025-08-24T00:00:00", 10, "X");
      await event("c8", "PURCHASE", "2026-03-01T00:00:00", 20, "X");
      await rec("r10", { action: "alpha", rep: "A1", customer: "c8", created: "2026-02-20T00:00:00" });
      const edge = { ...base, segment: "EDGE" };
      const p = await programKpi(edge, "retention");
      // D1 (held; lookback from 2025-08-19): bought before, not in [02-15, 02-20) -> 0. D2 (treated; from 2025-08-24, inclusive): bought on 03-01 -> 1.
      expect([p.total.treated, p.total.control]).toEqual([arm(1, 1), arm(1, 0)]);
      // February: D1 0 (held), D2's slice [02-20, 03-01) 0 (treated). March (from 2025-09-02): no earlier purchase, so no unit at all.
      expect(p.byPeriod.map((b) => [b.start, b.treated, b.control])).toEqual([[at("2026-02-01T00:00:00"), arm(1, 0), arm(1, 0)]]);
      // r10 (created 02-20 00:00): 2025-08-24 00:00 is exactly 180 days before, outside (createdAt - 180 d, createdAt]: not a previous buyer.
      expect(await actionKpis(edge, "retention")).toEqual([]);
      expect((await actionKpis(edge, "conversion")).map((r) => [r.actionKey, r.treated, r.control])).toEqual([["alpha", arm(1, 1), arm(0, 0)]]);
    } finally {
      await db().customer.delete({ where: { id: c8.id } });
    }
  });
});
