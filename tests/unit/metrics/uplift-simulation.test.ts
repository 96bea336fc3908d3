// The statistics against known truth, with fixed seeds. Smaller than
// `npm run sim:uplift` (20,000 customers × 1,000 replicates) to stay fast:
// 10,000 customers × 600 replicates, 2,000 SRM replicates, 300 off-policy
// replicates. With 600 replicates a perfect 95% interval's coverage has a
// standard error of 0.9 points, so 93–97% is a ±2.2 SE band; each single
// action is held to ±3 SE (92.3–97.7%).
import { describe, expect, it } from "vitest";
import { sampleRatioMismatch } from "@/lib/metrics/experiment";
import { simulateOffPolicy } from "@/lib/metrics/simulation/off-policy";
import { share } from "@/lib/metrics/simulation/random";
import { simulateSrm } from "@/lib/metrics/simulation/srm";
import { simulateUplift } from "@/lib/metrics/simulation/uplift";

const REPLICATES = 600;
const SLOW = 60_000;

describe("uplift simulation", () => {
  it(
    "95% intervals cover the true difference 93–97% of the time, program-wide and per action, for rates and revenue",
    () => {
      const r = simulateUplift({ replicates: REPLICATES, customers: 10_000, seed: "test-uplift" });
      expect(r.program.total).toBe(REPLICATES);
      expect(share(r.program)).toBeGreaterThanOrEqual(0.93);
      expect(share(r.program)).toBeLessThanOrEqual(0.97);
      expect(share(r.perActionPooled)).toBeGreaterThanOrEqual(0.93);
      expect(share(r.perActionPooled)).toBeLessThanOrEqual(0.97);
      expect(share(r.programRevenue)).toBeGreaterThanOrEqual(0.93);
      expect(share(r.programRevenue)).toBeLessThanOrEqual(0.97);
      const band = 3 * Math.sqrt((0.95 * 0.05) / REPLICATES);
      for (const t of Object.values(r.perAction)) expect(Math.abs(share(t) - 0.95)).toBeLessThanOrEqual(band);
      // The zero-uplift action: the pooled z-test rejects at about 5% (±3 SE).
      expect(Math.abs(share(r.nullRejections) - 0.05)).toBeLessThanOrEqual(3 * Math.sqrt((0.05 * 0.95) / REPLICATES));
      // The intervals are as wide as the estimates really spread (sd of an sd from 600 replicates: about 2.9%; ±10%).
      for (const sp of [r.programSpread, r.programRevenueSpread]) expect(Math.abs(sp.claimedSd / sp.empiricalSd - 1)).toBeLessThan(0.1);
      // The hashed 10% holdout is never flagged as a sample ratio mismatch here (expected 0.6 of 600).
      expect(r.srmFlags.hits).toBeLessThanOrEqual(3);
    },
    SLOW,
  );
});

describe("sample ratio mismatch simulation", () => {
  it(
    "flags an injected 46/54 split and rarely a working 50/50 one",
    () => {
      expect(sampleRatioMismatch(5400, 4600, 0.5).flagged).toBe(true);
      const r = simulateSrm({
        replicates: 2000,
        customers: 1000,
        brokenReplicates: 200,
        brokenCustomers: 10_000,
        expectedControlShare: 0.5,
        injectedControlShare: 0.46,
        seed: "test-srm",
      });
      expect(share(r.injectedFlagged)).toBe(1);
      // Nominal 0.1% (2 of 2,000); 11 or more would happen with probability about 1e-5.
      expect(r.falseAlarms.hits).toBeLessThanOrEqual(10);
      // The whole p-value scale: p < 0.05 in 5% ± 3 SE of working splits.
      expect(Math.abs(share(r.nullBelow5pct) - 0.05)).toBeLessThanOrEqual(3 * Math.sqrt((0.05 * 0.95) / 2000));
    },
    SLOW,
  );
});

describe("off-policy simulation", () => {
  it(
    "the SNIPS interval covers the target policy's true acceptance rate",
    () => {
      const r = simulateOffPolicy({ replicates: 300, decisions: 2000, seed: "test-off-policy" });
      expect(r.truth).toBeCloseTo(0.5 * 0.3 + 0.3 * 0.25 + 0.2 * 0.35, 12);
      expect(r.primary.covered).toBe(true);
      expect(r.primary.matched).toBeGreaterThan(300);
      // 300 replicates: SE of a 95% coverage 1.26 points; ±3 SE.
      expect(share(r.delta)).toBeGreaterThanOrEqual(0.912);
      expect(share(r.delta)).toBeLessThanOrEqual(0.988);
      expect(Math.abs(r.bias)).toBeLessThan(0.005);
    },
    SLOW,
  );
});
