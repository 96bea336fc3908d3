import { describe, expect, it } from "vitest";
import {
  buildStatsTable,
  decideForCustomer,
  evaluateActions,
  isControl,
  seededRng,
  type DecisionInput,
  type HistoryEntry,
} from "@/lib/engine";
import { NOW, daysAgo, makeAction, makeCustomer, makeSignals } from "./fixtures";

const offer = makeAction({ key: "discount_offer", category: "OFFER", businessValue: 250 });
const meeting = makeAction({ key: "book_meeting", category: "MEETING", businessValue: 600, prior: { alpha: 3, beta: 7 } });
const birthday = makeAction({
  key: "birthday_note",
  category: "RELATIONSHIP",
  businessValue: 300,
  lever: 1.2,
  prior: { alpha: 5, beta: 5 },
  urgencySignal: "daysUntilBirthday",
  rule: { signal: "daysUntilBirthday", op: "between", value: [0, 7] },
  messageTemplate: "Happy birthday, {{firstName}}! See you at {{company}}.",
});

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    customer: makeCustomer(),
    signals: makeSignals({ daysUntilBirthday: 2 }),
    actions: [offer, meeting, birthday],
    history: [],
    stats: new Map(),
    now: NOW,
    rng: seededRng("test"),
    period: "2026-W48",
    ...overrides,
  };
}

function history(actionKey: string, created: number, status: HistoryEntry["status"], decided: number | null): HistoryEntry {
  return { actionKey, createdAt: daysAgo(created), status, decidedAt: decided === null ? null : daysAgo(decided) };
}

describe("choosing the best action for a customer", () => {
  it("returns the single best candidate by default, with everything a Recommendation row needs", () => {
    const [best, ...rest] = decideForCustomer(input());
    expect(rest).toEqual([]);
    // birthday: 0.5 × 300 × (1 + 12/14) × 1.2 = 334.29 > meeting 0.3 × 600 = 180 > offer 0.2 × 250 = 50
    expect(best).toMatchObject({
      customerId: "cust-1",
      repId: "rep-1",
      actionId: "id-birthday_note",
      actionKey: "birthday_note",
      version: 1,
      propensity: 0.5,
      message: "Happy birthday, Ada! See you at Analytical Engines Ltd.",
      isControl: false,
      expiresAt: new Date(NOW.getTime() + 7 * 86_400_000),
    });
    expect(best?.score).toBeCloseTo(0.5 * 0.2 * 300 * (1 + 12 / 14) * 1.2, 9);
    expect(best?.reasons[0]).toEqual({ code: "BIRTHDAY_SOON", text: "Birthday in 2 days" });
    expect(best?.modelVersion).toMatch(/^bb-2026-11-23-[0-9a-f]{8}$/);
  });

  it("returns more candidates, best first, when maxPerCustomer allows", () => {
    expect(decideForCustomer(input({ maxPerCustomer: 3 })).map((c) => c.actionKey)).toEqual([
      "birthday_note",
      "book_meeting",
      "discount_offer",
    ]);
  });

  it("returns nothing when no action is eligible", () => {
    expect(decideForCustomer(input({ actions: [birthday], signals: makeSignals({ daysUntilBirthday: 30 }) }))).toEqual(
      [],
    );
  });
});

describe("why an action was not chosen", () => {
  it("reports rule, consent and inactive skips with codes and text", () => {
    const { candidates, skipped } = evaluateActions(
      input({
        customer: makeCustomer({ consent: { SERVICE: true, MARKETING: false, PROFILING: true } }),
        signals: makeSignals({ daysUntilBirthday: 30 }),
        actions: [offer, birthday, { ...meeting, active: false }],
      }),
    );
    expect(candidates).toEqual([]);
    expect(skipped).toEqual([
      { actionId: "id-discount_offer", actionKey: "discount_offer", code: "NO_MARKETING_CONSENT", text: "Customer withdrew consent to marketing offers" },
      {
        actionId: "id-birthday_note",
        actionKey: "birthday_note",
        code: "INELIGIBLE",
        text: "Rule not met: days until birthday between 0 and 7",
      },
      { actionId: "id-book_meeting", actionKey: "book_meeting", code: "INACTIVE", text: "Action is switched off" },
    ]);
  });

  it("skips every action for customers who withdrew service and marketing consent (the old do-not-contact)", () => {
    const { candidates, skipped } = evaluateActions(input({ customer: makeCustomer({ consent: { SERVICE: false, MARKETING: false, PROFILING: true } }) }));
    expect(candidates).toEqual([]);
    expect(skipped.map((s) => s.code).sort()).toEqual(["NO_MARKETING_CONSENT", "NO_SERVICE_CONSENT", "NO_SERVICE_CONSENT"]);
  });
});

