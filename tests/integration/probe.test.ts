// The probe's short form (npm test): a few hundred generated malformed bodies
// per /api/v1 route and a burst of concurrent reactions, then the database
// checked. `npm run probe` (scripts/probe.ts) runs this file scaled up through
// PROBE_PER_ROUTE, PROBE_BURST and PROBE_SEED.
import { afterAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_probe") : null;
if (own) process.env.DATABASE_URL = own.url;

const probe = await import("../support/probe");
const PER_ROUTE = Number(process.env.PROBE_PER_ROUTE ?? 300);
const SEED = Number(process.env.PROBE_SEED ?? 20261202);
const BURST = Number(process.env.PROBE_BURST ?? 200);
// About 20 ms a body and 25 ms a reaction, with room to spare.
const TIMEOUT = 120_000 + PER_ROUTE * 4 * 60 + BURST * 100;

describe.skipIf(!reachable)("probe (short form)", () => {
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it(`${PER_ROUTE} generated bodies per route and ${BURST} concurrent reactions: no 5xx, error JSON on every 4xx, nothing written for rejected items`, { timeout: TIMEOUT }, async () => {
    const t0 = Date.now();
    const world = await probe.probeWorld("short");
    const fuzz = await probe.fuzzRoutes(world, { perRoute: PER_ROUTE, seed: SEED });
    const t1 = Date.now();
    const burst = await probe.reactionBurst(world, { n: BURST, seed: SEED });
    console.log(`burst: ${burst.requests} concurrent reactions in ${Date.now() - t1} ms, ${JSON.stringify(burst.byStatus)}`);
    for (const r of fuzz.routes) console.log(`${r.route}: ${r.bodies} bodies in ${r.ms} ms, ${JSON.stringify(r.byStatus)}`);
    console.log(probe.summaryLine(fuzz, burst, (Date.now() - t0) / 1000));
    expect(fuzz.failures).toEqual([]);
    expect(burst.failures).toEqual([]);
    expect(fuzz.over500).toBe(0);
    expect(burst.over500).toBe(0);
    expect(fuzz.strayRows).toBe(0);
    expect(fuzz.bodies).toBeGreaterThanOrEqual(PER_ROUTE * 4);
  });
});
