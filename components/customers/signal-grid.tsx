import type { Signals } from "@/lib/engine";
import { formatMoney } from "@/lib/format";

const days = (n: number | null, none: string) => (n === null ? none : `${n} d`);

/** The signals the engine uses for this customer, as a compact grid. */
export function SignalGrid({ signals, compact = false }: { signals: Signals; compact?: boolean }) {
  const all: [string, string][] = [
    ["Last contact", signals.daysSinceLastContact === null ? "none recorded" : `${signals.daysSinceLastContact} d ago`],
    ["Last purchase", signals.daysSinceLastPurchase === null ? "none recorded" : `${signals.daysSinceLastPurchase} d ago`],
    ["Birthday in", days(signals.daysUntilBirthday, "unknown")],
    ["Renewal in", signals.daysUntilRenewal === null ? "none" : signals.daysUntilRenewal < 0 ? `overdue ${-signals.daysUntilRenewal} d` : `${signals.daysUntilRenewal} d`],
    ["Orders (90 d)", String(signals.ordersLast90d)],
    ["Spend (90 d)", formatMoney(signals.spendLast90d)],
    ["Open tickets", String(signals.openTickets)],
    ["Web visits (7 d)", String(signals.webVisitsLast7d)],
    ["Email clicks (30 d)", String(signals.emailClicksLast30d)],
    ["Customer for", `${signals.tenureDays} d`],
  ];
  const shown = compact ? all.slice(0, 6) : all;
  return (
    <dl className={`grid gap-px overflow-hidden rounded-lg border border-slate-200 bg-slate-200 ${compact ? "grid-cols-2" : "grid-cols-2 sm:grid-cols-3 lg:grid-cols-5"}`}>
      {shown.map(([label, value]) => (
        <div key={label} className="bg-white px-3 py-2">
          <dt className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{label}</dt>
          <dd className="text-sm font-semibold tabular-nums text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
