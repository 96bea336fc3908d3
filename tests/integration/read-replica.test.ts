// The read replica (DATABASE_READ_URL, lib/data/db.ts onReadReplica): the
// dashboards' background computations read there and write their copies to
// the primary. Here the "replica" is a copy of the primary's database made
// read-only (default_transaction_read_only, as a hot standby refuses writes),
// whose suggestions were deleted before, so figures computed on it differ from
// the primary's and show where they were read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { ADMIN_URL, connectPostgres, postgresReachable, withDatabase } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_replica_primary") : null;
const replicaName = `nudge_replica_copy_${process.pid}_${Date.now().toString(36)}`;
if (own) {
  process.env.DATABASE_URL = own.url;
  process.env.DATABASE_READ_URL = withDatabase(ADMIN_URL, replicaName);
}

const { db, disconnectDb, onReadReplica } = await import("@/lib/data/db");
const { seedDemo } = await import("@/tooling/seed/demo");
const { computeRequested, computeSet, snapshotKey } = await import("@/lib/services/dashboard-compute");
const { refreshDashboardSnapshots } = await import("@/lib/services/dashboard-views");
const { readSnapshots } = await import("@/lib/data/dashboard-snapshots");
const { decodeSnapshot, encodeSnapshot } = await import("@/lib/data/snapshot-codec");
const { filterRange, parseDashboardFilters } = await import("@/lib/validation/dashboard-filters");
type Scope = import("@/lib/data/metrics").MetricsScope;

const TODAY = new Date("2026-03-02T00:00:00.000Z");
const AT = new Date("2026-03-02T12:00:00.000Z");

function scopeAt(now: Date): Scope {
  const { filters } = parseDashboardFilters({}, now);
  const { from, toExclusive } = filterRange(filters);
  return { from, toExclusive, teamId: null, actionKey: null, segment: null, grain: filters.grain, now };
}

const asStored = (v: unknown) => decodeSnapshot(encodeSnapshot(v));

describe.skipIf(!reachable)("dashboard computations on a read replica", () => {
  beforeAll(async () => {
    await seedDemo(db(), { seed: 7, today: TODAY, customers: 300 });
    // A database is copied only while nobody is connected to it.
    await disconnectDb();
    await own!.prisma.$disconnect();
    const admin = await connectPostgres(ADMIN_URL);
    try {
      await admin.exec(`CREATE DATABASE "${replicaName}" TEMPLATE "${new URL(own!.url).pathname.slice(1)}"`);
    } finally {
      await admin.close();
    }
    const replica = await connectPostgres(process.env.DATABASE_READ_URL!);
    try {
      await replica.exec(`DELETE FROM "Recommendation"`);
      await replica.exec(`ALTER DATABASE "${replicaName}" SET default_transaction_read_only = on`);
    } finally {
      await replica.close();
    }
  }, 180_000);

  afterAll(async () => {
    await disconnectDb();
    const admin = await connectPostgres(ADMIN_URL);
    try {
      await admin.exec(`DROP DATABASE IF EXISTS "${replicaName}" WITH (FORCE)`);
    } finally {
      await admin.close();
    }
    await own?.drop();
  });

  it("reads inside onReadReplica go to the replica, which refuses writes; outside, to the primary", async () => {
    const where = async () => (await db().$queryRaw<{ name: string }[]>`SELECT current_database() AS name`)[0]!.name;
    expect(await onReadReplica(where)).toBe(replicaName);
    expect(await where()).toBe(new URL(own!.url).pathname.slice(1));
    expect(await onReadReplica(() => db().recommendation.count())).toBe(0);
    expect(await db().recommendation.count()).toBeGreaterThan(0);
    await expect(onReadReplica(() => db().team.create({ data: { name: "Not here" } }))).rejects.toThrow(/read-only/);
  });

  it("a view computed in the background reads the replica and stores its copy on the primary", async () => {
    const scope = scopeAt(AT);
    const onReplica = asStored(await onReadReplica(() => computeSet("conversion", scope)));
    const onPrimary = asStored(await computeSet("conversion", scope));
    expect(onReplica).not.toEqual(onPrimary);
    expect(await computeRequested({ set: "conversion", scope, startedAt: AT, timeoutMs: 60_000 })).toBe("stored");
    const [copy] = await readSnapshots([snapshotKey("conversion", scope)]);
    expect(copy?.computedAt).toEqual(AT);
    expect(decodeSnapshot(copy!.payload)).toEqual(onReplica);
  });

  it("the refresher computes every set on the replica and writes to the primary", async () => {
    const seen = new Set<string>();
    const result = await refreshDashboardSnapshots({
      now: new Date(AT.getTime() + 60_000),
      force: true,
      computeSet: async () => {
        seen.add((await db().$queryRaw<{ name: string }[]>`SELECT current_database() AS name`)[0]!.name);
        return { probe: true };
      },
    });
    expect(result?.failed).toEqual([]);
    expect(result?.sets).toBeGreaterThan(0);
    expect([...seen]).toEqual([replicaName]);
  });
});
