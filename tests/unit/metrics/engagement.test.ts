// The engagement rules on hand-made inputs (every expected value worked out in
// the comments), and the NPS interval against a known truth by simulation.
import { describe, expect, it } from "vitest";
import {
  adoptionSpeed,
  csat,
  daysBetween,
  habitReachedOn,
  npsFromScores,
  npsInterval,
  pulseDue,
  retentionCohorts,
  sessionBucket,
  weekOf,
  type RepWeeks,
} from "@/lib/metrics/engagement";
import { simulateNps } from "@/lib/metrics/simulation/nps";
import { share } from "@/lib/metrics/simulation/random";
import { formatThreshold, resolveTarget, targetStatus } from "@/lib/metrics/targets";
import { targetSchema } from "@/lib/validation/engagement";

const REPLICATES = 1000;

describe("NPS", () => {
  it("is % promoters minus % detractors, with the adjusted-Wald interval worked by hand", () => {
    // 10 answers: 9, 10, 10 promoters (3); 7, 8 passives (2); 0, 3, 5, 6, 6 detractors (5): NPS = 30% - 50% = -20.
    const r = npsFromScores([9, 10, 10, 7, 8, 0, 3, 5, 6, 6]);
    expect(r).toMatchObject({ n: 10, promoters: 3, passives: 2, detractors: 5, nps: -20 });
    // Adjusted: n 13, p = 3.75/13, d = 5.75/13, centre -2/13; var = (9.5/13 - 4/169)/13; half = 1.96 sqrt(var).
    const p = 3.75 / 13;
    const d = 5.75 / 13;
    const half = 1.959963984540054 * Math.sqrt((p + d - (p - d) ** 2) / 13);
    expect(r.interval!.lower).toBeCloseTo(100 * (p - d - half), 10);
    expect(r.interval!.upper).toBeCloseTo(100 * (p - d + half), 10);
    expect(r.interval!.lower).toBeLessThan(-20);
    expect(r.interval!.upper).toBeGreaterThan(-20);
  });

  it("has no value and no interval without answers, and stays within -100..100", () => {
    expect(npsInterval({ promoters: 0, passives: 0, detractors: 0 })).toMatchObject({ n: 0, nps: null, interval: null });
    const all = npsInterval({ promoters: 5, passives: 0, detractors: 0 });
    expect(all.nps).toBe(100);
    expect(all.interval!.upper).toBeLessThanOrEqual(100);
    expect(all.interval!.lower).toBeGreaterThan(0);
  });

  // With 1,000 replicates a perfect 95% interval's coverage has a standard error of 0.69 points: 93–97% is ±2.9 SE.
  for (const truth of [
    { promoters: 0.5, detractors: 0.2 },
    { promoters: 0.3, detractors: 0.3 },
    { promoters: 0.1, detractors: 0.6 },
  ])
    for (const n of [20, 100, 400])
      it(`95% interval covers the true NPS 93–97% of the time (promoters ${truth.promoters}, detractors ${truth.detractors}, n ${n})`, () => {
        const c = simulateNps({ truth, n, replicates: REPLICATES, seed: `nps-${truth.promoters}-${n}` });
        expect(c.total).toBe(REPLICATES);
        expect(share(c)).toBeGreaterThanOrEqual(0.93);
        expect(share(c)).toBeLessThanOrEqual(0.97);
      });

  it("near the top of the scale (95% promoters) errs on the safe side: coverage at least 93%, at most 99%", () => {
    for (const n of [20, 100]) {
      const c = simulateNps({ truth: { promoters: 0.95, detractors: 0.02 }, n, replicates: REPLICATES, seed: `nps-top-${n}` });
      expect(share(c)).toBeGreaterThanOrEqual(0.93);
      expect(share(c)).toBeLessThanOrEqual(0.99);
    }
  });
});

describe("CSAT", () => {
  it("is the share of 4s and 5s with a Wilson interval", () => {
    const r = csat(8, 6);
    expect(r.share).toBe(0.75);
    expect(r.interval!.lower).toBeLessThan(0.75);
    expect(r.interval!.upper).toBeGreaterThan(0.75);
    expect(csat(0, 0)).toMatchObject({ share: null, interval: null });
  });
});

