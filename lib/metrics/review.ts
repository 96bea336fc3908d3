// The periodic review's "against the prior period" column, pure: a rate moves
// by percentage points, a count or an amount by a relative change, and whether
// the move is good depends on the figure (churn falling is good).

export type ChangeMode = "points" | "relative";

/**
 * current − prior for rates ("points"), (current − prior) / prior for counts
 * and amounts ("relative"). Null when either side is missing, or relative to
 * a prior of 0 (no finite change).
 */
export function periodChange(current: number | null, prior: number | null, mode: ChangeMode): number | null {
  if (current === null || prior === null || !Number.isFinite(current) || !Number.isFinite(prior)) return null;
  if (mode === "points") return current - prior;
  return prior === 0 ? null : (current - prior) / Math.abs(prior);
}

/** Better, worse or the same (|change| under `tolerance`), given which way is good; null without a change or a preferred direction. */
export function changeTone(change: number | null, higherIsBetter: boolean | null, tolerance = 1e-9): "better" | "worse" | "same" | null {
  if (change === null) return null;
  if (Math.abs(change) < tolerance) return "same";
  if (higherIsBetter === null) return null;
  return change > 0 === higherIsBetter ? "better" : "worse";
}
