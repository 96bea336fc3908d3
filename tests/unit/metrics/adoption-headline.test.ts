import { describe, expect, it } from "vitest";
import { activeRepsHeadline } from "@/lib/metrics/adoption";

describe("activeRepsHeadline", () => {
  it("counts a rep switched off after being active in the period on both sides of 'N of M'", () => {
    // 11 active accounts, one of them never active; a 12th rep active in the period, deactivated since.
    const reps = [...Array.from({ length: 10 }, () => ({ accountActive: true, activeDays: 3 })), { accountActive: true, activeDays: 0 }, { accountActive: false, activeDays: 2 }];
    expect(activeRepsHeadline(reps)).toEqual({ active: 11, onTeam: 12, deactivated: 1 });
  });

  it("never puts more reps above the line than below it, whatever the mix", () => {
    for (let seed = 1; seed < 200; seed++) {
      const reps = Array.from({ length: seed % 17 }, (_, i) => ({ accountActive: (seed * (i + 3)) % 5 !== 0, activeDays: (seed * (i + 7)) % 4 }));
      const h = activeRepsHeadline(reps);
      expect(h.active).toBeLessThanOrEqual(h.onTeam);
      expect(h.deactivated).toBeLessThanOrEqual(h.onTeam);
    }
  });

  it("is zero of zero for a team without reps", () => {
    expect(activeRepsHeadline([])).toEqual({ active: 0, onTeam: 0, deactivated: 0 });
  });
});
