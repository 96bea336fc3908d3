// Comparing two proportions, treated against control. The interval for the
// difference is Newcombe's hybrid score interval (Newcombe 1998, method 10),
// built from the two Wilson score intervals. Unlike the textbook Wald interval
// it stays inside [-1, 1] and keeps close to its nominal 95% coverage with the
// small counts a single team produces in a month. The Wald interval is exported
// too, for comparison and tests.

/** Two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  lower: number;
  upper: number;
}

/** Wilson score interval for x successes out of n (n > 0). */
export function wilson(x: number, n: number, z = Z95): Interval {
  assertCounts(x, n);
  if (n === 0) return { lower: 0, upper: 1 };
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  return { lower: Math.max(0, (centre - half) / denom), upper: Math.min(1, (centre + half) / denom) };
}

/** Wald interval for p1 - p2 (for comparison; too narrow for small samples). */
export function waldDifference(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval & { difference: number } {
  assertTrials(x1, n1);
  assertTrials(x2, n2);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { difference: p1 - p2, lower: p1 - p2 - z * se, upper: p1 - p2 + z * se };
}

/** Newcombe's hybrid score interval for p1 - p2. */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval & { difference: number } {
  assertTrials(x1, n1);
  assertTrials(x2, n2);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  const d = p1 - p2;
  return {
    difference: d,
    lower: d - Math.sqrt((p1 - a.lower) ** 2 + (b.upper - p2) ** 2),
    upper: d + Math.sqrt((a.upper - p1) ** 2 + (p2 - b.lower) ** 2),
  };
}

export type Verdict = "higher" | "lower" | "no-difference" | "too-small" | "no-data";

export interface UpliftResult {
  treated: { conversions: number; n: number; rate: number | null };
  control: { conversions: number; n: number; rate: number | null };
  /** Absolute uplift p_treated - p_control (percentage points / 100), null without data. */
  uplift: number | null;
  ci: Interval | null;
  /** The 95% interval excludes zero. */
  significant: boolean;
  /** Fewer than MIN_GROUP in a group, or fewer than MIN_CELL successes or failures in a cell. */
  smallSample: boolean;
  verdict: Verdict;
  statement: string;
}

/** Below these counts the normal approximation behind any two-proportion interval is not trusted. */
export const MIN_GROUP = 30;
export const MIN_CELL = 5;

/** Treated vs control: absolute uplift, Newcombe 95% interval, significance and a sentence a manager can read. */
export function compareToControl(treatedConversions: number, treatedN: number, controlConversions: number, controlN: number): UpliftResult {
  const treated = { conversions: treatedConversions, n: treatedN, rate: treatedN > 0 ? treatedConversions / treatedN : null };
  const control = { conversions: controlConversions, n: controlN, rate: controlN > 0 ? controlConversions / controlN : null };
  if (treatedN === 0 || controlN === 0) {
    return {
      treated,
      control,
      uplift: null,
      ci: null,
      significant: false,
      smallSample: true,
      verdict: "no-data",
      statement: treatedN === 0 ? "No shown recommendations in this period." : "No control group in this period, so uplift cannot be measured.",
    };
  }
  const r = newcombeDifference(treatedConversions, treatedN, controlConversions, controlN);
  const smallSample =
    treatedN < MIN_GROUP ||
    controlN < MIN_GROUP ||
    Math.min(treatedConversions, treatedN - treatedConversions, controlConversions, controlN - controlConversions) < MIN_CELL;
  const significant = r.lower > 0 || r.upper < 0;
  const pts = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)} pts`;
  const range = `95% CI ${pts(r.lower)} to ${pts(r.upper)}`;
  let verdict: Verdict;
  let statement: string;
  if (smallSample) {
    verdict = "too-small";
    statement = `Too few recommendations to say (treated n=${treatedN}, control n=${controlN}); ${range}.`;
  } else if (significant) {
    verdict = r.difference > 0 ? "higher" : "lower";
    statement = `Converts ${verdict} than control by ${pts(r.difference)} (${range}); statistically significant at the 95% level.`;
  } else {
    verdict = "no-difference";
    statement = `No significant difference from control: ${pts(r.difference)} (${range} includes zero).`;
  }
  return { treated, control, uplift: r.difference, ci: { lower: r.lower, upper: r.upper }, significant, smallSample, verdict, statement };
}

function assertCounts(x: number, n: number) {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 0 || x > n) throw new RangeError(`invalid counts: ${x} of ${n}`);
  if (n === 0 && x !== 0) throw new RangeError("no trials");
}

function assertTrials(x: number, n: number) {
  assertCounts(x, n);
  if (n === 0) throw new RangeError("a difference of proportions needs at least one trial in each group");
}
