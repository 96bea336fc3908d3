// Shared text formatting for reasons, rule descriptions and templates (en-US).

export function formatMoney(amount: number): string {
  return `$${Math.round(amount).toLocaleString("en-US")}`;
}

/** "1 day", "3 days". */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const LONG_DATE = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
const MONTH_DAY = new Intl.DateTimeFormat("en-US", { month: "long", day: "numeric", timeZone: "UTC" });

/** "December 12, 2026" */
export function formatLongDate(d: Date): string {
  return LONG_DATE.format(d);
}

/** "March 4" */
export function formatMonthDay(d: Date): string {
  return MONTH_DAY.format(d);
}
