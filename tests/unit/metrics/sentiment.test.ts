import { describe, expect, it } from "vitest";
import { wilson } from "@/lib/metrics/proportions";
import { csatInterval, FLAG_MIN_VERDICTS, flagWindows, intrusiveFlag, share, t975 } from "@/lib/metrics/sentiment";

// The sentiment statistics: shares, the CSAT interval and the "intrusive share
// rising" flag, with cases worked out by hand (Newcombe bounds from the
// closed-form Wilson intervals, computed separately) and simulations against
// known true shares.

/** A small seeded PRNG (mulberry32), so simulations are reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const binomial = (r: () => number, n: number, p: number) => {
  let x = 0;
  for (let i = 0; i < n; i++) if (r() < p) x++;
  return x;
};

describe("share", () => {
  it("is x/n with the Wilson interval, and empty without responses", () => {
    expect(share(3, 10)).toEqual({ x: 3, n: 10, share: 0.3, ci: wilson(3, 10) });
    expect(share(0, 0)).toEqual({ x: 0, n: 0, share: null, ci: null });
  });
});

describe("t975 and the CSAT interval", () => {
  it("matches Student's t table within 0.001", () => {
    for (const [df, exact] of [
      [1, 12.70620],
      [3, 3.18245],
      [4, 2.77645],
      [10, 2.22814],
      [30, 2.04227],
      [1000, 1.96234],
    ] as const)
      expect(Math.abs(t975(df) - exact)).toBeLessThan(0.001);
    expect(() => t975(0)).toThrow(RangeError);
  });

  it("is mean ± t·sd/√n, clipped to the 1–5 scale, and absent below two responses", () => {
    // n = 4, mean 3, sd 1: half-width 3.1824 / 2 = 1.5912.
    const ci = csatInterval(4, 3, 1)!;
    expect(ci.lower).toBeCloseTo(1.4088, 3);
    expect(ci.upper).toBeCloseTo(4.5912, 3);
    // n = 2, mean 4.5, sd 0.707: half-width 12.7 · 0.5 = 6.35, clipped.
    expect(csatInterval(2, 4.5, Math.SQRT1_2)).toEqual({ lower: 1, upper: 5 });
    expect(csatInterval(1, 4, 0)).toBeNull();
  });

  it("covers the true mean about 95% of the time (simulation, n = 30, a skewed 1–5 distribution)", () => {
    const probs = [0.1, 0.1, 0.2, 0.3, 0.3];
    const truth = probs.reduce((s, p, i) => s + p * (i + 1), 0); // 3.6
    const r = prng(7);
    const draw = () => {
      let u = r();
      for (let i = 0; i < probs.length; i++) if ((u -= probs[i]!) < 0) return i + 1;
      return 5;
    };
    const sims = 4000;
    let covered = 0;
    for (let s = 0; s < sims; s++) {
      const xs = Array.from({ length: 30 }, draw);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      const ci = csatInterval(xs.length, mean, sd)!;
      if (ci.lower <= truth && truth <= ci.upper) covered++;
    }
    // Nominal 95%; 4,000 runs give a Monte Carlo standard error of 0.34 points.
    expect(covered / sims).toBeGreaterThan(0.93);
    expect(covered / sims).toBeLessThan(0.965);
  });
});

describe("intrusiveFlag", () => {
  it("flags a significant rise with enough responses, with the figures", () => {
    // 15/40 = 37.5% vs 3/40 = 7.5%: +30 pts, Newcombe 95% CI +11.9 to +46.2 pts.
    const f = intrusiveFlag({ verdicts: 40, intrusive: 15 }, { verdicts: 40, intrusive: 3 });
    expect(f.flagged).toBe(true);
    expect(f.why).toBe("rising");
    expect(f.difference).toBeCloseTo(0.3, 12);
    expect(f.ci!.lower).toBeCloseTo(0.118574, 5);
    expect(f.ci!.upper).toBeCloseTo(0.462301, 5);
    expect(f.summary).toBe("Intrusive: 38% (15 of 40) in the last 28 days vs 8% (3 of 40) in the 28 before: +30.0 pts, 95% CI +11.9 to +46.2.");
  });

  it("flags at exactly the minimum of responses in each window", () => {
    expect(FLAG_MIN_VERDICTS).toBe(20);
    // 10/20 vs 2/20: +40 pts, CI lower bound +11.6 pts.
    const f = intrusiveFlag({ verdicts: 20, intrusive: 10 }, { verdicts: 20, intrusive: 2 });
    expect(f.ci!.lower).toBeCloseTo(0.11593, 4);
    expect(f.flagged).toBe(true);
  });

  it("does not flag with fewer responses, however steep the rise", () => {
    // 10/15 vs 0/15: CI lower bound +34.4 pts, but 15 < 20 in both windows.
    const f = intrusiveFlag({ verdicts: 15, intrusive: 10 }, { verdicts: 15, intrusive: 0 });
    expect(f.ci!.lower).toBeCloseTo(0.34443, 4);
    expect([f.flagged, f.why]).toEqual([false, "too-few"]);
    expect(f.summary).toMatch(/fewer than 20 responses/);
    // One window short is enough to hold it back.
    expect(intrusiveFlag({ verdicts: 40, intrusive: 20 }, { verdicts: 19, intrusive: 1 }).flagged).toBe(false);
  });

  it("does not flag a rise whose interval includes zero, a fall, or an empty window", () => {
    // 7/20 vs 2/20: +25 pts but CI lower bound −1.3 pts.
    const small = intrusiveFlag({ verdicts: 20, intrusive: 7 }, { verdicts: 20, intrusive: 2 });
    expect(small.ci!.lower).toBeCloseTo(-0.012509, 5);
    expect([small.flagged, small.why]).toEqual([false, "not-rising"]);
    const falling = intrusiveFlag({ verdicts: 40, intrusive: 2 }, { verdicts: 40, intrusive: 15 });
    expect([falling.flagged, falling.why]).toEqual([false, "not-rising"]);
    const empty = intrusiveFlag({ verdicts: 30, intrusive: 5 }, { verdicts: 0, intrusive: 0 });
    expect(empty).toMatchObject({ flagged: false, why: "too-few", difference: null, ci: null });
    expect(empty.summary).toMatch(/no responses/);
  });

  it("rarely flags when nothing changed, and usually flags a real rise (simulation)", () => {
    const r = prng(42);
    const rate = (pLast: number, pPrev: number, n: number, sims = 4000) => {
      let flagged = 0;
      for (let s = 0; s < sims; s++) {
        if (intrusiveFlag({ verdicts: n, intrusive: binomial(r, n, pLast) }, { verdicts: n, intrusive: binomial(r, n, pPrev) }).flagged) flagged++;
      }
      return flagged / sims;
    };
    // Same true share (15%) in both windows: a false flag needs the one-sided 2.5% tail.
    const falseAt20 = rate(0.15, 0.15, 20);
    const falseAt60 = rate(0.15, 0.15, 60);
    expect(falseAt20).toBeLessThan(0.03);
    expect(falseAt60).toBeLessThan(0.03);
    // A true rise from 10% to 40%.
    const powerAt20 = rate(0.4, 0.1, 20);
    const powerAt40 = rate(0.4, 0.1, 40);
    expect(powerAt20).toBeGreaterThan(0.5);
    expect(powerAt40).toBeGreaterThan(0.85);
    console.log(`intrusive flag, 4000 simulations each: false flags ${(falseAt20 * 100).toFixed(1)}% (n=20), ${(falseAt60 * 100).toFixed(1)}% (n=60); power 10%→40% ${(powerAt20 * 100).toFixed(1)}% (n=20), ${(powerAt40 * 100).toFixed(1)}% (n=40)`);
  });
});

describe("flagWindows", () => {
  it("are the 28 days up to now and the 28 before", () => {
    const now = new Date("2026-12-02T12:00:00Z");
    expect(flagWindows(now)).toEqual({ lastFrom: new Date("2026-11-04T12:00:00Z"), previousFrom: new Date("2026-10-07T12:00:00Z") });
  });
});
