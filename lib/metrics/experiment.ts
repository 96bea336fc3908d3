// Treated against control, for the "does it sell?" dashboards: the difference
// of two conversion rates (Newcombe interval, pooled z-test) or of two means
// (Welch), the minimum detectable effect and days to detect it at the current
// accrual, and the sample ratio mismatch check. Definitions are written out in
// the notes (readme-stats.md); the distribution helpers at the bottom are
// hand-written (each a few lines of a textbook algorithm) and tested against
// published values.
import { z } from "zod";
import { MIN_CELL, MIN_GROUP, newcombeDifference, type Interval } from "./proportions";

export type { Interval } from "./proportions";
export { Z95 } from "./proportions";

/** Per unit (customer): sum of values and sum of squared values. For a proportion, sum = sumSq = successes. */
export interface ArmCounts {
  n: number;
  sum: number;
  sumSq: number;
}
export type MetricKind = "proportion" | "mean";

export interface SrmResult {
  expectedControlShare: number;
  observedControlShare: number;
  chiSquare: number;
  pValue: number;
  /** pValue < SRM_ALPHA (0.001), as GrowthBook flags it. */
  flagged: boolean;
  statement: string;
}

export interface Comparison {
  kind: MetricKind;
  /** Rate (proportion) or mean. */
  treated: { n: number; value: number | null };
  control: { n: number; value: number | null };
  /** treated − control, absolute. */
  difference: number | null;
  /** difference / control value; null when the control value is 0 or null. */
  relative: number | null;
  /** 95% two-sided for the difference: Newcombe hybrid score (proportions), Welch t (means). */
  ci: Interval | null;
  /** Two-sided: pooled two-proportion z-test; Welch t-test for means. */
  pValue: number | null;
  /** Minimum detectable absolute difference at 80% power, alpha 0.05 two-sided, at the current n of each arm. */
  mde: number | null;
  /** Days from now until the MDE shrinks to |observed difference| at the current accrual; 0 if already; null without effect or accrual. */
  daysToDetect: number | null;
  smallSample: boolean;
  verdict: "higher" | "lower" | "no-difference" | "too-small" | "no-data";
  statement: string;
  srm: SrmResult | null;
}

export const ALPHA = 0.05;
export const POWER = 0.8;
/** GrowthBook's threshold for a sample ratio mismatch. */
export const SRM_ALPHA = 0.001;

// ------------------------------------------------------------------ inputs

const count = z.number().int().nonnegative();
const share = z.number().gt(0).lt(1);
/** Days the arms have been accruing; 0 or absent: no accrual rate, so no days to detect. */
const accrual = z.number().nonnegative().finite().optional();
const proportionInput = z
  .object({
    treated: z.object({ x: count, n: count }),
    control: z.object({ x: count, n: count }),
    accrualDays: accrual,
    expectedControlShare: share.optional(),
  })
  .refine((i) => i.treated.x <= i.treated.n && i.control.x <= i.control.n, "successes cannot exceed n");
const armCounts = z.object({ n: count, sum: z.number().finite(), sumSq: z.number().nonnegative().finite() });
const meanInput = z.object({ treated: armCounts, control: armCounts, accrualDays: accrual, expectedControlShare: share.optional() });

// ------------------------------------------------------------------ SRM

/**
 * Sample ratio mismatch: chi-square goodness of fit of the observed control
 * and treated counts against the expected control share (1 df).
 */
export function sampleRatioMismatch(treatedN: number, controlN: number, expectedControlShare: number): SrmResult {
  count.parse(treatedN);
  count.parse(controlN);
  share.parse(expectedControlShare);
  const total = treatedN + controlN;
  const expectedControl = total * expectedControlShare;
  const expectedTreated = total - expectedControl;
  const chiSquare =
    total === 0 ? 0 : (controlN - expectedControl) ** 2 / expectedControl + (treatedN - expectedTreated) ** 2 / expectedTreated;
  const pValue = chiSquare1Survival(chiSquare);
  const observedControlShare = total === 0 ? 0 : controlN / total;
  const flagged = pValue < SRM_ALPHA;
  const split = `control is ${pct(observedControlShare)} of ${total.toLocaleString("en-US")} customers, ${pct(expectedControlShare)} expected`;
  const statement = flagged
    ? `Sample ratio mismatch: ${split} (p ${formatP(pValue)}). The split is not working as designed, so do not trust this comparison until it is explained.`
    : `Split as expected: ${split} (p ${formatP(pValue)}).`;
  return { expectedControlShare, observedControlShare, chiSquare, pValue, flagged, statement };
}

