// Display formatting shared by server and client components.
const currency = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const dateFmt = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

export const formatMoney = (n: number) => currency.format(n);
export const formatDate = (d: Date) => dateFmt.format(d);
export const formatPct = (n: number, digits = 0) => `${(n * 100).toFixed(digits)}%`;

/** "in 3 days", "today", "2 days ago": whole days between two instants. */
export function relativeDays(target: Date, now = new Date()): string {
  const days = Math.round((target.getTime() - now.getTime()) / 86_400_000);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  if (days === -1) return "yesterday";
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}
