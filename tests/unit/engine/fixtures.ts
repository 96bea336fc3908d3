// Small builders shared by the engine tests.
import type { ActionDefinition, EngineCustomer, Signals } from "@/lib/engine";

export const NOW = new Date("2026-11-23T15:30:00Z");

export function day(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

export function daysAgo(n: number, from: Date = NOW): Date {
  return new Date(from.getTime() - n * 86_400_000);
}

export function makeCustomer(overrides: Partial<EngineCustomer> = {}): EngineCustomer {
  return {
    id: "cust-1",
    ownerId: "rep-1",
    name: "Ada Lovelace",
    company: "Analytical Engines Ltd",
    segment: "SMB",
    birthday: null,
    renewalDate: null,
    lifetimeValue: 12_400,
    createdAt: day("2024-01-15"),
    consent: { SERVICE: true, MARKETING: true, PROFILING: true },
    ...overrides,
  };
}

export function makeSignals(overrides: Partial<Signals> = {}): Signals {
  return {
    daysSinceLastContact: 10,
    daysUntilBirthday: null,
    daysUntilRenewal: null,
    daysSinceLastPurchase: 20,
    ordersLast90d: 1,
    spendLast90d: 500,
    lifetimeValue: 12_400,
    openTickets: 0,
    webVisitsLast7d: 0,
    emailClicksLast30d: 0,
    tenureDays: 400,
    segment: "SMB",
    ...overrides,
  };
}

export function makeAction(overrides: Partial<ActionDefinition> = {}): ActionDefinition {
  const key = overrides.key ?? "discount_offer";
  return {
    id: `id-${key}`,
    key,
    name: key,
    category: "GROWTH",
    messageTemplate: "Hi {{firstName}}",
    rule: { signal: "tenureDays", op: "gte", value: 0 },
    businessValue: 100,
    lever: 1,
    cooldownDays: 14,
    expiresAfterDays: 7,
    controlGroupPct: 0,
    prior: { alpha: 2, beta: 8 },
    exploration: false,
    version: 1,
    urgencySignal: null,
    ...overrides,
  };
}