// ------------------------------------------------------------------ MDE

/**
 * Minimum detectable absolute difference at 80% power, two-sided alpha 0.05:
 * (z_0.975 + z_0.80) · σ · √(1/nT + 1/nC), with σ² = p(1 − p) at the baseline
 * rate p for a proportion and σ = the baseline standard deviation for a mean.
 * Null when an arm is empty or the baseline has no variation.
 */
export function minimumDetectableEffect(i: { kind: MetricKind; baseline: number; treatedN: number; controlN: number }): number | null {
  const { kind, baseline, treatedN, controlN } = z
    .object({ kind: z.enum(["proportion", "mean"]), baseline: z.number().finite(), treatedN: count, controlN: count })
    .parse(i);
  if (treatedN === 0 || controlN === 0) return null;
  const sd = kind === "proportion" ? (baseline > 0 && baseline < 1 ? Math.sqrt(baseline * (1 - baseline)) : 0) : baseline;
  if (!(sd > 0)) return null;
  return (normalQuantile(1 - ALPHA / 2) + normalQuantile(POWER)) * sd * Math.sqrt(1 / treatedN + 1 / controlN);
}

/**
 * If both arms keep growing at their rate so far (n / accrualDays), the MDE
 * after t more days is mde · √(D / (D + t)); solving mde(t) = |difference|
 * gives t = D · ((mde / |difference|)² − 1), rounded up to whole days.
 */
function daysToDetect(mde: number | null, difference: number | null, accrualDays: number | undefined): number | null {
  if (mde === null || difference === null || difference === 0 || !accrualDays) return null;
  const d = Math.abs(difference);
  if (d >= mde) return 0;
  return Math.ceil(accrualDays * ((mde / d) ** 2 - 1));
}

// ------------------------------------------------------------------ comparisons

/** Difference of two conversion rates, treated − control. */
export function compareProportions(i: {
  treated: { x: number; n: number };
  control: { x: number; n: number };
  accrualDays?: number;
  expectedControlShare?: number;
  /** What the proportion measures, in lower case ("retention", "churn"), for the statement; without it, conversion's wording. */
  outcome?: string;
}): Comparison {
  const { treated, control, accrualDays, expectedControlShare } = proportionInput.parse(i);
  const srm = expectedControlShare === undefined ? null : sampleRatioMismatch(treated.n, control.n, expectedControlShare);
  const t = { n: treated.n, value: treated.n > 0 ? treated.x / treated.n : null };
  const c = { n: control.n, value: control.n > 0 ? control.x / control.n : null };
  if (t.value === null || c.value === null) return noData("proportion", t, c, srm);

  const r = newcombeDifference(treated.x, treated.n, control.x, control.n);
  const pooled = (treated.x + control.x) / (treated.n + control.n);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / treated.n + 1 / control.n));
  const pValue = se0 > 0 ? 2 * normalCdf(-Math.abs(r.difference) / se0) : 1;
  const mde = minimumDetectableEffect({ kind: "proportion", baseline: pooled, treatedN: treated.n, controlN: control.n });
  const smallSample =
    treated.n < MIN_GROUP ||
    control.n < MIN_GROUP ||
    Math.min(treated.x, treated.n - treated.x, control.x, control.n - control.x) < MIN_CELL;
  return finish({
    kind: "proportion",
    treated: t,
    control: c,
    difference: r.difference,
    ci: { lower: r.lower, upper: r.upper },
    pValue,
    mde,
    daysToDetect: daysToDetect(mde, r.difference, accrualDays),
    smallSample,
    srm,
    outcome: i.outcome,
  });
}

/** Difference of two means per customer (e.g. revenue), treated − control, by Welch's t. */
export function compareMeans(i: { treated: ArmCounts; control: ArmCounts; accrualDays?: number; expectedControlShare?: number }): Comparison {
  const { treated, control, accrualDays, expectedControlShare } = meanInput.parse(i);
  const srm = expectedControlShare === undefined ? null : sampleRatioMismatch(treated.n, control.n, expectedControlShare);
  const t = { n: treated.n, value: treated.n > 0 ? treated.sum / treated.n : null };
  const c = { n: control.n, value: control.n > 0 ? control.sum / control.n : null };
  if (t.value === null || c.value === null) return noData("mean", t, c, srm);
  const difference = t.value - c.value;
  const smallSample = treated.n < MIN_GROUP || control.n < MIN_GROUP;
  if (treated.n < 2 || control.n < 2) {
    // No variance without two units in each arm: a difference, nothing more.
    return finish({ kind: "mean", treated: t, control: c, difference, ci: null, pValue: null, mde: null, daysToDetect: null, smallSample, srm });
  }
  const vT = sampleVariance(treated);
  const vC = sampleVariance(control);
  const w = welch(difference, vT / treated.n, vC / control.n, treated.n - 1, control.n - 1);
  const pooledSd = Math.sqrt(((treated.n - 1) * vT + (control.n - 1) * vC) / (treated.n + control.n - 2));
  const mde = minimumDetectableEffect({ kind: "mean", baseline: pooledSd, treatedN: treated.n, controlN: control.n });
  return finish({
    kind: "mean",
    treated: t,
    control: c,
    difference,
    ci: w.ci,
    pValue: w.pValue,
    mde,
    daysToDetect: daysToDetect(mde, difference, accrualDays),
    smallSample,
    srm,
  });
}

