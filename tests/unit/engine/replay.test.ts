import { describe, expect, it } from "vitest";
import { loggedCandidatesSchema, replayPick, type LoggedCandidate } from "@/lib/engine";

const cand = (actionKey: string, propensity: number, businessValue: number, contextWeight = 1, lever = 1): LoggedCandidate => ({
  actionKey,
  score: propensity * businessValue * contextWeight * lever,
  propensity,
  rankingPropensity: propensity,
  posterior: { alpha: 2, beta: 8 },
  exploring: false,
  businessValue,
  contextWeight,
  lever,
});

describe("replayPick: the draft's greedy pick among logged candidates", () => {
  const logged = [cand("a", 0.2, 500), cand("b", 0.5, 150), cand("c", 0.1, 900, 1.2)];
  // Scores: a 100, b 75, c 108.
  it("picks the best score with the draft's value and lever for its action", () => {
    expect(replayPick(logged, { actionKey: "zzz", businessValue: 1, lever: 1, active: true })).toBe("c");
    expect(replayPick(logged, { actionKey: "b", businessValue: 300, lever: 1, active: true })).toBe("b"); // 150
    expect(replayPick(logged, { actionKey: "c", businessValue: 900, lever: 0.9, active: true })).toBe("a"); // 97.2
  });
  it("skips a switched-off action, breaks ties by key, and returns null when nothing is left", () => {
    expect(replayPick(logged, { actionKey: "c", businessValue: 900, lever: 1, active: false })).toBe("a");
    expect(replayPick([cand("y", 0.5, 100), cand("x", 0.25, 200)], { actionKey: "q", businessValue: 0, lever: 1, active: true })).toBe("x");
    expect(replayPick([cand("a", 0.2, 500)], { actionKey: "a", businessValue: 500, lever: 1, active: false })).toBeNull();
  });
  it("reads logged JSON strictly: a row from before logging or a damaged one is refused", () => {
    expect(loggedCandidatesSchema.safeParse(logged).success).toBe(true);
    expect(loggedCandidatesSchema.safeParse([{ actionKey: "a", score: 1 }]).success).toBe(false);
    expect(loggedCandidatesSchema.safeParse(null).success).toBe(false);
    expect(loggedCandidatesSchema.safeParse([{ ...logged[0], conversionRate: 1.5 }]).success).toBe(false);
  });
  it("ranks on the engine's objective when the log carries P(convert | accept)", () => {
    // a: 0.2 × 0.1 × 500 = 10; b: 0.5 × 0.3 × 150 = 22.5; c: 0.1 × 0.1 × 900 × 1.2 = 10.8.
    const withConversion = [{ ...cand("a", 0.2, 500), conversionRate: 0.1 }, { ...cand("b", 0.5, 150), conversionRate: 0.3 }, { ...cand("c", 0.1, 900, 1.2), conversionRate: 0.1 }];
    expect(loggedCandidatesSchema.safeParse(withConversion).success).toBe(true);
    expect(replayPick(withConversion, { actionKey: "zzz", businessValue: 1, lever: 1, active: true })).toBe("b");
    expect(replayPick(withConversion, { actionKey: "c", businessValue: 2000, lever: 1, active: true })).toBe("c"); // 24
  });
});
