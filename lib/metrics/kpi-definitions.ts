// The business KPIs behind "does it sell?": what each figure counts, in words
// the dashboards show verbatim. Pure: lib/data/kpis.ts computes them in SQL
// exactly as written here, and lib/metrics/experiment.ts compares the arms.
//
// Two comparisons use these definitions:
// - Program (global holdout): the unit is a customer in one holdout draw
//   (HoldoutAssignment), treated or held out. Outcomes are counted in the
//   unit's window [max(from, draw start), min(to, draw end, now)). A customer
//   without an assignment row for a draw is not counted for it.
// - Per action (the action's own control group): the unit is a recommendation
//   generated in the date range, shown against control (intention to treat:
//   every shown one, acted on or not). Outcomes are counted in
//   (createdAt, createdAt + ATTRIBUTION_WINDOW_DAYS], and only windows that
//   have closed by `now` are compared.
// "The window" below is the unit's window; "before the window" means before
// its start (the draw window's start, or the recommendation's createdAt).
import { ATTRIBUTION_WINDOW_DAYS } from "@/lib/domain/vocabulary";

export const KPI_KEYS = ["conversion", "orderValue", "purchaseFrequency", "revenuePerCustomer", "lifetimeValue", "retention", "churn", "crossSell", "upSell", "emailClicks", "webVisits"] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

/** Retention and churn look this far back for an earlier purchase. */
export const RETENTION_LOOKBACK_DAYS = 180;

export interface KpiDefinition {
  key: KpiKey;
  label: string;
  /** proportion: each unit is 0 or 1 (sum = sumSq = successes); mean: each unit has a value. */
  kind: "proportion" | "mean";
  unit: "percent" | "currency" | "count";
  higherIsBetter: boolean;
  /** What one observation is. */
  unitOfAnalysis: string;
  definition: string;
}

const UNIT = "customer × holdout draw (program); recommendation (per action)";
const W = ATTRIBUTION_WINDOW_DAYS;
const L = RETENTION_LOOKBACK_DAYS;

export const KPIS: Record<KpiKey, KpiDefinition> = {
  conversion: {
    key: "conversion",
    label: "Conversion",
    kind: "proportion",
    unit: "percent",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition: `Share of units with at least one PURCHASE event in the window. Program: the window is the part of the date range the holdout draw covers, up to now. Per action: the ${W} days after the recommendation was created; the same figure as the conversion dashboard's treated vs control.`,
  },
  orderValue: {
    key: "orderValue",
    label: "Order value",
    kind: "mean",
    unit: "currency",
    higherIsBetter: true,
    unitOfAnalysis: `${UNIT}, buyers only`,
    definition:
      "Among units with at least one purchase in the window: the mean, over those units, of each unit's average purchase amount in the window (purchases without an amount are left out). Averaging per customer rather than per purchase keeps units independent, so the interval is honest; it compares buyers only, and if the program changes who buys, this figure shifts for that reason too.",
  },
  purchaseFrequency: {
    key: "purchaseFrequency",
    label: "Purchases per customer",
    kind: "mean",
    unit: "count",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition: "Number of PURCHASE events in the window per unit, units without a purchase counting as 0.",
  },
  revenuePerCustomer: {
    key: "revenuePerCustomer",
    label: "Revenue per customer",
    kind: "mean",
    unit: "currency",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition: "Sum of purchase amounts in the window per unit, units without a purchase counting as 0.",
  },
  lifetimeValue: {
    key: "lifetimeValue",
    label: "Lifetime value (recorded)",
    kind: "mean",
    unit: "currency",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition:
      "Sum of every recorded purchase amount of the customer up to the end of the window (all history before the window plus the window itself), per unit. No projection and not the CRM's lifetimeValue field, which is not dated. Purchases before the window cannot have been changed by the program, so the expected difference between arms equals that of revenue per customer, with more noise; it shows the size of the effect against the customer's whole value.",
  },
  retention: {
    key: "retention",
    label: "Retention",
    kind: "proportion",
    unit: "percent",
    higherIsBetter: true,
    unitOfAnalysis: `${UNIT}, previous buyers only`,
    definition: `Among units whose customer made a purchase in the ${L} days before the window: the share who purchased again in the window.`,
  },
  churn: {
    key: "churn",
    label: "Churn",
    kind: "proportion",
    unit: "percent",
    higherIsBetter: false,
    unitOfAnalysis: `${UNIT}, previous buyers only`,
    definition: `Among units whose customer made a purchase in the ${L} days before the window: the share with no purchase in the window (1 − retention). A customer is churned for a unit when they bought in those ${L} days and not in the window.`,
  },
  crossSell: {
    key: "crossSell",
    label: "Cross-sell",
    kind: "proportion",
    unit: "percent",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition:
      "Share of units with at least one cross-sell purchase in the window: a purchase of a product line the customer had never bought before, by a customer who had bought before (judged by the database when the purchase is recorded, against the customer's earlier purchases by occurredAt; a first purchase never counts, nor does one without a product line).",
  },
  upSell: {
    key: "upSell",
    label: "Up-sell",
    kind: "proportion",
    unit: "percent",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition:
      "Share of units with at least one up-sell purchase in the window: a purchase larger than every earlier purchase of the customer (judged by the database when it is recorded, against earlier purchases by occurredAt; a first purchase never counts).",
  },
  emailClicks: {
    key: "emailClicks",
    label: "Email clicks per customer",
    kind: "mean",
    unit: "count",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition: "Number of EMAIL_CLICK events in the window per unit, 0 when none.",
  },
  webVisits: {
    key: "webVisits",
    label: "Web visits per customer",
    kind: "mean",
    unit: "count",
    higherIsBetter: true,
    unitOfAnalysis: UNIT,
    definition: "Number of WEB_VISIT events in the window per unit, 0 when none.",
  },
};

export function isKpiKey(value: string): value is KpiKey {
  return (KPI_KEYS as readonly string[]).includes(value);
}
