import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// Sessions of use are kept in UsageSession by triggers on UsageEvent (migration
// 20261205000000_usage_sessions), and the adoption page reads sessions and key
// feature use from it. Here random usage, written in every way the app and the
// loaders write it (one event at a time, bulk and out of order, ties on the same
// millisecond, deletions), must leave the table equal to a rebuild from scratch,
// and the page's figures must equal the definition counted event by event in
// TypeScript, for periods and "now"s that cut sessions anywhere.

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_usage_sessions") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { engagementMetrics } = await import("@/lib/data/engagement");
const { SESSION_IDLE_MINUTES, SESSION_BUCKETS, sessionBucket } = await import("@/lib/metrics/engagement");
type Scope = import("@/lib/data/metrics").MetricsScope;
type EventType = "SIGN_IN" | "QUEUE_VIEW" | "CUSTOMER_VIEW" | "REACTION" | "DASHBOARD_VIEW" | "TOUR" | "FEATURE";

const BASE = Date.parse("2026-03-01T00:00:00Z");
const MIN = 60_000;
const reps: string[] = [];

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES: EventType[] = ["SIGN_IN", "QUEUE_VIEW", "CUSTOMER_VIEW", "REACTION", "REACTION", "REACTION", "DASHBOARD_VIEW", "TOUR", "FEATURE"];
const KINDS = ["ACCEPT", "DONE", "DISMISS", "SNOOZE", "UNDO"];
const FEATURES = ["search", "keyboard", "palette"];

/** Random events for one user: bursts a few minutes apart, gaps around the 30-minute limit, some on the same millisecond. */
function randomEvents(r: () => number, userId: string, n: number, startMs: number) {
  const out: { userId: string; type: EventType; at: Date; meta?: Record<string, string> }[] = [];
  let t = startMs;
  for (let i = 0; i < n; i++) {
    const gap = r();
    t += gap < 0.1 ? 0 : gap < 0.6 ? Math.floor(r() * 10) * MIN : gap < 0.8 ? (29 + Math.floor(r() * 3)) * MIN : Math.floor(r() * 2000) * MIN;
    const type = TYPES[Math.floor(r() * TYPES.length)]!;
    const meta: Record<string, string> | undefined =
      type === "REACTION" ? { kind: KINDS[Math.floor(r() * KINDS.length)]! } : type === "FEATURE" ? { feature: FEATURES[Math.floor(r() * FEATURES.length)]! } : undefined;
    out.push({ userId, type, at: new Date(t), meta });
  }
  return out;
}

async function sessionsTable(): Promise<string> {
  const [row] = await db().$queryRaw<{ md5: string | null }[]>`SELECT md5(string_agg(s::text, E'\n' ORDER BY "userId", "firstEventId")) AS md5 FROM "UsageSession" s`;
  return row?.md5 ?? "";
}

/** UsageSessionStat (the page's sums per day and month, kept by triggers on UsageSession), rows with sessions. */
async function statsTable(): Promise<string> {
  const [row] = await db().$queryRaw<{ md5: string | null; rows: number }[]>`
    SELECT md5(string_agg(concat_ws('|', level, start, "userId", bucket, wbucket, n, ms, "signIns", accepts, dones, dismisses, snoozes, "customerViews", searches, keyboard), E'\n'
                          ORDER BY level, start, "userId", bucket, wbucket)) AS md5, COUNT(*)::int AS rows
    FROM "UsageSessionStat" WHERE n <> 0`;
  expect(row?.rows ?? 0).toBeGreaterThan(0);
  return row?.md5 ?? "";
}

/** The table as the triggers left it equals a rebuild from every event (and the rebuild leaves it so); so do the session sums kept from it. */
async function expectKeptEqualsRebuilt() {
  const kept = await sessionsTable();
  const keptStats = await statsTable();
  await db().$executeRaw`SELECT nudge_rebuild_usage_sessions()`;
  expect(await sessionsTable()).toBe(kept);
  expect(await statsTable()).toBe(keptStats);
  await db().$executeRaw`SELECT nudge_rebuild_usage_session_stats()`;
  expect(await statsTable()).toBe(keptStats);
}

