import { describe, expect, it } from "vitest";
import {
  contextWeight,
  decideForCustomer,
  expectedValue,
  inferUrgencySignal,
  priorityScore,
  seededRng,
  type UrgencySignal,
} from "@/lib/engine";
import { NOW, makeAction, makeCustomer, makeSignals } from "./fixtures";

const weight = (urgencySignal: UrgencySignal | null, overrides: Parameters<typeof makeSignals>[0]) =>
  contextWeight({ urgencySignal }, makeSignals(overrides));

describe("context weight (urgency)", () => {
  it("is 1 for actions without an urgency signal", () => {
    expect(weight(null, {})).toBe(1);
  });

  it("weighs a birthday tomorrow above one in six days (linear over 14 days)", () => {
    expect(weight("daysUntilBirthday", { daysUntilBirthday: 0 })).toBe(2);
    expect(weight("daysUntilBirthday", { daysUntilBirthday: 1 })).toBeCloseTo(1 + 13 / 14, 12); // 1.9286
    expect(weight("daysUntilBirthday", { daysUntilBirthday: 6 })).toBeCloseTo(1 + 8 / 14, 12); // 1.5714
    expect(weight("daysUntilBirthday", { daysUntilBirthday: 14 })).toBe(1);
    expect(weight("daysUntilBirthday", { daysUntilBirthday: 200 })).toBe(1);
  });

  it("weighs a renewal in 5 days above one in 60 (linear over 90 days), overdue at the maximum", () => {
    expect(weight("daysUntilRenewal", { daysUntilRenewal: 5 })).toBeCloseTo(1 + 85 / 90, 12); // 1.9444
    expect(weight("daysUntilRenewal", { daysUntilRenewal: 60 })).toBeCloseTo(1 + 30 / 90, 12); // 1.3333
    expect(weight("daysUntilRenewal", { daysUntilRenewal: -3 })).toBe(2);
  });

  it("grows with silence and caps at 2", () => {
    expect(weight("daysSinceLastContact", { daysSinceLastContact: 47 })).toBeCloseTo(1 + 47 / 120, 12);
    expect(weight("daysSinceLastContact", { daysSinceLastContact: 120 })).toBe(2);
    expect(weight("daysSinceLastContact", { daysSinceLastContact: 900 })).toBe(2);
    expect(weight("daysSinceLastPurchase", { daysSinceLastPurchase: 73 })).toBeCloseTo(1.2, 12);
    expect(weight("openTickets", { openTickets: 2 })).toBeCloseTo(1 + 2 / 3, 12);
    expect(weight("openTickets", { openTickets: 7 })).toBe(2);
  });

  it("gives no boost when the signal is unknown", () => {
    expect(weight("daysUntilBirthday", { daysUntilBirthday: null })).toBe(1);
    expect(weight("daysSinceLastContact", { daysSinceLastContact: null })).toBe(1);
  });

  it("stays within [1, 2] for any value", () => {
    for (const signal of ["daysUntilBirthday", "daysUntilRenewal", "daysSinceLastContact"] as const) {
      for (const v of [-1000, -1, 0, 1, 10, 100, 10_000]) {
        const w = weight(signal, { [signal]: v });
        expect(w).toBeGreaterThanOrEqual(1);
        expect(w).toBeLessThanOrEqual(2);
      }
    }
  });
});

describe("urgency signal inference from the rule", () => {
  it("takes the first urgency signal the rule tests", () => {
    expect(inferUrgencySignal({ signal: "daysUntilBirthday", op: "between", value: [0, 7] })).toBe("daysUntilBirthday");
    expect(
      inferUrgencySignal({
        all: [
          { signal: "lifetimeValue", op: "gte", value: 5000 },
          { signal: "daysSinceLastContact", op: "gte", value: 30 },
        ],
      }),
    ).toBe("daysSinceLastContact");
    expect(inferUrgencySignal({ signal: "webVisitsLast7d", op: "gte", value: 3 })).toBeNull();
  });
});

describe("score and expected value formulas", () => {
  it("score = propensity × conversionRate × businessValue × contextWeight × lever (expected value × context × lever)", () => {
    expect(priorityScore({ propensity: 0.3, conversionRate: 0.2, businessValue: 250, contextWeight: 1.5, lever: 1.2 })).toBeCloseTo(27, 10);
  });

  it("expected value = propensity × conversionRate × businessValue", () => {
    expect(expectedValue({ propensity: 0.3, conversionRate: 0.2, businessValue: 250 })).toBeCloseTo(15, 10);
  });

  it("produces hand-computed numbers end to end", () => {
    // prior Beta(5, 5), no stats -> propensity 0.5; conversion prior Beta(1, 4) -> 0.2
    // birthday tomorrow -> weight 1 + 13/14 = 27/14
    // score = 0.5 × 300 × 27/14 × 1.2 = 347.142857…; EV = 0.5 × 0.2 × 300 = 30
    const [c] = decideForCustomer({
      customer: makeCustomer(),
      signals: makeSignals({ daysUntilBirthday: 1 }),
      actions: [
        makeAction({
          key: "birthday_note",
          category: "RELATIONSHIP",
          businessValue: 300,
          lever: 1.2,
          prior: { alpha: 5, beta: 5 },
          urgencySignal: "daysUntilBirthday",
          rule: { signal: "daysUntilBirthday", op: "between", value: [0, 7] },
        }),
      ],
      history: [],
      stats: new Map(),
      now: NOW,
      rng: seededRng(1),
    });
    expect(c?.propensity).toBe(0.5);
    expect(c?.conversionRate).toBeCloseTo(0.2, 12);
    expect(c?.contextWeight).toBeCloseTo(27 / 14, 12);
    // 0.5 × 0.2 × 300 × 27/14 × 1.2
    expect(c?.score).toBeCloseTo(69.428571, 5);
    expect(c?.expectedValue).toBeCloseTo(30, 10);
  });
});
