// Customer sentiment about contacts, as statistics (pure): shares of verdicts
// with Wilson intervals, mean CSAT with a Student-t interval, and the rule that
// flags an action whose "intrusive" share is rising.
//
// Definitions:
// - A share (helpful / relevant / intrusive) is counted among responses that
//   gave a verdict (a response gives at most one); responses with only a CSAT
//   do not count towards it.
// - Mean CSAT is over responses that gave a CSAT (1-5); its 95% interval is
//   mean ± t(0.975, n-1) · sd / √n, clipped to [1, 5], for n ≥ 2.
// - The flag: an action is flagged when, among its responses with a verdict,
//   the intrusive share in the last FLAG_WINDOW_DAYS days exceeds the share in
//   the FLAG_WINDOW_DAYS days before by a margin whose 95% Newcombe interval
//   lies above zero, and each window holds at least FLAG_MIN_VERDICTS responses
//   with a verdict. With fewer, even a rise from 10% to 40% is not reliably told
//   apart from chance (tests/unit/metrics/sentiment.test.ts measures it).
import { newcombeDifference, wilson, Z95, type Interval } from "./proportions";

/** Length of each of the two windows the flag compares, in days. */
export const FLAG_WINDOW_DAYS = 28;
/** Responses with a verdict each window needs before the flag may be raised. */
export const FLAG_MIN_VERDICTS = 20;

export interface Share {
  x: number;
  n: number;
  /** x / n, null when n = 0. */
  share: number | null;
  /** Wilson 95% interval, null when n = 0. */
  ci: Interval | null;
}

export function share(x: number, n: number): Share {
  if (n === 0) return { x, n, share: null, ci: null };
  return { x, n, share: x / n, ci: wilson(x, n) };
}

/**
 * Two-sided 97.5% quantile of Student's t with `df` degrees of freedom, by the
 * Cornish-Fisher expansion around the normal quantile (within 0.001 of the
 * exact value for df ≥ 4; df 1 to 3 are tabled).
 */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  if (df === 1) return 12.706204736174698;
  if (df === 2) return 4.302652729749464;
  if (df === 3) return 3.182446305284263;
  const z = Z95;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** 95% interval of a mean CSAT from n responses with sample standard deviation sd; null for n < 2. */
export function csatInterval(n: number, mean: number, sd: number): Interval | null {
  if (n < 2 || !Number.isFinite(mean) || !Number.isFinite(sd)) return null;
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return { lower: Math.max(1, mean - half), upper: Math.min(5, mean + half) };
}

export interface WindowCounts {
  /** Responses with a verdict in the window. */
  verdicts: number;
  /** Of which INTRUSIVE. */
  intrusive: number;
}

export interface IntrusiveFlag {
  flagged: boolean;
  why: "rising" | "too-few" | "not-rising";
  last: Share;
  previous: Share;
  /** last − previous share, null when a window is empty. */
  difference: number | null;
  /** Newcombe 95% interval of the difference, null when a window is empty. */
  ci: Interval | null;
  /** One sentence with the figures. */
  summary: string;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const signed = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v * 100).toFixed(1)}`;

/** The "intrusive share rising" rule on the counts of the last window and the one before it. */
export function intrusiveFlag(last: WindowCounts, previous: WindowCounts): IntrusiveFlag {
  const l = share(last.intrusive, last.verdicts);
  const p = share(previous.intrusive, previous.verdicts);
  const d = `last ${FLAG_WINDOW_DAYS} days`;
  const figures = (s: Share) => (s.share === null ? "no responses" : `${pct(s.share)} (${s.x} of ${s.n})`);
  if (l.n === 0 || p.n === 0) {
    return { flagged: false, why: "too-few", last: l, previous: p, difference: null, ci: null, summary: `Intrusive: ${figures(l)} in the ${d} vs ${figures(p)} in the ${FLAG_WINDOW_DAYS} before; too few responses to compare.` };
  }
  const r = newcombeDifference(l.x, l.n, p.x, p.n);
  const enough = l.n >= FLAG_MIN_VERDICTS && p.n >= FLAG_MIN_VERDICTS;
  const flagged = enough && r.lower > 0;
  const why = !enough ? "too-few" : flagged ? "rising" : "not-rising";
  const base = `Intrusive: ${figures(l)} in the ${d} vs ${figures(p)} in the ${FLAG_WINDOW_DAYS} before: ${signed(r.difference)} pts, 95% CI ${signed(r.lower)} to ${signed(r.upper)}`;
  const tail = why === "rising" ? "." : why === "too-few" ? `; fewer than ${FLAG_MIN_VERDICTS} responses with a verdict in a window, so no flag.` : "; not a significant rise.";
  return { flagged, why, last: l, previous: p, difference: r.difference, ci: { lower: r.lower, upper: r.upper }, summary: base + tail };
}

/** Start instants of the two windows ending at `now`: last = (lastFrom, now], previous = (previousFrom, lastFrom]. */
export function flagWindows(now: Date): { lastFrom: Date; previousFrom: Date } {
  const ms = FLAG_WINDOW_DAYS * 86_400_000;
  return { lastFrom: new Date(now.getTime() - ms), previousFrom: new Date(now.getTime() - 2 * ms) };
}
