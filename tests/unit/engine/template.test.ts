import { describe, expect, it } from "vitest";
import { TEMPLATE_FIELDS, renderTemplate, templateErrors } from "@/lib/engine";
import { day, makeCustomer, makeSignals } from "./fixtures";

const customer = makeCustomer({
  name: "Ada King Lovelace",
  company: "Analytical Engines Ltd",
  segment: "SMB",
  birthday: day("1815-12-10"),
  renewalDate: day("2026-12-12"),
  lifetimeValue: 12_400,
});

describe("renderTemplate", () => {
  it("fills customer fields", () => {
    expect(renderTemplate("Hi {{firstName}} {{ lastName }} of {{company}} ({{segment}}), aka {{name}}", customer)).toBe(
      "Hi Ada King Lovelace of Analytical Engines Ltd (SMB), aka Ada King Lovelace",
    );
  });

  it("prefers an explicit first name", () => {
    expect(renderTemplate("Hi {{firstName}}", { ...customer, firstName: "Augusta" })).toBe("Hi Augusta");
  });

  it("formats dates and money", () => {
    expect(renderTemplate("{{renewalDate}} / {{birthday}} / {{lifetimeValue}}", customer)).toBe(
      "December 12, 2026 / December 10 / $12,400",
    );
  });

  it("fills signal fields from the signals", () => {
    const s = makeSignals({ daysUntilBirthday: 3, daysUntilRenewal: 19 });
    expect(renderTemplate("In {{daysUntilBirthday}} days; renewal in {{daysUntilRenewal}}", customer, s)).toBe(
      "In 3 days; renewal in 19",
    );
  });

  it("renders unknown fields and missing values as empty", () => {
    expect(renderTemplate("Hi {{nickname}}!", customer)).toBe("Hi !");
    expect(renderTemplate("At {{company}}", { ...customer, company: null })).toBe("At ");
    expect(renderTemplate("In {{daysUntilBirthday}} days", customer)).toBe("In  days");
  });
});

describe("templateErrors", () => {
  it("accepts every allowed field", () => {
    const all = TEMPLATE_FIELDS.map((f) => `{{${f.name}}}`).join(" ");
    expect(templateErrors(all)).toEqual([]);
    expect(TEMPLATE_FIELDS.map((f) => f.name)).toEqual(
      expect.arrayContaining(["firstName", "name", "company", "segment", "daysUntilBirthday", "daysUntilRenewal", "renewalDate"]),
    );
  });

  it("reports unknown fields by name", () => {
    const errors = templateErrors("Hi {{nickname}}, {{firstName}}");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe("nickname");
    expect(errors[0]?.message).toMatch(/^Unknown field "\{\{nickname\}\}"\. Allowed: firstName, /);
  });

  it("reports empty and unclosed placeholders", () => {
    expect(templateErrors("Hi {{}}")[0]?.message).toBe("Empty placeholder {{}}: put a field name inside");
    expect(templateErrors("Hi {{firstName")[0]?.message).toBe(
      "A placeholder is not closed: write fields as {{firstName}}",
    );
  });
});