/** The definition, event by event: sessions of the events in [from, min(to, now)), per rep. */
async function reference(scope: Scope) {
  const end = Math.min(scope.toExclusive.getTime(), scope.now.getTime());
  const events = await db().usageEvent.findMany({ where: { userId: { in: reps }, type: { not: "DASHBOARD_VIEW" }, at: { gte: scope.from, lt: new Date(end) } }, orderBy: [{ userId: "asc" }, { at: "asc" }, { id: "asc" }] });
  const sessions: { repId: string; minutes: number }[] = [];
  const features = new Map<string, Record<string, number>>();
  let current: { repId: string; first: number; last: number } | null = null;
  const close = () => current && sessions.push({ repId: current.repId, minutes: (current.last - current.first) / MIN });
  for (const e of events) {
    const t = e.at.getTime();
    if (!current || current.repId !== e.userId || e.type === "SIGN_IN" || t - current.last > SESSION_IDLE_MINUTES * MIN) {
      close();
      current = { repId: e.userId, first: t, last: t };
    } else current.last = t;
    const meta = (e.meta ?? {}) as Record<string, string>;
    const key =
      e.type === "SIGN_IN" ? "signIns" : e.type === "CUSTOMER_VIEW" ? "customerViews"
      : e.type === "REACTION" ? ({ ACCEPT: "accepts", DONE: "dones", DISMISS: "dismisses", SNOOZE: "snoozes" } as Record<string, string>)[meta.kind ?? ""]
      : e.type === "FEATURE" ? ({ search: "searches", keyboard: "keyboard" } as Record<string, string>)[meta.feature ?? ""]
      : undefined;
    if (key) {
      const f = features.get(e.userId) ?? { signIns: 0, accepts: 0, dones: 0, dismisses: 0, snoozes: 0, customerViews: 0, searches: 0, keyboard: 0 };
      f[key]! += 1;
      features.set(e.userId, f);
    }
  }
  close();
  const median = (xs: number[]) => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const buckets = Array.from({ length: SESSION_BUCKETS.length + 1 }, () => 0);
  for (const s of sessions) buckets[sessionBucket(s.minutes)]! += 1;
  const byRep = reps
    .map((repId) => sessions.filter((s) => s.repId === repId).map((s) => s.minutes))
    .map((m, i) => ({ repId: reps[i]!, sessions: m.length, medianMinutes: median(m), totalMinutes: m.reduce((a, b) => a + b, 0) }))
    .filter((r) => r.sessions > 0);
  return {
    total: { sessions: sessions.length, medianMinutes: median(sessions.map((s) => s.minutes)), buckets },
    byRep,
    features: [...features].map(([repId, f]) => ({ repId, ...f })),
  };
}

const byId = <T extends { repId: string }>(xs: T[]) => [...xs].sort((a, b) => a.repId.localeCompare(b.repId));
const round = (x: object) => Object.fromEntries(Object.entries(x).map(([k, v]: [string, unknown]) => [k, typeof v === "number" ? Math.round(v * 1e6) / 1e6 : v]));

let medians = 0;

async function expectPageEqualsDefinition(r: () => number) {
  // Random periods, and fixed ones that read a whole month (March) from the monthly sums, with and without cut days around it.
  const fixed: [number, number, number][] = [
    [BASE, Date.parse("2026-04-01T00:00:00Z"), Date.parse("2026-05-01T00:00:00Z")],
    [Date.parse("2026-02-27T10:00:00Z"), Date.parse("2026-04-03T06:00:00Z"), Date.parse("2026-04-02T09:00:00Z")],
    // February is a whole month without sessions; March must not be read with it.
    [Date.parse("2026-02-01T00:00:00Z"), Date.parse("2026-03-01T00:00:00Z"), Date.parse("2026-05-01T00:00:00Z")],
    // The end cuts the session that starts on 04-20 at 23:50 (a whole day) and runs to 00:20: only its part before the end counts.
    [BASE, Date.parse("2026-04-21T00:05:00Z"), Date.parse("2026-05-01T00:00:00Z")],
  ];
  for (let i = 0; i < 12 + fixed.length; i++) {
    const fromMs = i < 12 ? BASE + Math.floor(r() * 20) * 86_400_000 + Math.floor(r() * 1440) * MIN : fixed[i - 12]![0];
    const toMs = i < 12 ? fromMs + (1 + Math.floor(r() * 40)) * 86_400_000 - Math.floor(r() * 1440) * MIN : fixed[i - 12]![1];
    const nowMs = i >= 12 ? fixed[i - 12]![2] : r() < 0.5 ? toMs + 86_400_000 : fromMs + Math.floor(r() * (toMs - fromMs));
    const scope: Scope = { from: new Date(fromMs), toExclusive: new Date(toMs), now: new Date(nowMs), teamId: null, actionKey: null, segment: null, grain: "week" };
    const [got, want] = await Promise.all([engagementMetrics(scope), reference(scope)]);
    const label = `from ${scope.from.toISOString()} to ${scope.toExclusive.toISOString()} now ${scope.now.toISOString()}`;
    // Medians are estimates within 1 % of the exact ones (lib/data/engagement.ts sessionsAndFeatures); everything else is exact.
    const near = (estimate: number | null, exact: number | null, what: string) => {
      if (exact === null) return expect(estimate, `${label} ${what}`).toBeNull();
      expect(Math.abs((estimate ?? NaN) - exact), `${label} ${what}: ${estimate} against ${exact}`).toBeLessThanOrEqual(0.01 * exact + 1e-9);
      medians++;
    };
    const noMedian = <T extends { medianMinutes: number | null }>({ medianMinutes: _m, ...rest }: T) => rest;
    near(got.sessions.total.medianMinutes, want.total.medianMinutes, "median");
    expect(round(noMedian(got.sessions.total)), label).toEqual(round(noMedian(want.total)));
    const gotRep = byId(got.sessions.byRep);
    const wantRep = byId(want.byRep);
    expect(gotRep.map(noMedian).map(round), label).toEqual(wantRep.map(noMedian).map(round));
    gotRep.forEach((r, i) => near(r.medianMinutes, wantRep[i]!.medianMinutes, `median of ${r.repId}`));
    expect(byId(got.features), label).toEqual(byId(want.features.filter((f) => Object.values(f).some((v) => typeof v === "number" && v > 0))));
  }
}

