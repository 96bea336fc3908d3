// Calibration: does a predicted propensity of 30% mean that 30% accept? The
// recommendations are split into ten fixed bands of predicted propensity
// (0–10%, 10–20%, … 90–100%, the last one including 100%), and each band's
// mean prediction is set against its observed acceptance rate: a reliability
// diagram. Fixed bands (rather than equal-count deciles) keep their edges when
// the period or the filters change, so two views can be compared, and the
// database counts them in one hashed pass instead of a sort.

export interface CalibrationPoint {
  predicted: number;
  /** 1 when the recommendation was accepted (or done), else 0. */
  outcome: 0 | 1;
}

export interface CalibrationBin {
  /** 1..10: band k holds predictions in [(k-1)/10, k/10), band 10 also 1.0. */
  band: number;
  n: number;
  meanPredicted: number;
  observed: number;
  minPredicted: number;
  maxPredicted: number;
}

/** The band (1..bands) of a predicted propensity, exactly as lib/data/metrics.ts computes it in SQL. */
export function calibrationBand(predicted: number, bands = 10): number {
  return Math.min(bands - 1, Math.max(0, Math.floor(predicted * bands))) + 1;
}

/** The non-empty bands of `points`, in order. */
export function calibrationBins(points: readonly CalibrationPoint[], bands = 10): CalibrationBin[] {
  const groups = new Map<number, CalibrationPoint[]>();
  for (const p of points) {
    const band = calibrationBand(p.predicted, bands);
    groups.set(band, [...(groups.get(band) ?? []), p]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([band, slice]) => ({
      band,
      n: slice.length,
      meanPredicted: slice.reduce((s, p) => s + p.predicted, 0) / slice.length,
      observed: slice.reduce((s, p) => s + p.outcome, 0) / slice.length,
      minPredicted: Math.min(...slice.map((p) => p.predicted)),
      maxPredicted: Math.max(...slice.map((p) => p.predicted)),
    }));
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