describe("sessions, weeks and days", () => {
  it("buckets session lengths at 1, 5, 15, 30 and 60 minutes", () => {
    expect([0, 0.99, 1, 4.9, 5, 14, 15, 29, 30, 59, 60, 600].map(sessionBucket)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });
  it("weeks start on Monday (UTC) and days are whole UTC days", () => {
    expect(weekOf("2026-03-08")).toBe("2026-03-02"); // a Sunday
    expect(weekOf("2026-03-09")).toBe("2026-03-09"); // a Monday
    expect(daysBetween("2026-03-02", new Date("2026-03-05T23:59:00Z"))).toBe(3);
  });
});

const w = (week: string, activeDays: number, habitDay: string | null = null) => ({ week, activeDays, habitDay });

describe("habitual use: 3+ active days in 2 consecutive weeks", () => {
  it("is reached on the third active day of the second qualifying week", () => {
    expect(habitReachedOn([w("2026-03-02", 3, "2026-03-04"), w("2026-03-09", 4, "2026-03-11")])).toBe("2026-03-11");
  });
  it("needs the weeks to be consecutive and both to qualify", () => {
    expect(habitReachedOn([w("2026-03-02", 3, "2026-03-04"), w("2026-03-16", 3, "2026-03-18")])).toBeNull();
    expect(habitReachedOn([w("2026-03-02", 3, "2026-03-04"), w("2026-03-09", 2), w("2026-03-16", 5, "2026-03-18")])).toBeNull();
    // A later run counts: weeks of 03-16 and 03-23 qualify.
    expect(habitReachedOn([w("2026-03-02", 1), w("2026-03-16", 5, "2026-03-18"), w("2026-03-23", 3, "2026-03-25")])).toBe("2026-03-25");
  });
});

const rep = (repId: string, o: Partial<RepWeeks>): RepWeeks => ({ repId, firstActive: null, firstSignIn: null, firstReaction: null, weeks: [], ...o });

describe("adoption speed", () => {
  it("counts days from first sign-in to first reaction and to habit, medians over reps who got there", () => {
    const reps = [
      // r1: signed in 03-02, reacted 03-04 (2 days), habit 03-11 (9 days).
      rep("r1", { firstActive: "2026-03-02", firstSignIn: "2026-03-02", firstReaction: "2026-03-04", weeks: [w("2026-03-02", 3, "2026-03-04"), w("2026-03-09", 3, "2026-03-11")] }),
      // r2: signed in 03-05, reacted 03-11 (6 days), no habit.
      rep("r2", { firstActive: "2026-03-05", firstSignIn: "2026-03-05", firstReaction: "2026-03-11", weeks: [w("2026-03-02", 1), w("2026-03-09", 1)] }),
      // r3: signed in, never reacted; r4 never signed in.
      rep("r3", { firstActive: "2026-03-10", firstSignIn: "2026-03-10", weeks: [w("2026-03-09", 1)] }),
      rep("r4", {}),
    ];
    const s = adoptionSpeed(reps);
    expect(s).toMatchObject({ signedIn: 3, reacted: 2, medianDaysToReaction: 4, habitual: 1, medianDaysToHabit: 9 });
    expect(s.perRep.map((p) => [p.daysToReaction, p.daysToHabit])).toEqual([[2, 9], [6, null], [null, null], [null, null]]);
  });
});

describe("retention by cohort", () => {
  it("groups reps by the week of first use and counts those active k weeks later, leaving weeks not yet over blank", () => {
    const reps = [
      // Cohort 2026-03-02: a (active weeks +0, +1, +2), b (+0, +2). Cohort 2026-03-09: c (+0, +1).
      rep("a", { firstActive: "2026-03-03", weeks: [w("2026-03-02", 2), w("2026-03-09", 1), w("2026-03-16", 1)] }),
      rep("b", { firstActive: "2026-03-08", weeks: [w("2026-03-02", 1), w("2026-03-16", 2)] }),
      rep("c", { firstActive: "2026-03-09", weeks: [w("2026-03-09", 1), w("2026-03-16", 1)] }),
      rep("never", {}),
    ];
    // As of 2026-03-30 00:00: weeks ending by then are those starting up to 03-23.
    const rows = retentionCohorts(reps, new Date("2026-03-30T00:00:00Z"));
    expect(rows).toEqual([
      // +1 = week 03-09: a; +2 = 03-16: a, b; +4 = 03-30 not over.
      { cohort: "2026-03-02", reps: 2, retained: [1, 2, null, null, null] },
      // +1 = 03-16: c; +2 = 03-23: nobody; +4 = 04-06 not over.
      { cohort: "2026-03-09", reps: 1, retained: [1, 0, null, null, null] },
    ]);
    for (const r of rows) for (const k of r.retained) if (k !== null) expect(k).toBeLessThanOrEqual(r.reps);
  });
});

describe("the pulse's cadence", () => {
  const now = new Date("2026-03-30T12:00:00Z");
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  it("never asks before first use or in the first week", () => {
    expect(pulseDue({ now, firstActiveAt: null, lastAskedAt: null, everyWeeks: 6 })).toBe(false);
    expect(pulseDue({ now, firstActiveAt: daysAgo(6.9), lastAskedAt: null, everyWeeks: 6 })).toBe(false);
    expect(pulseDue({ now, firstActiveAt: daysAgo(7), lastAskedAt: null, everyWeeks: 6 })).toBe(true);
  });
  it("asks at most once per N weeks since the last answer or dismissal", () => {
    expect(pulseDue({ now, firstActiveAt: daysAgo(100), lastAskedAt: daysAgo(41), everyWeeks: 6 })).toBe(false);
    expect(pulseDue({ now, firstActiveAt: daysAgo(100), lastAskedAt: daysAgo(42), everyWeeks: 6 })).toBe(true);
    expect(pulseDue({ now, firstActiveAt: daysAgo(100), lastAskedAt: daysAgo(8), everyWeeks: 1 })).toBe(true);
  });
});

describe("targets", () => {
  it("a value at or above the threshold meets it; no value or no threshold say so", () => {
    expect(targetStatus(0.8, 0.8)).toBe("met");
    expect(targetStatus(0.79, 0.8)).toBe("below");
    expect(targetStatus(null, 0.8)).toBe("no-data");
    expect(targetStatus(0.5, null)).toBe("no-target");
    expect(targetStatus(-10, -20)).toBe("met");
  });
  it("a team's own target overrides the program-wide one", () => {
    const t = [
      { teamId: null, metric: "nps" as const, threshold: 20 },
      { teamId: "t1", metric: "nps" as const, threshold: 40 },
    ];
    expect(resolveTarget(t, "nps", "t1")).toBe(40);
    expect(resolveTarget(t, "nps", "t2")).toBe(20);
    expect(resolveTarget(t, "nps", null)).toBe(20);
    expect(resolveTarget(t, "reactionShare", "t1")).toBeNull();
  });
  it("the form takes shares in percent and NPS in points, within their ranges", () => {
    expect(targetSchema.parse({ teamId: null, metric: "weeklyActiveShare", threshold: "80" })).toEqual({ teamId: null, metric: "weeklyActiveShare", threshold: 0.8 });
    expect(targetSchema.parse({ teamId: null, metric: "nps", threshold: -10 }).threshold).toBe(-10);
    expect(targetSchema.safeParse({ teamId: null, metric: "weeklyActiveShare", threshold: 120 }).success).toBe(false);
    expect(targetSchema.safeParse({ teamId: null, metric: "nps", threshold: 101 }).success).toBe(false);
    expect(targetSchema.safeParse({ teamId: null, metric: "bogus", threshold: 1 }).success).toBe(false);
    expect(targetSchema.safeParse({ teamId: "not-a-uuid", metric: "nps", threshold: 1 }).success).toBe(false);
    expect(formatThreshold("weeklyActiveShare", 0.8)).toBe("80%");
    expect(formatThreshold("nps", 30)).toBe("+30");
  });
});
