// Dashboard views computed by the workers (DASHBOARD_BACKGROUND=workers,
// lib/services/dashboard-jobs.ts): a view past the page's timeout is sent to
// the job queue once, an `npm run worker` process computes it, and the page
// serves the stored figures; a queue that cannot take it, or holds too many
// waiting, makes the page say the server is busy, leaving no claim behind. A
// private database with the demo seed.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_dashboard_jobs") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db, disconnectDb } = await import("@/lib/data/db");
const { seedDemo } = await import("@/tooling/seed/demo");
const views = await import("@/lib/services/dashboard-views");
const jobs = await import("@/lib/services/dashboard-jobs");
const { createBoss, startQueue } = await import("@/lib/services/batch-queue");
const { modelMetrics, withAggregateTimeout } = await import("@/lib/data/metrics");
const { readSnapshots, writeSnapshot } = await import("@/lib/data/dashboard-snapshots");
const { dashboardTimeouts } = await import("@/lib/config/env");
const { filterRange, parseDashboardFilters } = await import("@/lib/validation/dashboard-filters");
type Scope = import("@/lib/data/metrics").MetricsScope;

const ROOT = path.resolve(__dirname, "../..");
const TODAY = new Date("2026-03-02T00:00:00.000Z");
const AT = new Date("2026-03-02T12:00:00.000Z");
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Serve any stored set (no live budget), a 15-minute interval. */
const SERVE_ALL = { refreshMs: 15 * MINUTE, liveBudgetMs: 0 };

/** The default view's scope for a team, moved `shift` days later (a range the refresher never stores). */
function scopeOf(teamId: string, shift: number, now = AT): Scope {
  const { filters } = parseDashboardFilters({}, now);
  const { from, toExclusive } = filterRange(filters);
  return { from: new Date(from.getTime() + shift * DAY), toExclusive, teamId, actionKey: null, segment: null, grain: filters.grain, now };
}

/** The queue's jobs, as stored. */
async function queued(): Promise<{ data: unknown; state: string; output: unknown }[]> {
  return db().$queryRawUnsafe(`SELECT data, state::text AS state, output FROM pgboss.job WHERE name = $1 ORDER BY created_on`, jobs.DASHBOARD_QUEUE);
}

