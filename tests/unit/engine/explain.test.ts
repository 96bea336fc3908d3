import { describe, expect, it } from "vitest";
import { explain, learningReason, signalReason } from "@/lib/engine";
import { makeSignals } from "./fixtures";

describe("signal reasons", () => {
  const text = (overrides: Parameters<typeof makeSignals>[0], signal: Parameters<typeof signalReason>[0]) =>
    signalReason(signal, makeSignals(overrides))?.text;

  it("describes birthdays", () => {
    expect(text({ daysUntilBirthday: 3 }, "daysUntilBirthday")).toBe("Birthday in 3 days");
    expect(text({ daysUntilBirthday: 1 }, "daysUntilBirthday")).toBe("Birthday tomorrow");
    expect(signalReason("daysUntilBirthday", makeSignals({ daysUntilBirthday: 0 }))).toEqual({
      code: "BIRTHDAY_TODAY",
      text: "Birthday today",
    });
    expect(text({ daysUntilBirthday: null }, "daysUntilBirthday")).toBeUndefined();
  });

  it("describes renewals", () => {
    expect(text({ daysUntilRenewal: 12 }, "daysUntilRenewal")).toBe("Renewal in 12 days");
    expect(text({ daysUntilRenewal: 0 }, "daysUntilRenewal")).toBe("Renewal today");
    expect(text({ daysUntilRenewal: -1 }, "daysUntilRenewal")).toBe("Renewal overdue by 1 day");
  });

  it("describes silence and purchases", () => {
    expect(text({ daysSinceLastContact: 47 }, "daysSinceLastContact")).toBe("No contact for 47 days");
    expect(text({ daysSinceLastContact: 3 }, "daysSinceLastContact")).toBe("Last contact 3 days ago");
    expect(text({ daysSinceLastContact: null }, "daysSinceLastContact")).toBe("Never contacted");
    expect(text({ daysSinceLastPurchase: 120 }, "daysSinceLastPurchase")).toBe("No purchase for 120 days");
    expect(text({ daysSinceLastPurchase: null }, "daysSinceLastPurchase")).toBe("No purchase yet");
  });

  it("describes counts and money", () => {
    expect(text({ openTickets: 2 }, "openTickets")).toBe("2 open support tickets");
    expect(text({ openTickets: 1 }, "openTickets")).toBe("1 open support ticket");
    expect(text({ webVisitsLast7d: 4 }, "webVisitsLast7d")).toBe("Visited the website 4 times this week");
    expect(text({ webVisitsLast7d: 1 }, "webVisitsLast7d")).toBe("Visited the website once this week");
    expect(text({ emailClicksLast30d: 2 }, "emailClicksLast30d")).toBe("Clicked 2 emails in the last 30 days");
    expect(text({ ordersLast90d: 3 }, "ordersLast90d")).toBe("3 orders in the last 90 days");
    expect(text({ lifetimeValue: 12_400 }, "lifetimeValue")).toBe("Lifetime value $12,400");
    expect(text({ spendLast90d: 4_199.6 }, "spendLast90d")).toBe("Spent $4,200 in the last 90 days");
    expect(text({ tenureDays: 800 }, "tenureDays")).toBe("Customer for 2 years");
  });
});

describe("learning reason", () => {
  it("quotes the acceptance rate once there are enough trials", () => {
    expect(learningReason({ acceptanceRate: 0.384, trials: 120 })).toEqual({
      code: "SIMILAR_ACCEPTED",
      text: "Similar customers accepted 38% of the time",
    });
  });

  it("says still learning when trials are few", () => {
    expect(learningReason({ acceptanceRate: 0.9, trials: 5 })).toEqual({
      code: "STILL_LEARNING",
      text: "New suggestion — still learning",
    });
  });
});

describe("choosing the reasons for an action", () => {
  it("leads with the urgency signal, then the rule's signals, then learning", () => {
    const reasons = explain(
      {
        urgencySignal: "daysSinceLastContact",
        rule: {
          all: [
            { signal: "daysSinceLastContact", op: "gte", value: 30 },
            { signal: "lifetimeValue", op: "gte", value: 5000 },
          ],
        },
      },
      makeSignals({ daysSinceLastContact: 47, lifetimeValue: 12_400 }),
      { acceptanceRate: 0.38, trials: 200 },
    );
    expect(reasons.map((r) => r.text)).toEqual([
      "No contact for 47 days",
      "Lifetime value $12,400",
      "Similar customers accepted 38% of the time",
    ]);
  });

  it("returns at least two and at most four reasons", () => {
    const few = explain(
      { urgencySignal: null, rule: { signal: "segment", op: "eq", value: "SMB" } },
      makeSignals({ lifetimeValue: 0 }),
      { acceptanceRate: 0.2, trials: 0 },
    );
    expect(few.map((r) => r.code)).toEqual(["SEGMENT", "STILL_LEARNING"]);

    const many = explain(
      {
        urgencySignal: "openTickets",
        rule: {
          all: [
            { signal: "openTickets", op: "gte", value: 1 },
            { signal: "webVisitsLast7d", op: "gte", value: 1 },
            { signal: "emailClicksLast30d", op: "gte", value: 1 },
            { signal: "ordersLast90d", op: "gte", value: 1 },
          ],
        },
      },
      makeSignals({ openTickets: 2, webVisitsLast7d: 4, emailClicksLast30d: 2, ordersLast90d: 3 }),
      { acceptanceRate: 0.2, trials: 500 },
    );
    expect(many.map((r) => r.text)).toEqual([
      "2 open support tickets",
      "Visited the website 4 times this week",
      "Clicked 2 emails in the last 30 days",
      "Similar customers accepted 20% of the time",
    ]);
  });

  it("adds lifetime value as a filler when the rule says little", () => {
    const reasons = explain(
      { urgencySignal: "daysUntilBirthday", rule: { signal: "daysUntilBirthday", op: "between", value: [0, 7] } },
      makeSignals({ daysUntilBirthday: 3, lifetimeValue: 12_400 }),
      { acceptanceRate: 0.5, trials: 3 },
    );
    expect(reasons.map((r) => r.text)).toEqual([
      "Birthday in 3 days",
      "New suggestion — still learning",
      "Lifetime value $12,400",
    ]);
  });
});
