import { describe, expect, it } from "vitest";
import { changeTone, periodChange } from "@/lib/metrics/review";

describe("periodChange", () => {
  it("gives rates in points and counts relative to the prior period", () => {
    expect(periodChange(0.25, 0.2, "points")).toBeCloseTo(0.05, 12);
    expect(periodChange(150, 120, "relative")).toBeCloseTo(0.25, 12);
    expect(periodChange(90, 120, "relative")).toBeCloseTo(-0.25, 12);
    // A negative prior (a difference that was negative) still reads as a change in the direction of the move.
    expect(periodChange(-1, -2, "relative")).toBeCloseTo(0.5, 12);
  });
  it("is null when a side is missing or the prior is zero for a relative change", () => {
    expect(periodChange(null, 1, "points")).toBeNull();
    expect(periodChange(1, null, "relative")).toBeNull();
    expect(periodChange(5, 0, "relative")).toBeNull();
    expect(periodChange(5, 0, "points")).toBe(5);
  });
});

describe("changeTone", () => {
  it("follows the figure's good direction", () => {
    expect(changeTone(0.02, true)).toBe("better");
    expect(changeTone(0.02, false)).toBe("worse");
    expect(changeTone(-0.02, false)).toBe("better");
    expect(changeTone(0, true)).toBe("same");
    expect(changeTone(0.02, null)).toBeNull();
    expect(changeTone(null, true)).toBeNull();
  });
});
