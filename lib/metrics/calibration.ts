// Calibration: does a predicted propensity of 30% mean that 30% accept? The
// recommendations are split into ten equal-count groups by predicted
// propensity (deciles, exactly as Postgres NTILE(10) splits them: the first
// n mod 10 groups get one extra row), and each group's mean prediction is set
// against its observed acceptance rate.

export interface CalibrationPoint {
  predicted: number;
  /** 1 when the recommendation was accepted (or done), else 0. */
  outcome: 0 | 1;
}

export interface CalibrationBin {
  decile: number; // 1..10
  n: number;
  meanPredicted: number;
  observed: number;
  minPredicted: number;
  maxPredicted: number;
}

/** The decile groups of `points` by predicted value, with NTILE(10) semantics (ties broken by input order). */
export function calibrationBins(points: readonly CalibrationPoint[], groups = 10): CalibrationBin[] {
  const sorted = points.map((p, i) => ({ ...p, i })).sort((a, b) => a.predicted - b.predicted || a.i - b.i);
  const n = sorted.length;
  const bins: CalibrationBin[] = [];
  const base = Math.floor(n / groups);
  const extra = n % groups;
  let at = 0;
  for (let g = 0; g < groups && at < n; g++) {
    const size = base + (g < extra ? 1 : 0);
    const slice = sorted.slice(at, at + size);
    at += size;
    bins.push({
      decile: g + 1,
      n: slice.length,
      meanPredicted: slice.reduce((s, p) => s + p.predicted, 0) / slice.length,
      observed: slice.reduce((s, p) => s + p.outcome, 0) / slice.length,
      minPredicted: slice[0]!.predicted,
      maxPredicted: slice[slice.length - 1]!.predicted,
    });
  }
  return bins;
}

/**
 * Expected calibration error: the n-weighted mean absolute gap between
 * predicted and observed across bins (0 = perfectly calibrated). Null without data.
 */
export function expectedCalibrationError(bins: readonly Pick<CalibrationBin, "n" | "meanPredicted" | "observed">[]): number | null {
  const total = bins.reduce((s, b) => s + b.n, 0);
  if (total === 0) return null;
  return bins.reduce((s, b) => s + (b.n / total) * Math.abs(b.meanPredicted - b.observed), 0);
}
