// Holdout: a deterministic hash of (customer, action, period) puts
// controlGroupPct of would-be recommendations in the control group.
import { hash8, hashToUnit } from "./hash";
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

// ---------------------------------------------------------------- global holdout

export type HoldoutRedraw = "MONTH" | "QUARTER" | "HALF_YEAR";

export type HoldoutDraw = { key: string; startsAt: Date; endsAt: Date };

/** The draw of the global holdout that covers `now`: calendar months, quarters or halves of the year (UTC). */
export function holdoutDraw(now: Date, redraw: HoldoutRedraw): HoldoutDraw {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const months = redraw === "MONTH" ? 1 : redraw === "QUARTER" ? 3 : 6;
  const first = Math.floor(month / months) * months;
  const startsAt = new Date(Date.UTC(year, first, 1));
  const endsAt = new Date(Date.UTC(year, first + months, 1));
  const index = first / months + 1;
  const key = redraw === "MONTH" ? `${year}-${String(index).padStart(2, "0")}` : redraw === "QUARTER" ? `${year}-Q${index}` : `${year}-H${index}`;
  return { key, startsAt, endsAt };
}

/**
 * True when the customer is in the global holdout of the draw with this salt:
 * hashToUnit("global|<salt>|<customer id>") below pct/100. Deterministic and
 * independent of each action's own holdout (which hashes customer, action and week).
 */
export function inGlobalHoldout(customerId: string, salt: string, pct: number): boolean {
  const share = Math.min(100, Math.max(0, pct)) / 100;
  return hashToUnit(`global|${salt}|${customerId}`) < share;
}

/** The salt of a draw in a seeded (reproducible) run; a live draw gets a random one. */
export function seededDrawSalt(seed: string, drawKey: string): string {
  return `${hash8(`${seed}|${drawKey}`)}${hash8(`${drawKey}|${seed}`)}`;
}