describe.skipIf(!reachable)("dashboard views computed by the workers", () => {
  let boss: ReturnType<typeof createBoss>;
  let teamId: string;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    await seedDemo(db(), { seed: 7, today: TODAY, customers: 300 });
    teamId = (await db().team.findFirstOrThrow({ orderBy: { name: "asc" }, select: { id: true } })).id;
    boss = await startQueue(() => createBoss(own!.url), (b) => jobs.ensureDashboardQueues(b));
    boss.on("error", () => {});
  }, 180_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill("SIGKILL");
    await boss?.stop({ graceful: false, wait: true });
    await disconnectDb();
    await own?.drop();
  });

  it("a view past the page's timeout is queued once; a worker process computes it and the page serves it", async () => {
    const runner = jobs.queueRunner(() => Promise.resolve(boss));
    const scope = scopeOf(teamId, 1);
    // 1 ms per statement: the database cancels the model statement.
    const first = await withAggregateTimeout(1, () => views.modelFigures(scope, { settings: SERVE_ALL, background: runner }));
    expect(first.unavailable).toEqual({ state: "computing", since: AT });
    const reload = await withAggregateTimeout(1, () => views.modelFigures({ ...scope, now: new Date(AT.getTime() + MINUTE) }, { settings: SERVE_ALL, background: runner }));
    expect(reload.unavailable).toEqual({ state: "computing", since: AT });
    // One job, carrying the page's request: the set, its scope, the claim's time and the background timeout.
    const waiting = await queued();
    expect(waiting).toHaveLength(1);
    expect(jobs.fromJob(waiting[0]!.data)).toEqual({ set: "model", scope, startedAt: AT, timeoutMs: dashboardTimeouts().refreshMs });
    expect(await db().dashboardRequest.count()).toBe(1);

    // One process (tsx as a loader, so a kill reaches it); the refresher off, so it computes only the job.
    worker = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: own!.url, DASHBOARD_SNAPSHOT_MINUTES: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    worker.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    worker.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    await expect.poll(async () => (await queued())[0]?.state, { timeout: 60_000, interval: 250 }).toBe("completed");
    expect((await queued())[0]!.output).toEqual({ outcome: "stored" });
    expect(log).toMatch(/dashboard view model\|.* stored after/);
    expect(await db().dashboardRequest.count()).toBe(0);
    const ready = views.availableOrThrow(await views.modelFigures({ ...scope, now: new Date(AT.getTime() + 2 * MINUTE) }, { settings: SERVE_ALL, background: runner }));
    expect(ready.asOf).toEqual(AT);
    expect(ready.model).toEqual(await modelMetrics(scope));
    worker.kill("SIGTERM");
    await new Promise((r) => (worker!.exitCode === null ? worker!.once("exit", r) : r(null)));
  }, 120_000);

  it("a queue that cannot take the job, or holds too many waiting, makes the page say busy and leaves no claim", async () => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      const unreachable = jobs.queueRunner(() => Promise.reject(new Error("connection refused")));
      const down = await withAggregateTimeout(1, () => views.modelFigures(scopeOf(teamId, 2), { settings: SERVE_ALL, background: unreachable }));
      expect(down.unavailable).toEqual({ state: "busy" });
      // The queue answers whether it is full but refuses the job: the claim made for it goes.
      const refusing = { full: () => false, run: () => Promise.reject(new Error("queue refused the job")) };
      const refused = await withAggregateTimeout(1, () => views.modelFigures(scopeOf(teamId, 3), { settings: SERVE_ALL, background: refusing }));
      expect(refused.unavailable).toEqual({ state: "busy" });
      expect(await db().dashboardRequest.count()).toBe(0);
    } finally {
      console.warn = warn;
    }
    // MAX_WAITING jobs no worker has taken: the next view is not queued.
    const runner = jobs.queueRunner(() => Promise.resolve(boss));
    for (let i = 0; i < jobs.MAX_WAITING; i++) await boss.send(jobs.DASHBOARD_QUEUE, jobs.toJob({ set: "model", scope: scopeOf(teamId, 10 + i), startedAt: AT, timeoutMs: 1000 }));
    const before = (await queued()).length;
    const crowded = await withAggregateTimeout(1, () => views.modelFigures(scopeOf(teamId, 4), { settings: SERVE_ALL, background: runner }));
    expect(crowded.unavailable).toEqual({ state: "busy" });
    expect((await queued()).length).toBe(before);
    expect(await db().dashboardRequest.count()).toBe(0);
    // Jobs no worker has taken for longer than UNTAKEN_MS: the operator is told, once per interval.
    await db().$executeRawUnsafe(`UPDATE pgboss.job SET created_on = now() - interval '10 minutes' WHERE name = $1 AND state = 'created'`, jobs.DASHBOARD_QUEUE);
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
    try {
      expect(await runner.full()).toBe(true);
      expect(await runner.full()).toBe(true);
    } finally {
      console.warn = consoleWarn;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/a view has waited 6\d\d s for a worker .*start `npm run worker`, or set DASHBOARD_BACKGROUND=app/);
    await db().$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = $1 AND state = 'created'`, jobs.DASHBOARD_QUEUE);
  }, 60_000);

  it("a view that no worker takes says so on the page once the oldest waiting job is past UNTAKEN_MS", async () => {
    const runner = jobs.queueRunner(() => Promise.resolve(boss));
    const scope = scopeOf(teamId, 40);
    const first = await withAggregateTimeout(1, () => views.modelFigures(scope, { settings: SERVE_ALL, background: runner }));
    expect(first.unavailable).toEqual({ state: "computing", since: AT });
    // Still waiting a minute later: not yet a sign that no worker runs.
    const reload = { ...scope, now: new Date(AT.getTime() + MINUTE) };
    expect((await views.modelFigures(reload, { settings: SERVE_ALL, background: runner })).unavailable).toEqual({ state: "computing", since: AT });
    await db().$executeRawUnsafe(`UPDATE pgboss.job SET created_on = now() - interval '3 minutes' WHERE name = $1 AND state = 'created'`, jobs.DASHBOARD_QUEUE);
    const [job] = await db().$queryRawUnsafe<{ created: Date }[]>(`SELECT created_on AS created FROM pgboss.job WHERE name = $1 AND state = 'created'`, jobs.DASHBOARD_QUEUE);
    expect((await views.modelFigures(reload, { settings: SERVE_ALL, background: runner })).unavailable).toEqual({ state: "computing", since: AT, untakenSince: job!.created });
    // Once taken (active), it is no longer reported.
    await db().$executeRawUnsafe(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = $1 AND state = 'created'`, jobs.DASHBOARD_QUEUE);
    expect((await views.modelFigures(reload, { settings: SERVE_ALL, background: runner })).unavailable).toEqual({ state: "computing", since: AT });
    // The app's own runner never waits for a worker.
    expect(views.processRunner().untakenSince).toBeUndefined();
    await db().$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = $1`, jobs.DASHBOARD_QUEUE);
    await db().dashboardRequest.deleteMany({});
  }, 60_000);

  it("a view computed in the background notifies the waiting pages when stored and when failed", async () => {
    const { subscribeToDashboardViews } = await import("@/lib/data/queue-events");
    const { computeRequested } = await import("@/lib/services/dashboard-compute");
    let heard = 0;
    const sub = await subscribeToDashboardViews(() => heard++, () => {});
    try {
      expect(await computeRequested({ set: "model", scope: scopeOf(teamId, 50), startedAt: AT, timeoutMs: 60_000 })).toBe("stored");
      await expect.poll(() => heard, { timeout: 5_000 }).toBe(1);
      const warn = console.warn;
      console.warn = () => {};
      try {
        // 1 ms per statement: the computation fails, and the pages are told too (they show the failure).
        expect(await computeRequested({ set: "model", scope: scopeOf(teamId, 51), startedAt: AT, timeoutMs: 1 })).toBe("failed");
      } finally {
        console.warn = warn;
      }
      await expect.poll(() => heard, { timeout: 5_000 }).toBe(2);
    } finally {
      await sub?.close();
    }
  }, 60_000);

  it("the queue's lease is the claim's stale bound, brought up to date at each start", async () => {
    expect((await boss.getQueue(jobs.DASHBOARD_QUEUE))?.expireInSeconds).toBe(Math.ceil(dashboardTimeouts().refreshMs / 1000) + 60);
    await jobs.ensureDashboardQueues(boss, 5);
    expect((await boss.getQueue(jobs.DASHBOARD_QUEUE))?.expireInSeconds).toBe(5);
    await jobs.ensureDashboardQueues(boss);
    expect((await boss.getQueue(jobs.DASHBOARD_QUEUE))?.expireInSeconds).toBe(jobs.dashboardJobLeaseSeconds());
  });

  it("a job's data is checked as it is read back; a copy computed as of an earlier moment never replaces a later one", async () => {
    const good = jobs.toJob({ set: "kpi:retention", scope: scopeOf(teamId, 1), startedAt: AT, timeoutMs: 600_000 });
    expect(jobs.fromJob(JSON.parse(JSON.stringify(good)))).toMatchObject({ set: "kpi:retention", startedAt: AT });
    for (const bad of [{ ...good, set: "usage; DROP TABLE" }, { ...good, startedAt: "yesterday" }, { ...good, scope: { ...good.scope, grain: "hour" } }, { ...good, timeoutMs: 0 }, null]) {
      expect(() => jobs.fromJob(bad)).toThrow();
    }
    const key = "model|late-copy";
    expect(await writeSnapshot({ key, view: "model", payload: "{}", computedAt: new Date(AT.getTime() + MINUTE), computeMs: 5 })).toBe(true);
    expect(await writeSnapshot({ key, view: "model", payload: '{"late":true}', computedAt: AT, computeMs: 5 })).toBe(false);
    expect((await readSnapshots([key]))[0]).toMatchObject({ payload: "{}", computedAt: new Date(AT.getTime() + MINUTE) });
    expect(await writeSnapshot({ key, view: "model", payload: '{"newer":true}', computedAt: new Date(AT.getTime() + 2 * MINUTE), computeMs: 5 })).toBe(true);
  });
});
