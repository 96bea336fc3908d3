// Holdout: a deterministic hash of (customer, action, period) puts
// controlGroupPct of would-be recommendations in the control group.
import { hashToUnit } from "./hash";
import { DAY_MS } from "./time";

/** True when this customer/action/period falls in the control group. Same inputs, same answer. */
export function isControl(customerId: string, actionKey: string, period: string, controlGroupPct: number): boolean {
  const share = Math.min(100, Math.max(0, controlGroupPct)) / 100;
  return hashToUnit(`${customerId}|${actionKey}|${period}`) < share;
}

/** ISO-8601 week of the UTC date, e.g. "2026-W48"; the holdout reshuffles weekly. */
export function holdoutPeriod(now: Date): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const weekday = date.getUTCDay() || 7; // Monday = 1 … Sunday = 7
  // The Thursday of this week decides the ISO year.
  const thursday = new Date(date.getTime() + (4 - weekday) * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const jan1 = Date.UTC(isoYear, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / DAY_MS / 7) + 1;
  return `${isoYear}-W${String(week).padStart(2, "0")}`;
}
