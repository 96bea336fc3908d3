// Adoption targets: which KPIs can carry one, in what unit, and how a value is
// judged against it. Client-safe (the targets form reads the same table).

export const TARGET_METRICS = ["weeklyActiveShare", "reactionShare", "acceptShare", "nps", "tourCompletion"] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

export interface TargetMetricInfo {
  label: string;
  /** pct: a share 0..1 entered and shown as a percentage; score: NPS points, -100..100. */
  unit: "pct" | "score";
  min: number;
  max: number;
  definition: string;
}

export const TARGET_INFO: Record<TargetMetric, TargetMetricInfo> = {
  weeklyActiveShare: {
    label: "Weekly active reps",
    unit: "pct",
    min: 0,
    max: 1,
    definition: "Share of the team's reps with any activity (sign-in, queue or customer view, reaction, tour) in the 7 days ending on the period's last day (or today).",
  },
  reactionShare: { label: "Reaction share", unit: "pct", min: 0, max: 1, definition: "Share of shown recommendations of the period that got any reaction (accept, done, dismiss or snooze)." },
  acceptShare: { label: "Accepted share", unit: "pct", min: 0, max: 1, definition: "Share of shown recommendations of the period accepted or marked done." },
  nps: { label: "NPS", unit: "score", min: -100, max: 100, definition: "Net Promoter Score of the period's pulse answers: % promoters (9–10) minus % detractors (0–6)." },
  tourCompletion: { label: "Tour finished", unit: "pct", min: 0, max: 1, definition: "Share of the reps who started the first-run tour in the period who finished it (by now)." },
};

export type TargetStatus = "met" | "below" | "no-data" | "no-target";

/** A value meets its target when it is at or above the threshold. */
export function targetStatus(value: number | null, threshold: number | null): TargetStatus {
  if (threshold === null) return "no-target";
  if (value === null) return "no-data";
  return value >= threshold - 1e-12 ? "met" : "below";
}

export interface TargetRow {
  teamId: string | null;
  metric: TargetMetric;
  threshold: number;
}

/** The target that applies to a team: its own, else the program-wide one (teamId null), else none. */
export function resolveTarget(targets: readonly TargetRow[], metric: TargetMetric, teamId: string | null): number | null {
  const own = teamId ? targets.find((t) => t.metric === metric && t.teamId === teamId) : undefined;
  return (own ?? targets.find((t) => t.metric === metric && t.teamId === null))?.threshold ?? null;
}

export const STATUS_LABEL: Record<TargetStatus, string> = { met: "On target", below: "Below target", "no-data": "No data yet", "no-target": "No target set" };

/** The threshold as people write it: percentages for shares, points for NPS. */
export function formatThreshold(metric: TargetMetric, threshold: number): string {
  return TARGET_INFO[metric].unit === "pct" ? `${Math.round(threshold * 1000) / 10}%` : `${threshold > 0 ? "+" : ""}${Math.round(threshold)}`;
}