function sampleVariance(a: ArmCounts): number {
  const mean = a.sum / a.n;
  return Math.max(0, (a.sumSq - a.n * mean * mean) / (a.n - 1));
}

/** Welch's t: se² = vT/nT + vC/nC, Welch–Satterthwaite degrees of freedom. */
function welch(difference: number, qT: number, qC: number, dfT: number, dfC: number): { ci: Interval; pValue: number; df: number } {
  const se2 = qT + qC;
  if (se2 === 0) {
    // No variation in either arm: the difference is exact.
    return { ci: { lower: difference, upper: difference }, pValue: difference === 0 ? 1 : 0, df: Infinity };
  }
  const df = (se2 * se2) / ((qT * qT) / dfT + (qC * qC) / dfC);
  const se = Math.sqrt(se2);
  const q = studentTQuantile(1 - ALPHA / 2, df);
  return {
    ci: { lower: difference - q * se, upper: difference + q * se },
    pValue: 2 * studentTCdf(-Math.abs(difference) / se, df),
    df,
  };
}

/** Admin guidance: what a global holdout of `pct` % of `customers` can detect on a baseline conversion rate over one draw. */
export function holdoutGuidance(i: { customers: number; pct: number; baselineRate: number }): {
  holdoutN: number;
  treatedN: number;
  mde: number;
  relativeMde: number | null;
  statement: string;
} {
  const { customers, pct: holdoutPct, baselineRate } = z
    .object({ customers: count, pct: z.number().min(0).max(100), baselineRate: share })
    .parse(i);
  const holdoutN = Math.round((customers * holdoutPct) / 100);
  const treatedN = customers - holdoutN;
  // Infinity: with an empty arm no difference at all can be detected.
  const mde = minimumDetectableEffect({ kind: "proportion", baseline: baselineRate, treatedN, controlN: holdoutN }) ?? Infinity;
  const relativeMde = Number.isFinite(mde) ? mde / baselineRate : null;
  const who = `A ${holdoutPct}% holdout of ${customers.toLocaleString("en-US")} customers (${holdoutN.toLocaleString("en-US")} held out, ${treatedN.toLocaleString("en-US")} treated)`;
  const statement = !Number.isFinite(mde)
    ? `${who} leaves one group empty, so it cannot measure anything.`
    : mde >= 1 - baselineRate
      ? `${who} is too small to detect any realistic change on a ${pct(baselineRate)} conversion rate.`
      : `${who} can detect a change of ${points(mde)} points or more on a ${pct(baselineRate)} conversion rate (${Math.round((relativeMde ?? 0) * 100)}% relative), with 80% power at the 5% significance level.`;
  return { holdoutN, treatedN, mde, relativeMde, statement };
}

// ------------------------------------------------------------------ verdict and sentence

type Parts = Omit<Comparison, "relative" | "verdict" | "statement">;

function noData(kind: MetricKind, t: Comparison["treated"], c: Comparison["control"], srm: SrmResult | null): Comparison {
  const statement = t.n === 0 ? "No treated customers in this period." : "No control customers in this period, so the difference cannot be measured.";
  return {
    kind,
    treated: t,
    control: c,
    difference: null,
    relative: null,
    ci: null,
    pValue: null,
    mde: null,
    daysToDetect: null,
    smallSample: true,
    verdict: "no-data",
    statement: withSrm(statement, srm),
    srm,
  };
}