describe("cool-down", () => {
  const only = (h: HistoryEntry[]) => evaluateActions(input({ actions: [offer], history: h }));

  it("skips an action suggested within its cool-down days", () => {
    const { candidates, skipped } = only([history("discount_offer", 13, "EXPIRED", null)]);
    expect(candidates).toEqual([]);
    expect(skipped[0]?.code).toBe("COOLDOWN");
    expect(skipped[0]?.text).toBe("Suggested or handled 13 days ago; cool-down is 14 days");
  });

  it("counts from the decision when it is later than the creation", () => {
    expect(only([history("discount_offer", 40, "DONE", 5)]).skipped[0]?.code).toBe("COOLDOWN");
    expect(only([history("discount_offer", 40, "DISMISSED", 15)]).candidates).toHaveLength(1);
  });

  it("allows the action again once the cool-down has passed", () => {
    expect(only([history("discount_offer", 15, "EXPIRED", null)]).candidates).toHaveLength(1);
  });

  it("never re-proposes an action that is still open, however old", () => {
    for (const status of ["PENDING", "ACCEPTED", "SNOOZED"] as const) {
      const { skipped } = only([history("discount_offer", 400, status, null)]);
      expect(skipped[0]?.code).toBe("OPEN_RECOMMENDATION");
    }
  });

  it("only cools down the action that was suggested", () => {
    const best = decideForCustomer(input({ history: [history("birthday_note", 1, "DONE", 1)] }));
    expect(best[0]?.actionKey).toBe("book_meeting");
  });
});

describe("holdout on candidates", () => {
  it("flags control candidates by the deterministic hash, keeping them as the customer's best", () => {
    const controlled = { ...birthday, controlGroupPct: 50 };
    let seen = 0;
    for (let i = 0; i < 200; i++) {
      const id = `c-${i}`;
      const [best] = decideForCustomer(input({ customer: makeCustomer({ id }), actions: [offer, controlled] }));
      expect(best?.actionKey).toBe("birthday_note");
      expect(best?.isControl).toBe(isControl(id, "birthday_note", "2026-W48", 50));
      if (best?.isControl) seen++;
    }
    expect(seen).toBeGreaterThan(70);
    expect(seen).toBeLessThan(130);
  });
});

describe("exploration", () => {
  const exploring = { ...meeting, exploration: true };
  const stats = buildStatsTable([{ actionKey: "book_meeting", segment: "SMB", shown: 30, accepted: 9, converted: 2 }]);

  it("ranks by a Thompson draw but stores the posterior mean as the propensity", () => {
    const [c] = decideForCustomer(input({ actions: [exploring], stats, rng: seededRng(7) }));
    expect(c?.propensity).toBeCloseTo(12 / 40, 12);
    expect(c?.rankingPropensity).not.toBe(c?.propensity);
    expect(c?.score).toBeCloseTo((c?.rankingPropensity ?? 0) * (c?.conversionRate ?? 0) * 600, 9);
  });

  it("is reproducible with the same seed", () => {
    const a = decideForCustomer(input({ actions: [exploring], stats, rng: seededRng(7) }));
    const b = decideForCustomer(input({ actions: [exploring], stats, rng: seededRng(7) }));
    expect(a).toEqual(b);
  });

  it("can be switched off for a preview", () => {
    const [c] = decideForCustomer(input({ actions: [exploring], stats, explore: false }));
    expect(c?.rankingPropensity).toBe(c?.propensity);
  });
});
