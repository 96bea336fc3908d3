// Display formatting shared by server and client components.
const currency = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const dateFmt = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

export const formatMoney = (n: number) => currency.format(n);
export const formatDate = (d: Date) => dateFmt.format(d);
export const formatPct = (n: number, digits = 0) => `${(n * 100).toFixed(digits)}%`;

/** When an open suggestion closes, as a sentence: "Closes today", "Closes tomorrow", "Closes in 14 days". */
export function closesIn(expiresAt: Date, now = new Date()): string {
  const days = Math.round((expiresAt.getTime() - now.getTime()) / 86_400_000);
  if (days <= 0) return "Closes today";
  if (days === 1) return "Closes tomorrow";
  return `Closes in ${days} days`;
}

/** The same, as a row's narrow column: "today", "1d", "14d". */
export function closesShort(expiresAt: Date, now = new Date()): string {
  const days = Math.round((expiresAt.getTime() - now.getTime()) / 86_400_000);
  return days <= 0 ? "today" : `${days}d`;
}

const SEGMENT_LABEL: Record<string, string> = { SMB: "Small business", MID_MARKET: "Mid-market", ENTERPRISE: "Enterprise" };
/** A customer segment in words ("Mid-market"); a segment the demo does not know is shown as sent. */
export const segmentLabel = (segment: string) => SEGMENT_LABEL[segment] ?? segment;
