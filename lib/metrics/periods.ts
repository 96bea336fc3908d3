// Calendar periods of a dashboard grain (week, month, quarter), in UTC, as the
// database buckets them (lib/data/metrics.ts periodStart: weeks start Monday,
// months and quarters on the 1st). Pure and client-safe: the series labels
// ("week of Nov 23, 2026", "Nov 2026", "2026 Q4") and the periodic review's
// default period and its comparison period come from here.

export type PeriodGrain = "week" | "month" | "quarter";

/** An inclusive range of whole UTC days, as ISO dates (YYYY-MM-DD). */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const parse = (day: string | Date) => (typeof day === "string" ? new Date(`${day.slice(0, 10)}T00:00:00Z`) : new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())));
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The first day of the grain's period holding `day`. */
export function periodStartOf(grain: PeriodGrain, day: string | Date): Date {
  const d = parse(day);
  if (grain === "week") return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS);
  const month = grain === "month" ? d.getUTCMonth() : d.getUTCMonth() - (d.getUTCMonth() % 3);
  return new Date(Date.UTC(d.getUTCFullYear(), month, 1));
}

/** `start` moved by `n` periods (n may be negative); `start` should be a period start. */
export function addPeriods(grain: PeriodGrain, start: Date, n: number): Date {
  if (grain === "week") return new Date(start.getTime() + n * 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n * (grain === "month" ? 1 : 3), 1));
}

/** The whole period holding `day`, as an inclusive day range. */
export function periodRange(grain: PeriodGrain, day: string | Date): DayRange {
  const start = periodStartOf(grain, day);
  return { from: iso(start), to: iso(new Date(addPeriods(grain, start, 1).getTime() - DAY_MS)) };
}

/** The last period that ended before `now`'s UTC day (today's period is not complete yet). */
export function lastCompletePeriod(grain: PeriodGrain, now: Date): DayRange {
  const current = periodStartOf(grain, now);
  return periodRange(grain, addPeriods(grain, current, -1));
}

/** Whole days in an inclusive range. */
export function rangeDays(r: DayRange): number {
  return Math.round((parse(r.to).getTime() - parse(r.from).getTime()) / DAY_MS) + 1;
}

/** The range is exactly one calendar period of the grain. */
export function isWholePeriod(grain: PeriodGrain, r: DayRange): boolean {
  const p = periodRange(grain, r.from);
  return p.from === r.from && p.to === r.to;
}

/**
 * What the periodic review compares against: the calendar period before when
 * the range is one whole period (a quarter against the quarter before, even
 * if one has a day more), else the same number of days just before `from`.
 */
export function priorRange(grain: PeriodGrain, r: DayRange): DayRange {
  if (isWholePeriod(grain, r)) return periodRange(grain, addPeriods(grain, parse(r.from), -1));
  const days = rangeDays(r);
  const to = new Date(parse(r.from).getTime() - DAY_MS);
  return { from: iso(new Date(to.getTime() - (days - 1) * DAY_MS)), to: iso(to) };
}

/** "week of Nov 23, 2026", "Nov 2026", "2026 Q4": the label of the period starting on `start`. */
export function periodName(grain: PeriodGrain, start: string | Date): string {
  const d = parse(start);
  const y = d.getUTCFullYear();
  if (grain === "quarter") return `${y} Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  if (grain === "month") return `${MONTHS[d.getUTCMonth()]} ${y}`;
  return `week of ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${y}`;
}

/** A short axis label: "Nov 23" for a week, else as periodName. */
export function periodTick(grain: PeriodGrain, start: string | Date): string {
  if (grain !== "week") return periodName(grain, start);
  const d = parse(start);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** "2026 Q3" when the range is one whole period, else "Jul 3, 2026 – Sep 30, 2026". */
export function rangeName(grain: PeriodGrain, r: DayRange): string {
  if (isWholePeriod(grain, r)) return grain === "week" ? `week of ${dayName(r.from)}` : periodName(grain, r.from);
  return `${dayName(r.from)} – ${dayName(r.to)}`;
}

/** "Nov 23, 2026". */
export function dayName(day: string | Date): string {
  const d = parse(day);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}
