import { describe, expect, it } from "vitest";
import {
  aggregateEvents,
  daysUntilNextBirthday,
  deriveSignals,
  deriveSignalsFromAggregates,
  isOpenTicket,
  type EngineEvent,
} from "@/lib/engine";
import { NOW, day, daysAgo, makeCustomer } from "./fixtures";

function ev(type: EngineEvent["type"], at: Date, amount: number | null = null, payload?: unknown): EngineEvent {
  return { type, occurredAt: at, amount, payload };
}

describe("daysUntilBirthday", () => {
  it("is 0 on the birthday and counts whole UTC days otherwise", () => {
    expect(daysUntilNextBirthday(day("1990-11-23"), NOW)).toBe(0);
    expect(daysUntilNextBirthday(day("1990-11-24"), NOW)).toBe(1);
    expect(daysUntilNextBirthday(day("1990-11-30"), NOW)).toBe(7);
  });

  it("wraps across the year end", () => {
    const dec30 = new Date("2026-12-30T23:59:00Z");
    expect(daysUntilNextBirthday(day("1985-01-02"), dec30)).toBe(3);
    expect(daysUntilNextBirthday(day("1985-12-29"), dec30)).toBe(364);
  });

  it("celebrates Feb 29 on Feb 28 in non-leap years and on Feb 29 in leap years", () => {
    expect(daysUntilNextBirthday(day("2000-02-29"), day("2027-02-27"))).toBe(1);
    expect(daysUntilNextBirthday(day("2000-02-29"), day("2027-02-28"))).toBe(0);
    expect(daysUntilNextBirthday(day("2000-02-29"), day("2028-02-28"))).toBe(1);
    // From Mar 1, 2027 the next one is Feb 29, 2028 (leap): 365 days later.
    expect(daysUntilNextBirthday(day("2000-02-29"), day("2027-03-01"))).toBe(365);
  });

  it("ignores the time of day and the server time zone", () => {
    expect(daysUntilNextBirthday(day("1990-11-24"), new Date("2026-11-23T00:00:00Z"))).toBe(1);
    expect(daysUntilNextBirthday(day("1990-11-24"), new Date("2026-11-23T23:59:59Z"))).toBe(1);
  });
});

describe("deriveSignals", () => {
  const customer = makeCustomer({
    birthday: day("1980-11-26"),
    renewalDate: day("2026-12-05"),
    createdAt: day("2025-11-23"),
    lifetimeValue: 9_000,
    segment: "MID",
  });
  const events: EngineEvent[] = [
    ev("PURCHASE", daysAgo(10), 120.5),
    ev("PURCHASE", daysAgo(89), 79.5),
    ev("PURCHASE", daysAgo(91), 1000), // outside 90 days
    ev("CALL", daysAgo(47)),
    ev("EMAIL_SENT", daysAgo(60)),
    ev("SUPPORT_TICKET", daysAgo(3), null, { status: "open" }),
    ev("SUPPORT_TICKET", daysAgo(5), null, { status: "closed" }),
    ev("SUPPORT_TICKET", daysAgo(6)),
    ev("SUPPORT_TICKET", daysAgo(40)), // outside 30 days
    ev("WEB_VISIT", daysAgo(1)),
    ev("WEB_VISIT", daysAgo(6.9)),
    ev("WEB_VISIT", daysAgo(8)),
    ev("EMAIL_CLICK", daysAgo(29)),
    ev("EMAIL_CLICK", daysAgo(31)),
    ev("MEETING", new Date(NOW.getTime() + 86_400_000)), // future: ignored
  ];

  it("derives every signal", () => {
    expect(deriveSignals(customer, events, NOW)).toEqual({
      daysSinceLastContact: 47,
      daysUntilBirthday: 3,
      daysUntilRenewal: 12,
      daysSinceLastPurchase: 10,
      ordersLast90d: 2,
      spendLast90d: 200,
      lifetimeValue: 9_000,
      openTickets: 2,
      webVisitsLast7d: 2,
      emailClicksLast30d: 1,
      tenureDays: 365,
      segment: "MID",
    });
  });

  it("gives null for unknown dates: no birthday, no renewal, never contacted, never purchased", () => {
    const s = deriveSignals(makeCustomer(), [], NOW);
    expect(s.daysUntilBirthday).toBeNull();
    expect(s.daysUntilRenewal).toBeNull();
    expect(s.daysSinceLastContact).toBeNull();
    expect(s.daysSinceLastPurchase).toBeNull();
    expect(s.ordersLast90d).toBe(0);
  });

  it("makes daysUntilRenewal negative once the renewal has passed", () => {
    const s = deriveSignals(makeCustomer({ renewalDate: day("2026-11-20") }), [], NOW);
    expect(s.daysUntilRenewal).toBe(-3);
  });

  it("agrees with the aggregate (SQL) path", () => {
    const agg = aggregateEvents(events, NOW);
    expect(agg.lastContactAt).toEqual(daysAgo(47));
    expect(agg.lastPurchaseAt).toEqual(daysAgo(10));
    expect(deriveSignalsFromAggregates(customer, agg, NOW)).toEqual(deriveSignals(customer, events, NOW));
  });

  it("agrees with the aggregate path on many random histories", () => {
    const types: EngineEvent["type"][] = [
      "PURCHASE",
      "WEB_VISIT",
      "EMAIL_CLICK",
      "SUPPORT_TICKET",
      "MEETING",
      "CALL",
      "EMAIL_SENT",
    ];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 200; i++) {
      const evs: EngineEvent[] = Array.from({ length: Math.floor(rand() * 30) }, () =>
        ev(types[Math.floor(rand() * types.length)] ?? "CALL", daysAgo(rand() * 200), Math.round(rand() * 1000), {
          status: rand() < 0.5 ? "closed" : "open",
        }),
      );
      const c = makeCustomer({ birthday: rand() < 0.5 ? null : daysAgo(rand() * 20_000) });
      // Shuffled order must not matter either.
      const reversed = [...evs].reverse();
      expect(deriveSignals(c, reversed, NOW)).toEqual(deriveSignalsFromAggregates(c, aggregateEvents(evs, NOW), NOW));
    }
  });
});

describe("open support tickets", () => {
  it("counts a ticket as open unless its payload says status closed", () => {
    expect(isOpenTicket(undefined)).toBe(true);
    expect(isOpenTicket({ status: "open" })).toBe(true);
    expect(isOpenTicket({ priority: "high" })).toBe(true);
    expect(isOpenTicket({ status: "closed" })).toBe(false);
    expect(isOpenTicket({ status: "CLOSED" })).toBe(false);
  });
});
