import { describe, expect, it } from "vitest";
import { median, percentile, rate, round } from "@/lib/metrics/summary";

describe("median", () => {
  it("is the middle value of an odd count, the mean of the middle two of an even count", () => {
    expect(median([7, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
  });
  it("is null for no values and ignores non-finite ones", () => {
    expect(median([])).toBeNull();
    expect(median([Number.NaN, 2, Infinity, 4])).toBe(3);
  });
});

describe("percentile (type 7, as Postgres percentile_cont)", () => {
  it("interpolates between closest ranks", () => {
    // numpy.percentile([15, 20, 35, 40, 50], [40, 90]) -> [29.0, 46.0]
    expect(percentile([15, 20, 35, 40, 50], 0.4)).toBeCloseTo(29, 10);
    expect(percentile([15, 20, 35, 40, 50], 0.9)).toBeCloseTo(46, 10);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4], 1)).toBe(4);
    expect(percentile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 10);
  });
  it("rejects p outside [0, 1]", () => {
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
  });
});

describe("rate and round", () => {
  it("gives null rather than NaN for an empty denominator", () => {
    expect(rate(3, 4)).toBe(0.75);
    expect(rate(0, 0)).toBeNull();
  });
  it("rounds half away from zero", () => {
    expect(round(0.12345, 4)).toBe(0.1235);
    expect(round(-0.12345, 4)).toBe(-0.1235);
  });
});