describe.skipIf(!reachable)("usage sessions kept by triggers", () => {
  beforeAll(async () => {
    for (const key of ["s1", "s2", "s3"]) {
      const u = await db().user.create({ data: { email: `${key}@sessions.test`, name: key, role: "REP", passwordHash: "x", createdAt: new Date(BASE - 86_400_000) } });
      reps.push(u.id);
    }
  });
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("one event at a time, in time order (as the app writes them): equals a rebuild and the definition", async () => {
    const r = rng(1);
    for (const [i, rep] of reps.entries()) {
      for (const e of randomEvents(r, rep, 60, BASE + i * 3 * MIN)) await db().usageEvent.create({ data: e });
    }
    await expectKeptEqualsRebuilt();
    await expectPageEqualsDefinition(r);
  });

  it("bulk and out of order, ties on the same millisecond, then deletions: still equal", async () => {
    const r = rng(2);
    // A batch spread over the whole history, shuffled, in one statement per rep.
    for (const rep of reps) {
      const batch = randomEvents(r, rep, 120, BASE).sort(() => r() - 0.5);
      await db().usageEvent.createMany({ data: batch });
    }
    // A sign-in on the very millisecond of an existing event, and one between two events of a session.
    const some = await db().usageEvent.findMany({ where: { userId: reps[0] }, orderBy: { id: "asc" }, take: 40 });
    await db().usageEvent.create({ data: { userId: reps[0]!, type: "SIGN_IN", at: some[10]!.at } });
    await db().usageEvent.create({ data: { userId: reps[0]!, type: "REACTION", at: new Date(some[20]!.at.getTime() + 1), meta: { kind: "ACCEPT" } } });
    // A session across midnight, on days of its own.
    for (const at of ["2026-04-20T23:50:00Z", "2026-04-21T00:10:00Z", "2026-04-21T00:20:00Z"]) await db().usageEvent.create({ data: { userId: reps[1]!, type: "QUEUE_VIEW", at: new Date(at) } });
    await expectKeptEqualsRebuilt();
    // Deleting events splits and shortens sessions (not the one across midnight).
    const midnight = await db().usageEvent.findMany({ where: { at: { gte: new Date("2026-04-20T00:00:00Z") } }, select: { id: true } });
    const victims = await db().usageEvent.findMany({ where: { userId: { in: reps } }, select: { id: true } });
    await db().usageEvent.deleteMany({ where: { id: { in: victims.filter((v) => r() < 0.2 && !midnight.some((m) => m.id === v.id)).map((v) => v.id) } } });
    await expectKeptEqualsRebuilt();
    await expectPageEqualsDefinition(r);
  });

  it("the medians were compared (within 1 %) for every period and rep with sessions", () => {
    expect(medians).toBeGreaterThan(50);
  });

  it("the check can fail: a session row changed by hand is caught", async () => {
    await db().$executeRaw`UPDATE "UsageSession" SET "endedAt" = "endedAt" + interval '1 minute' WHERE "firstEventId" = (SELECT MIN("firstEventId") FROM "UsageSession")`;
    await expect(expectKeptEqualsRebuilt()).rejects.toThrow();
  });
});
