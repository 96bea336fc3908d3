// Uplift simulation: do the 95% intervals of compareProportions and
// compareMeans contain the true difference 95% of the time, on populations
// split exactly as production splits them (global holdout by inGlobalHoldout,
// per-action control by isControl) and with outcomes from known rates?
import { inGlobalHoldout, isControl } from "@/lib/engine/holdout";
import { compareMeans, compareProportions, Z95, type ArmCounts } from "../experiment";
import { logNormal, pickWeighted, randomId, seededRng, tally, type Tally } from "./random";

export type SimAction = {
  key: string;
  /** Share of customers for whom this is the best action. */
  weight: number;
  /** Conversion rate without the suggestion. */
  controlRate: number;
  /** True absolute uplift when the suggestion is shown. */
  uplift: number;
  /** The action's own control group, % (isControl). */
  controlPct: number;
};

export const DEFAULT_ACTIONS: readonly SimAction[] = [
  { key: "birthday-note", weight: 0.25, controlRate: 0.04, uplift: 0, controlPct: 10 },
  { key: "renewal-call", weight: 0.25, controlRate: 0.12, uplift: 0.03, controlPct: 10 },
  { key: "win-back", weight: 0.2, controlRate: 0.06, uplift: 0.02, controlPct: 15 },
  { key: "cross-sell", weight: 0.2, controlRate: 0.08, uplift: 0.05, controlPct: 20 },
  { key: "upsell", weight: 0.1, controlRate: 0.1, uplift: 0.01, controlPct: 25 },
];

export type UpliftSimOptions = {
  replicates: number;
  customers?: number;
  /** Global holdout, %. */
  holdoutPct?: number;
  actions?: readonly SimAction[];
  /** Order value of a conversion: log-normal(mu, sigma). */
  orderValue?: { mu: number; sigma: number };
  seed?: string;
};


export type UpliftSimResult = {
  replicates: number;
  customers: number;
  truth: { program: number; programRevenue: number; perAction: Record<string, number> };
  program: Tally;
  programRevenue: Tally;
  perAction: Record<string, Tally>;
  /** All actions pooled. */
  perActionPooled: Tally;
  /** Share of replicates with p < 0.05 for the actions whose true uplift is 0 (nominal 5%). */
  nullRejections: Tally;
  /** Replicates whose program split (expected holdoutPct) was flagged as a sample ratio mismatch (nominal 0.1%). */
  srmFlags: Tally;
  /** A sharper check than coverage: the spread of the program estimates against the spread the intervals claim. */
  programSpread: Spread;
  programRevenueSpread: Spread;
};

/** bias = mean(estimate − truth); empiricalSd = sd of the estimates; claimedSd = mean (upper − lower) / (2 · 1.96). Calibrated: claimedSd ≈ empiricalSd. */
export type Spread = { bias: number; empiricalSd: number; claimedSd: number };

const PERIOD = "2026-W49";

