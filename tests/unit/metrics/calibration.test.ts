import { describe, expect, it } from "vitest";
import { calibrationBand, calibrationBins, expectedCalibrationError, type CalibrationPoint } from "@/lib/metrics/calibration";

describe("calibrationBand", () => {
  it("puts each prediction in its 10-point band, 1.0 in the last one", () => {
    expect([0, 0.05, 0.1, 0.2, 0.3, 0.7, 0.95, 0.999, 1].map((p) => calibrationBand(p))).toEqual([1, 1, 2, 3, 4, 8, 10, 10, 10]);
    expect(calibrationBand(0.5, 4)).toBe(3);
  });
});

describe("calibrationBins", () => {
  it("splits 20 predictions into ten bands of two, with mean predicted and observed rate", () => {
    // 0.025, 0.075 | 0.125, 0.175 | ... | 0.925, 0.975: two per band; odd positions accepted.
    const points: CalibrationPoint[] = Array.from({ length: 20 }, (_, i) => ({ predicted: 0.025 + i * 0.05, outcome: i % 2 === 1 ? 1 : 0 }));
    const bins = calibrationBins(points.reverse());
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ band: 1, n: 2, meanPredicted: expect.closeTo(0.05, 12), observed: 0.5, minPredicted: 0.025, maxPredicted: expect.closeTo(0.075, 12) });
    expect(bins[9]).toEqual({ band: 10, n: 2, meanPredicted: expect.closeTo(0.95, 12), observed: 0.5, minPredicted: expect.closeTo(0.925, 12), maxPredicted: expect.closeTo(0.975, 12) });
    expect(bins.map((b) => b.n)).toEqual(Array(10).fill(2));
  });

  it("leaves empty bands out and keeps uneven bands uneven", () => {
    const bins = calibrationBins([
      { predicted: 0.9, outcome: 1 },
      { predicted: 0.12, outcome: 0 },
      { predicted: 0.15, outcome: 1 },
      { predicted: 0.18, outcome: 1 },
      { predicted: 0.5, outcome: 1 },
    ]);
    expect(bins.map((b) => [b.band, b.n, b.observed])).toEqual([
      [2, 3, 2 / 3],
      [6, 1, 1],
      [10, 1, 1],
    ]);
    expect(bins[0]!.meanPredicted).toBeCloseTo(0.15, 12);
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
