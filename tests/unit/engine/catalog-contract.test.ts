import { describe, expect, it } from "vitest";
import { DEMO_CATALOG } from "@/tooling/seed/catalog";
import { inferUrgencySignal, parseRule, templateErrors } from "@/lib/engine";

describe("the demo catalog speaks the engine's languages", () => {
  it.each(DEMO_CATALOG.map((e) => [e.key, e] as const))("%s has a valid rule and template", (_key, entry) => {
    expect(parseRule(entry.rule)).toEqual({ ok: true, rule: entry.rule });
    expect(templateErrors(entry.messageTemplate)).toEqual([]);
  });

  it("infers the urgency signal of the time-bound actions", () => {
    const urgency = Object.fromEntries(
      DEMO_CATALOG.map((e) => {
        const parsed = parseRule(e.rule);
        return [e.key, parsed.ok ? inferUrgencySignal(parsed.rule) : "invalid"];
      }),
    );
    expect(urgency).toMatchObject({
      birthday_note: "daysUntilBirthday",
      renewal_checkin: "daysUntilRenewal",
      book_meeting: "daysSinceLastContact",
      winback_call: "daysSinceLastPurchase",
      support_followup: "openTickets",
      discount_offer: null,
    });
  });
});
