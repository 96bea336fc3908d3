// Message templates: "Happy birthday, {{firstName}}!" filled from the customer.
import { firstNameOf, type EngineCustomer } from "./features";
import { formatLongDate, formatMoney, formatMonthDay } from "./format";
import type { Signals } from "./signals";

type TemplateCustomer = Pick<
  EngineCustomer,
  "name" | "firstName" | "company" | "segment" | "birthday" | "renewalDate" | "lifetimeValue"
>;

type FieldSpec = {
  description: string;
  render: (c: TemplateCustomer, s: Partial<Signals>) => string;
};

/** Everything after the first word of the full name. */
function lastNameOf(name: string): string {
  return name.trim().split(/\s+/).slice(1).join(" ");
}

const count = (v: number | null | undefined): string => (v === null || v === undefined ? "" : String(v));

const FIELDS = {
  firstName: { description: "First name", render: (c) => firstNameOf(c) },
  lastName: { description: "Last name", render: (c) => lastNameOf(c.name) },
  name: { description: "Full name", render: (c) => c.name },
  company: { description: "Company", render: (c) => c.company ?? "" },
  segment: { description: "Segment", render: (c) => c.segment },
  birthday: { description: "Birthday, e.g. March 4", render: (c) => (c.birthday ? formatMonthDay(c.birthday) : "") },
  renewalDate: {
    description: "Renewal date, e.g. December 12, 2026",
    render: (c) => (c.renewalDate ? formatLongDate(c.renewalDate) : ""),
  },
  lifetimeValue: { description: "Lifetime value, e.g. $12,400", render: (c) => formatMoney(c.lifetimeValue) },
  daysUntilBirthday: { description: "Days until birthday", render: (_c, s) => count(s.daysUntilBirthday) },
  daysUntilRenewal: { description: "Days until renewal", render: (_c, s) => count(s.daysUntilRenewal) },
  daysSinceLastContact: { description: "Days since last contact", render: (_c, s) => count(s.daysSinceLastContact) },
  daysSinceLastPurchase: {
    description: "Days since last purchase",
    render: (_c, s) => count(s.daysSinceLastPurchase),
  },
  openTickets: { description: "Open support tickets", render: (_c, s) => count(s.openTickets) },
} as const satisfies Record<string, FieldSpec>;

export type TemplateField = keyof typeof FIELDS;

/** The fields an admin may use, with a description for the catalogue editor. */
export const TEMPLATE_FIELDS: readonly { name: TemplateField; description: string }[] = Object.keys(FIELDS)
  .filter(isTemplateField)
  .map((name) => ({ name, description: FIELDS[name].description }));

function isTemplateField(name: string): name is TemplateField {
  return Object.hasOwn(FIELDS, name);
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Fills `{{field}}` placeholders. Unknown fields render as an empty string
 * (admins see them flagged by `templateErrors` when they save the template);
 * a signal field renders empty when no signals are given or the value is unknown.
 */
export function renderTemplate(template: string, customer: TemplateCustomer, signals: Partial<Signals> = {}): string {
  return template.replace(PLACEHOLDER, (_m, raw: string) => (isTemplateField(raw) ? FIELDS[raw].render(customer, signals) : ""));
}

export type TemplateError = { field: string | null; message: string };

/** Problems an admin should fix before saving: unknown fields, empty or unclosed placeholders. */
export function templateErrors(template: string): TemplateError[] {
  const errors: TemplateError[] = [];
  const allowed = Object.keys(FIELDS).join(", ");
  for (const match of template.matchAll(PLACEHOLDER)) {
    const raw = match[1] ?? "";
    if (raw === "") errors.push({ field: null, message: "Empty placeholder {{}}: put a field name inside" });
    else if (!isTemplateField(raw)) {
      errors.push({ field: raw, message: `Unknown field "{{${raw}}}". Allowed: ${allowed}` });
    }
  }
  const rest = template.replace(PLACEHOLDER, "");
  if (rest.includes("{{") || rest.includes("}}")) {
    errors.push({ field: null, message: "A placeholder is not closed: write fields as {{firstName}}" });
  }
  return errors;
}
