// Whole-day arithmetic in UTC, so a signal never depends on the server's time zone.

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of the UTC calendar day containing `d`. */
export function utcDayNumber(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

/** Whole UTC calendar days from `from` to `to` (negative when `to` is earlier). */
export function utcDaysBetween(from: Date, to: Date): number {
  return utcDayNumber(to) - utcDayNumber(from);
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** "YYYY-MM-DD" of the UTC date. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
