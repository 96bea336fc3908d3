import { describe, expect, it } from "vitest";
import { holdoutPeriod, isControl } from "@/lib/engine";

const ids = Array.from({ length: 100_000 }, (_, i) => `cust-${i.toString().padStart(6, "0")}`);
const share = (pct: number, period = "2026-W48", action = "discount_offer") =>
  ids.filter((id) => isControl(id, action, period, pct)).length / ids.length;

describe("holdout share", () => {
  it.each([10, 25])("puts %i%% of 100,000 customers in control, within 1 point", (pct) => {
    expect(Math.abs(share(pct) - pct / 100)).toBeLessThan(0.01);
    expect(Math.abs(share(pct, "2026-W49", "birthday_note") - pct / 100)).toBeLessThan(0.01);
  });

  it("puts nobody in control at 0% and everybody at 100%", () => {
    expect(ids.slice(0, 1000).some((id) => isControl(id, "a", "2026-W48", 0))).toBe(false);
    expect(ids.slice(0, 1000).every((id) => isControl(id, "a", "2026-W48", 100))).toBe(true);
  });
});

describe("holdout determinism", () => {
  it("always gives the same customer, action and period the same answer", () => {
    for (const id of ids.slice(0, 2000)) {
      expect(isControl(id, "renewal_checkin", "2026-W48", 25)).toBe(isControl(id, "renewal_checkin", "2026-W48", 25));
    }
  });

  it("reshuffles in another period, independently of the last", () => {
    const sample = ids.slice(0, 20_000);
    const a = sample.map((id) => isControl(id, "renewal_checkin", "2026-W48", 25));
    const b = sample.map((id) => isControl(id, "renewal_checkin", "2026-W49", 25));
    const changed = a.filter((x, i) => x !== b[i]).length / sample.length;
    // Independent 25% draws disagree 2 × 0.25 × 0.75 = 37.5% of the time.
    expect(changed).toBeGreaterThan(0.34);
    expect(changed).toBeLessThan(0.41);
  });

  it("keeps a larger share a superset of a smaller one", () => {
    for (const id of ids.slice(0, 5000)) {
      if (isControl(id, "a", "2026-W48", 10)) expect(isControl(id, "a", "2026-W48", 25)).toBe(true);
    }
  });
});

describe("holdout period", () => {
  it("is the ISO week", () => {
    expect(holdoutPeriod(new Date("2026-11-23T15:00:00Z"))).toBe("2026-W48"); // Monday
    expect(holdoutPeriod(new Date("2026-11-29T23:59:00Z"))).toBe("2026-W48"); // Sunday
    expect(holdoutPeriod(new Date("2026-11-30T00:00:00Z"))).toBe("2026-W49");
  });

  it("handles weeks that straddle the year end", () => {
    expect(holdoutPeriod(new Date("2027-01-01T12:00:00Z"))).toBe("2026-W53"); // Friday
    expect(holdoutPeriod(new Date("2024-12-30T12:00:00Z"))).toBe("2025-W01"); // Monday
    expect(holdoutPeriod(new Date("2021-01-03T12:00:00Z"))).toBe("2020-W53");
  });
});