/** Per replicate: fresh customer ids and a fresh holdout salt; outcomes from the known rates. */
export function simulateUplift(o: UpliftSimOptions): UpliftSimResult {
  const customers = o.customers ?? 20_000;
  const holdoutPct = o.holdoutPct ?? 10;
  const actions = o.actions ?? DEFAULT_ACTIONS;
  const { mu, sigma } = o.orderValue ?? { mu: 4, sigma: 0.75 };
  const meanOrder = Math.exp(mu + (sigma * sigma) / 2);
  const totalWeight = actions.reduce((s, a) => s + a.weight, 0);
  // Treated customers see their action unless it is in the action's own control group.
  const programTruth = actions.reduce((s, a) => s + (a.weight / totalWeight) * (1 - a.controlPct / 100) * a.uplift, 0);
  const truth = {
    program: programTruth,
    programRevenue: programTruth * meanOrder,
    perAction: Object.fromEntries(actions.map((a) => [a.key, a.uplift])),
  };
  const cover = (): Tally => ({ hits: 0, total: 0 });
  const result: UpliftSimResult = {
    replicates: o.replicates,
    customers,
    truth,
    program: cover(),
    programRevenue: cover(),
    perAction: Object.fromEntries(actions.map((a) => [a.key, cover()])),
    perActionPooled: cover(),
    nullRejections: cover(),
    srmFlags: cover(),
    programSpread: { bias: NaN, empiricalSd: NaN, claimedSd: NaN },
    programRevenueSpread: { bias: NaN, empiricalSd: NaN, claimedSd: NaN },
  };
  const weights = actions.map((a) => a.weight);
  const spread = { program: new SpreadSum(), revenue: new SpreadSum() };

  for (let r = 0; r < o.replicates; r++) {
    const rng = seededRng(`${o.seed ?? "uplift"}|${r}`);
    const salt = randomId(rng, "salt-");
    const treated = newArm();
    const held = newArm();
    const shown = actions.map(newArm);
    const actionControl = actions.map(newArm);
    for (let i = 0; i < customers; i++) {
      const id = randomId(rng, "c-");
      const k = pickWeighted(rng, weights);
      const a = actions[k]!;
      const global = inGlobalHoldout(id, salt, holdoutPct);
      const perActionControl = !global && isControl(id, a.key, PERIOD, a.controlPct);
      const rate = global || perActionControl ? a.controlRate : a.controlRate + a.uplift;
      const converted = rng() < rate;
      const revenue = converted ? logNormal(rng, mu, sigma) : 0;
      addOutcome(global ? held : treated, converted, revenue);
      if (!global) addOutcome(perActionControl ? actionControl[k]! : shown[k]!, converted, revenue);
    }

    const program = compareProportions({ treated, control: held, expectedControlShare: holdoutPct / 100 });
    tally(result.program, contains(program.ci, truth.program));
    spread.program.add(program.difference, program.ci, truth.program);
    tally(result.srmFlags, program.srm?.flagged ?? false);
    const revenue = compareMeans({ treated: counts(treated), control: counts(held) });
    tally(result.programRevenue, contains(revenue.ci, truth.programRevenue));
    spread.revenue.add(revenue.difference, revenue.ci, truth.programRevenue);
    actions.forEach((a, k) => {
      const c = compareProportions({ treated: shown[k]!, control: actionControl[k]! });
      const hit = contains(c.ci, a.uplift);
      tally(result.perAction[a.key]!, hit);
      tally(result.perActionPooled, hit);
      if (a.uplift === 0 && c.pValue !== null) tally(result.nullRejections, c.pValue < 0.05);
    });
  }
  result.programSpread = spread.program.result();
  result.programRevenueSpread = spread.revenue.result();
  return result;
}

class SpreadSum {
  private n = 0;
  private err = 0;
  private err2 = 0;
  private claimed = 0;
  add(estimate: number | null, ci: { lower: number; upper: number } | null, truth: number) {
    if (estimate === null || ci === null) return;
    this.n++;
    this.err += estimate - truth;
    this.err2 += (estimate - truth) ** 2;
    this.claimed += (ci.upper - ci.lower) / (2 * Z95);
  }
  result(): Spread {
    const bias = this.err / this.n;
    return { bias, empiricalSd: Math.sqrt((this.err2 - this.n * bias * bias) / (this.n - 1)), claimedSd: this.claimed / this.n };
  }
}

type Arm = { n: number; x: number; sum: number; sumSq: number };
function newArm(): Arm {
  return { n: 0, x: 0, sum: 0, sumSq: 0 };
}
function addOutcome(g: Arm, converted: boolean, revenue: number) {
  g.n++;
  if (converted) g.x++;
  g.sum += revenue;
  g.sumSq += revenue * revenue;
}

function counts(g: { n: number; sum: number; sumSq: number }): ArmCounts {
  return { n: g.n, sum: g.sum, sumSq: g.sumSq };
}

export function contains(ci: { lower: number; upper: number } | null, value: number): boolean {
  return ci !== null && ci.lower <= value && value <= ci.upper;
}