/** The verdict follows the interval: higher/lower when the 95% CI excludes zero. */
function finish({ outcome, ...p }: Parts & { outcome?: string }): Comparison {
  const relative = p.difference !== null && p.control.value ? p.difference / p.control.value : null;
  const significant = p.ci !== null && (p.ci.lower > 0 || p.ci.upper < 0);
  const verdict: Comparison["verdict"] = p.smallSample ? "too-small" : significant ? (p.difference! > 0 ? "higher" : "lower") : "no-difference";
  const d = p.difference!;
  const fmt = p.kind === "proportion" ? points : amount;
  const unit = p.kind === "proportion" ? " points" : "";
  const what =
    p.kind !== "proportion"
      ? `Treated customers averaged ${fmt(Math.abs(d))} ${d >= 0 ? "more" : "less"} than control`
      : outcome
        ? `Treated customers' ${outcome} was ${fmt(Math.abs(d))}${unit} ${d >= 0 ? "higher" : "lower"} than control's`
        : `Treated customers converted ${fmt(Math.abs(d))}${unit} ${d >= 0 ? "more" : "less"} than control`;
  const ci = p.ci ? ` (95% CI ${fmt(p.ci.lower)} to ${fmt(p.ci.upper)})` : "";
  const pv = p.pValue === null ? "" : `; p ${formatP(p.pValue)}`;
  let statement = `${what}${ci}${pv}.`;
  if (verdict === "too-small") statement = `Too few customers to say (treated n=${p.treated.n}, control n=${p.control.n}). ${statement}`;
  else if (verdict === "no-difference") statement += " Not a clear difference.";
  return { ...p, relative, verdict, statement: withSrm(statement, p.srm) };
}

function withSrm(statement: string, srm: SrmResult | null): string {
  return srm?.flagged ? `${statement} Warning: ${srm.statement}` : statement;
}

function points(v: number): string {
  return (v * 100).toFixed(1);
}
function amount(v: number): string {
  return v.toFixed(2);
}
function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
/** "= 0.01", "= 0.004", "< 0.001". */
export function formatP(p: number): string {
  if (p < 0.001) return "< 0.001";
  if (p < 0.01) return `= ${p.toFixed(3)}`;
  return `= ${p.toFixed(2)}`;
}

// ------------------------------------------------------------------ distributions

/**
 * Standard normal CDF, Φ(x): Hart's double-precision rational approximation
 * (algorithm 5666) as given by West (2005), "Better approximations to
 * cumulative normal functions", Wilmott; absolute error about 1e-15. The tail
 * is computed directly, so Φ(−8) keeps its relative precision.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let tail: number;
  if (a > 37) tail = 0;
  else {
    const e = Math.exp((-a * a) / 2);
    if (a < 7.07106781186547) {
      let n = 3.52624965998911e-2 * a + 0.700383064443688;
      n = n * a + 6.37396220353165;
      n = n * a + 33.912866078383;
      n = n * a + 112.079291497871;
      n = n * a + 221.213596169931;
      n = n * a + 220.206867912376;
      let d = 8.83883476483184e-2 * a + 1.75566716318264;
      d = d * a + 16.064177579207;
      d = d * a + 86.7807322029461;
      d = d * a + 296.564248779674;
      d = d * a + 637.333633378831;
      d = d * a + 793.826512519948;
      d = d * a + 440.413735824752;
      tail = (e * n) / d;
    } else {
      let b = a + 0.65;
      b = a + 4 / b;
      b = a + 3 / b;
      b = a + 2 / b;
      b = a + 1 / b;
      tail = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/**
 * Standard normal quantile, Φ⁻¹(p): Acklam's rational approximation (relative
 * error 1.15e-9) refined by one Halley step on normalCdf, to full precision.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    if (p > 1 - low) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  // One Halley step: e = Φ(x) − p, u = e / φ(x).
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** P(X > x) for a chi-square with 1 degree of freedom: 2 Φ(−√x). */
export function chiSquare1Survival(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return 2 * normalCdf(-Math.sqrt(x));
}

/** ln Γ(x) for x > 0, Lanczos (g = 7, 9 terms); relative error about 1e-15. */
export function lnGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const y = x - 1;
  let s = g[0]!;
  for (let k = 1; k < 9; k++) s += g[k]! / (y + k);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Regularised incomplete beta I_x(a, b), by the continued fraction (Numerical Recipes §6.4, modified Lentz). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Student t CDF with df > 0 (not necessarily whole): P(T ≤ t) = 1 − ½ I_{df/(df+t²)}(df/2, ½) for t > 0. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(df) || df > 1e7) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Student t quantile: the t with studentTCdf(t, df) = p, by bisection to machine precision. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (!Number.isFinite(df) || df > 1e7) return normalQuantile(p);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
  }
  for (let k = 0; k < 200 && hi - lo > 1e-13 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
