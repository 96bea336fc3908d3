// The demo action catalog: the seven action types every fresh install starts
// with. Shared by the seed, tests and the engine's fixtures. Rules are written
// in the engine's eligibility language (lib/engine/rules.ts) and typed by it,
// so the compiler checks every signal, operator and value:
//   { all: [node] } | { any: [node] } | { not: node } | { signal, op, value }
import { inferUrgencySignal, type ActionDefinition, type Rule } from "@/lib/engine";
import type { ActionCategory } from "@/lib/generated/prisma/enums";

export const SEGMENTS = ["SMB", "MID_MARKET", "ENTERPRISE"] as const;
export type Segment = (typeof SEGMENTS)[number];

export type ActionKey =
  | "discount_offer"
  | "book_meeting"
  | "birthday_note"
  | "renewal_checkin"
  | "winback_call"
  | "cross_sell"
  | "support_followup";

export interface CatalogEntry {
  key: ActionKey;
  name: string;
  category: ActionCategory;
  description: string;
  /** Rendered per customer by the engine's `renderTemplate` (`{{firstName}}`, `{{company}}`, ...). */
  messageTemplate: string;
  rule: Rule;
  /** Value of a successful action, in USD. */
  businessValue: number;
  /** The admin's priority lever (multiplies the score). */
  lever: number;
  cooldownDays: number;
  expiresAfterDays: number;
  /** Percent of would-be recommendations held out as the control group. */
  controlGroupPct: number;
  priorAlpha: number;
  priorBeta: number;
  exploration: boolean;
}

export const DEMO_CATALOG: readonly CatalogEntry[] = [
  {
    key: "discount_offer",
    name: "Discount offer",
    category: "OFFER",
    description: "The customer is browsing and clicking: offer a time-limited discount to turn interest into an order.",
    messageTemplate:
      "Hi {{firstName}}, I noticed {{company}} has been looking at a few of our products. I can offer you 10% off an order placed this week. Shall I put a quote together?",
    rule: {
      any: [
        { signal: "webVisitsLast7d", op: "gte", value: 3 },
        { signal: "emailClicksLast30d", op: "gte", value: 2 },
      ],
    },
    businessValue: 250,
    lever: 1,
    cooldownDays: 30,
    expiresAfterDays: 7,
    controlGroupPct: 10,
    priorAlpha: 2,
    priorBeta: 8,
    exploration: true,
  },
  {
    key: "book_meeting",
    name: "Book a meeting",
    category: "MEETING",
    description: "A valuable customer nobody has spoken to in a month: book a review meeting before they drift.",
    messageTemplate:
      "Hi {{firstName}}, it has been a while since we caught up. Could we book 30 minutes to review how things are going at {{company}} and what is coming next?",
    rule: {
      all: [
        { signal: "daysSinceLastContact", op: "gte", value: 30 },
        { signal: "lifetimeValue", op: "gte", value: 5000 },
      ],
    },
    businessValue: 600,
    lever: 1,
    cooldownDays: 21,
    expiresAfterDays: 10,
    controlGroupPct: 10,
    priorAlpha: 3,
    priorBeta: 7,
    exploration: true,
  },
  {
    key: "birthday_note",
    name: "Birthday note",
    category: "RELATIONSHIP",
    description: "The customer's birthday is within a week: send a short personal note.",
    messageTemplate:
      "Happy birthday, {{firstName}}! Wishing you a great day and a great year ahead. Thank you for working with us at {{company}}.",
    rule: { signal: "daysUntilBirthday", op: "between", value: [0, 7] },
    businessValue: 150,
    lever: 1.2,
    cooldownDays: 300,
    expiresAfterDays: 7,
    controlGroupPct: 10,
    priorAlpha: 5,
    priorBeta: 5,
    exploration: true,
  },
  {
    key: "renewal_checkin",
    name: "Renewal check-in",
    category: "RETENTION",
    description: "The contract renews within 60 days: check in early, confirm value and surface risks.",
    messageTemplate:
      "Hi {{firstName}}, your renewal with us is coming up. Before it does, I would like to hear how the last year went for {{company}} and whether anything should change. When suits you?",
    rule: { signal: "daysUntilRenewal", op: "between", value: [0, 60] },
    businessValue: 900,
    lever: 1.3,
    cooldownDays: 21,
    expiresAfterDays: 14,
    controlGroupPct: 10,
    priorAlpha: 4,
    priorBeta: 6,
    exploration: true,
  },
  {
    key: "winback_call",
    name: "Win-back call",
    category: "RETENTION",
    description: "No purchase for three months or more: call to find out why and win the customer back.",
    messageTemplate:
      "Hi {{firstName}}, we have not heard from {{company}} in a while and I wanted to check in. Do you have five minutes this week for a quick call? I would like to hear what would make us useful again.",
    rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 },
    businessValue: 500,
    lever: 1,
    cooldownDays: 45,
    expiresAfterDays: 7,
    controlGroupPct: 10,
    priorAlpha: 2,
    priorBeta: 8,
    exploration: true,
  },
  {
    key: "cross_sell",
    name: "Cross-sell",
    category: "GROWTH",
    description: "A larger customer buying regularly: suggest the complementary product line.",
    messageTemplate:
      "Hi {{firstName}}, since {{company}} has been ordering regularly, I think our premium support and analytics add-on could save your team time. Can I send you a short overview?",
    rule: {
      all: [
        { signal: "ordersLast90d", op: "gte", value: 2 },
        { signal: "segment", op: "in", value: ["MID_MARKET", "ENTERPRISE"] },
      ],
    },
    businessValue: 700,
    lever: 1,
    cooldownDays: 30,
    expiresAfterDays: 10,
    controlGroupPct: 10,
    priorAlpha: 2,
    priorBeta: 8,
    exploration: true,
  },
  {
    key: "support_followup",
    name: "Support follow-up",
    category: "SERVICE",
    description: "The customer has an open support ticket: check in personally so it does not sour the relationship.",
    messageTemplate:
      "Hi {{firstName}}, I saw {{company}} has a support ticket open with us. I wanted to check personally that it is being handled and whether there is anything I can do to speed it up.",
    rule: { signal: "openTickets", op: "gte", value: 1 },
    businessValue: 350,
    lever: 1.1,
    cooldownDays: 7,
    expiresAfterDays: 5,
    controlGroupPct: 5,
    priorAlpha: 4,
    priorBeta: 6,
    exploration: true,
  },
];

