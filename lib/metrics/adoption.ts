// Adoption rules, pure, so the dashboard and its tests agree on who "stopped".

/** A rep with no activity in this many days before the end of the period has stopped using Nudge. */
export const STOPPED_AFTER_DAYS = 14;
const DAY_MS = 86_400_000;

export type RepUsageStatus = "active" | "stopped" | "never" | "deactivated";

/**
 * active: used Nudge in the last STOPPED_AFTER_DAYS days before `periodEnd`;
 * stopped: used it before but not since; never: no activity up to `periodEnd`;
 * deactivated: the account is switched off (whatever the history).
 */
export function repUsageStatus(opts: { accountActive: boolean; lastActiveAt: Date | null; periodEnd: Date }): RepUsageStatus {
  if (!opts.accountActive) return "deactivated";
  if (!opts.lastActiveAt) return "never";
  return opts.periodEnd.getTime() - opts.lastActiveAt.getTime() > STOPPED_AFTER_DAYS * DAY_MS ? "stopped" : "active";
}

/**
 * "Reps active in period: N of M". M is every rep on the team during the
 * period (accounts switched off since included when they were active in it,
 * as the per-rep table lists them), N those with at least one active day, so
 * N never exceeds M. `deactivated`: reps of M whose account is off now.
 */
export function activeRepsHeadline(reps: readonly { accountActive: boolean; activeDays: number }[]): { active: number; onTeam: number; deactivated: number } {
  return {
    active: reps.filter((r) => r.activeDays > 0).length,
    onTeam: reps.length,
    deactivated: reps.filter((r) => !r.accountActive).length,
  };
}
