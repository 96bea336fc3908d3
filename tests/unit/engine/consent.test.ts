import { describe, expect, it } from "vitest";
import { ACTION_CATEGORIES, consentBlock } from "@/lib/engine";
import { makeCustomer } from "./fixtures";

describe("consent", () => {
  it("blocks every category for do-not-contact customers", () => {
    const c = makeCustomer({ doNotContact: true });
    for (const category of ACTION_CATEGORIES) {
      expect(consentBlock(c, category)).toEqual({ code: "DO_NOT_CONTACT", text: "Customer asked not to be contacted" });
    }
  });

  it("suppresses offers for marketing opt-outs", () => {
    expect(consentBlock(makeCustomer({ marketingOptOut: true }), "OFFER")).toEqual({
      code: "MARKETING_OPT_OUT",
      text: "Customer opted out of marketing offers",
    });
  });

  it("still allows non-offer actions for marketing opt-outs", () => {
    const c = makeCustomer({ marketingOptOut: true });
    for (const category of ACTION_CATEGORIES.filter((x) => x !== "OFFER")) {
      expect(consentBlock(c, category)).toBeNull();
    }
  });

  it("allows everything for customers without flags", () => {
    for (const category of ACTION_CATEGORIES) expect(consentBlock(makeCustomer(), category)).toBeNull();
  });
});
