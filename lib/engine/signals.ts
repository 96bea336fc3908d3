// The signal catalogue: every value an eligibility rule may compare, with the
// label and unit an admin sees when building a rule.

export type SignalType = "number" | "string" | "boolean";

export interface SignalDefinition {
  readonly name: string;
  readonly type: SignalType;
  /** null means "unknown" (no birthday, never purchased); comparisons on null are false. */
  readonly nullable: boolean;
  readonly label: string;
  readonly unit: string | null;
}

export const SIGNALS = [
  { name: "daysSinceLastContact", type: "number", nullable: true, label: "days since last contact", unit: "days" },
  { name: "daysUntilBirthday", type: "number", nullable: true, label: "days until birthday", unit: "days" },
  { name: "daysUntilRenewal", type: "number", nullable: true, label: "days until renewal", unit: "days" },
  { name: "daysSinceLastPurchase", type: "number", nullable: true, label: "days since last purchase", unit: "days" },
  { name: "ordersLast90d", type: "number", nullable: false, label: "orders in the last 90 days", unit: "orders" },
  { name: "spendLast90d", type: "number", nullable: false, label: "spend in the last 90 days", unit: "USD" },
  { name: "lifetimeValue", type: "number", nullable: false, label: "lifetime value", unit: "USD" },
  { name: "openTickets", type: "number", nullable: false, label: "open support tickets", unit: "tickets" },
  { name: "webVisitsLast7d", type: "number", nullable: false, label: "web visits in the last 7 days", unit: "visits" },
  { name: "emailClicksLast30d", type: "number", nullable: false, label: "email clicks in the last 30 days", unit: "clicks" },
  { name: "tenureDays", type: "number", nullable: false, label: "customer for (days)", unit: "days" },
  { name: "segment", type: "string", nullable: false, label: "segment", unit: null },
] as const satisfies readonly SignalDefinition[];

type SignalEntry = (typeof SIGNALS)[number];
export type SignalName = SignalEntry["name"];
export type NumberSignalName = Extract<SignalEntry, { type: "number" }>["name"];
export type StringSignalName = Extract<SignalEntry, { type: "string" }>["name"];
export type NullableSignalName = Extract<SignalEntry, { nullable: true }>["name"];

export const SIGNAL_NAMES: readonly SignalName[] = SIGNALS.map((s) => s.name);

const SIGNAL_BY_NAME: ReadonlyMap<string, SignalEntry> = new Map(SIGNALS.map((s) => [s.name, s]));

/** Looks a signal up by a name that came from outside (rule JSON); undefined if unknown. */
export function findSignal(name: string): SignalEntry | undefined {
  return SIGNAL_BY_NAME.get(name);
}

export function isSignalName(name: string): name is SignalName {
  return SIGNAL_BY_NAME.has(name);
}

export function signalLabel(name: SignalName): string {
  return SIGNAL_BY_NAME.get(name)?.label ?? name;
}

/** The derived signals of one customer at one moment. Day counts are whole UTC days. */
export type Signals = {
  /** null: never contacted (no MEETING, CALL or EMAIL_SENT event). */
  daysSinceLastContact: number | null;
  /** 0 = today; null: birthday unknown. */
  daysUntilBirthday: number | null;
  /** Negative once the renewal date has passed; null: no renewal date. */
  daysUntilRenewal: number | null;
  /** null: never purchased. */
  daysSinceLastPurchase: number | null;
  ordersLast90d: number;
  spendLast90d: number;
  lifetimeValue: number;
  openTickets: number;
  webVisitsLast7d: number;
  emailClicksLast30d: number;
  tenureDays: number;
  segment: string;
};

// Compile-time guard: the Signals type and the catalogue name the same keys
// and agree on which ones are nullable.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const signalsMatchCatalogue: Exact<keyof Signals, SignalName> = true;
const nullablesMatchCatalogue: Exact<
  { [K in keyof Signals]: null extends Signals[K] ? K : never }[keyof Signals],
  NullableSignalName
> = true;
void signalsMatchCatalogue;
void nullablesMatchCatalogue;
