import { describe, expect, it } from "vitest";
import { calibrationBins, expectedCalibrationError, type CalibrationPoint } from "@/lib/metrics/calibration";

describe("calibrationBins", () => {
  it("splits 20 predictions into ten deciles of two, with mean predicted and observed rate", () => {
    const points: CalibrationPoint[] = Array.from({ length: 20 }, (_, i) => ({ predicted: (i + 1) / 20, outcome: i % 2 === 1 ? 1 : 0 }));
    const bins = calibrationBins(points.reverse());
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ decile: 1, n: 2, meanPredicted: expect.closeTo(0.075, 12), observed: 0.5, minPredicted: 0.05, maxPredicted: 0.1 });
    expect(bins[9]).toEqual({ decile: 10, n: 2, meanPredicted: expect.closeTo(0.975, 12), observed: 0.5, minPredicted: 0.95, maxPredicted: 1 });
    expect(bins.map((b) => b.n)).toEqual(Array(10).fill(2));
  });

  it("gives the first n mod 10 deciles one extra row, as Postgres NTILE does", () => {
    const points: CalibrationPoint[] = Array.from({ length: 23 }, (_, i) => ({ predicted: i / 100, outcome: 0 }));
    expect(calibrationBins(points).map((b) => b.n)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
  });

  it("makes fewer bins than ten when there are fewer than ten points", () => {
    const bins = calibrationBins([
      { predicted: 0.9, outcome: 1 },
      { predicted: 0.1, outcome: 0 },
      { predicted: 0.5, outcome: 1 },
    ]);
    expect(bins.map((b) => [b.decile, b.meanPredicted, b.observed])).toEqual([
      [1, 0.1, 0],
      [2, 0.5, 1],
      [3, 0.9, 1],
    ]);
    expect(calibrationBins([])).toEqual([]);
  });
});

describe("expectedCalibrationError", () => {
  it("is the n-weighted mean gap between predicted and observed", () => {
    // (10 * |0.2 - 0.1| + 30 * |0.5 - 0.6|) / 40 = 0.1
    expect(expectedCalibrationError([{ n: 10, meanPredicted: 0.2, observed: 0.1 }, { n: 30, meanPredicted: 0.5, observed: 0.6 }])).toBeCloseTo(0.1, 12);
    expect(expectedCalibrationError([{ n: 5, meanPredicted: 0.3, observed: 0.3 }])).toBe(0);
    expect(expectedCalibrationError([])).toBeNull();
  });
});
