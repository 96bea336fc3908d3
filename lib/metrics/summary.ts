// Small descriptive statistics, pure. Empty inputs give null (never NaN), so a
// page can say "no data" instead of printing "NaN%".

/** num / den, or null when the denominator is zero. */
export function rate(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

/**
 * The p-th percentile (0..1) by linear interpolation between closest ranks
 * (Hyndman & Fan type 7: numpy's default, Excel PERCENTILE.INC and Postgres
 * percentile_cont), so figures match the database's own percentile_cont.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: p must be in [0, 1], got ${p}`);
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const h = (xs.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = xs[lo] as number;
  const b = xs[hi] as number;
  return a + (h - lo) * (b - a);
}

/** The median: the middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** Rounds to `digits` decimals (half away from zero), for stable CSV and table output. */
export function round(n: number, digits = 4): number {
  const f = 10 ** digits;
  return (Math.sign(n) * Math.round(Math.abs(n) * f)) / f;
}
