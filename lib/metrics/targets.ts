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
  tourCompletion: { label: "Tour finished", unit: "pct", min: 0, max: 1, definition: "Share of the team's reps who have finished the first-run tour (up to now)." },
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

export interface FigureRep {
  id: string;
  teamId: string | null;
  accountActive: boolean;
  /** ISO day of the last activity up to the end date. */
  lastActive: string | null;
  activeLast7: boolean;
  shown: number;
  reacted: number;
  accepted: number;
  tourFinished: boolean;
}

export interface Figures {
  /** Reps on the team in the last 7 days (account on, or used in those days) and those of them active. */
  weeklyActive: { active: number; of: number };
  reactions: { shown: number; reacted: number; accepted: number };
  tour: { finished: number; of: number };
  values: Record<TargetMetric, number | null>;
}

const share = (x: number, n: number) => (n > 0 ? x / n : null);

/**
 * The target metrics over a set of reps (a team, or the whole scope) and its
 * NPS (computed elsewhere from the pulse answers). `lastDay`: the period's last
 * day (ISO); the weekly window is it and the 6 days before.
 */
export function figures(reps: readonly FigureRep[], nps: number | null, lastDay: string): Figures {
  const windowStart = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  const onTeam = reps.filter((r) => r.accountActive || (r.lastActive !== null && r.lastActive >= windowStart));
  const active = onTeam.filter((r) => r.activeLast7).length;
  const shown = reps.reduce((a, r) => a + r.shown, 0);
  const reacted = reps.reduce((a, r) => a + r.reacted, 0);
  const accepted = reps.reduce((a, r) => a + r.accepted, 0);
  const finished = reps.filter((r) => r.tourFinished).length;
  return {
    weeklyActive: { active, of: onTeam.length },
    reactions: { shown, reacted, accepted },
    tour: { finished, of: reps.length },
    values: {
      weeklyActiveShare: share(active, onTeam.length),
      reactionShare: share(reacted, shown),
      acceptShare: share(accepted, shown),
      nps,
      tourCompletion: share(finished, reps.length),
    },
  };
}