export function catalogEntry(key: ActionKey): CatalogEntry {
  const e = DEMO_CATALOG.find((c) => c.key === key);
  if (!e) throw new Error(`Unknown action key ${key}`);
  return e;
}

/** The JSON snapshot stored in ActionTypeVersion for `entry` at `version`. */
export function catalogSnapshot(entry: CatalogEntry, version = 1) {
  return {
    key: entry.key,
    name: entry.name,
    category: entry.category,
    description: entry.description,
    messageTemplate: entry.messageTemplate,
    rule: entry.rule,
    businessValue: entry.businessValue,
    lever: entry.lever,
    cooldownDays: entry.cooldownDays,
    expiresAfterDays: entry.expiresAfterDays,
    controlGroupPct: entry.controlGroupPct,
    priorAlpha: entry.priorAlpha,
    priorBeta: entry.priorBeta,
    exploration: entry.exploration,
    active: true,
    version,
  };
}

/** The demo catalog as the engine's batch loads it (lib/data/decisions.ts loadActionDefinitions), with ids from `idOf`. */
export function catalogDefinitions(idOf: (key: ActionKey) => string): ActionDefinition[] {
  return DEMO_CATALOG.map((e) => ({
    id: idOf(e.key),
    key: e.key,
    name: e.name,
    category: e.category,
    messageTemplate: e.messageTemplate,
    rule: e.rule,
    businessValue: e.businessValue,
    lever: e.lever,
    cooldownDays: e.cooldownDays,
    expiresAfterDays: e.expiresAfterDays,
    controlGroupPct: e.controlGroupPct,
    prior: { alpha: e.priorAlpha, beta: e.priorBeta },
    exploration: e.exploration,
    version: 1,
    urgencySignal: inferUrgencySignal(e.rule),
  }));
}
