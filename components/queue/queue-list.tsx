import type { QueueItem } from "@/lib/data/recommendations";
import { formatMoney, relativeDays } from "@/lib/format";
import { ReactionBar } from "./reaction-bar";

export function QueueList({ items }: { items: QueueItem[] }) {
  return (
    <ol className="space-y-2" aria-label="Recommended actions">
      {items.map((item, i) => (
        <li key={item.id} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
          <div className="flex items-start justify-between gap-3">
            <div className="min-w-0">
              <p className="text-xs font-medium uppercase tracking-wide text-brand-700">
                <span className="sr-only">Rank {i + 1}: </span>
                {item.action.name}
              </p>
              <p className="truncate text-sm font-semibold text-slate-900">
                {item.customer.name}
                {item.customer.company ? <span className="font-normal text-slate-500"> · {item.customer.company}</span> : null}
              </p>
            </div>
            <div className="shrink-0 text-right">
              <p className="text-sm font-semibold tabular-nums text-slate-900">{formatMoney(item.expectedValue)}</p>
              <p className="text-xs text-slate-500">expected value</p>
            </div>
          </div>
          <p className="mt-1.5 text-sm text-slate-700">{item.message}</p>
          {item.reasons.length ? (
            <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Why">
              {item.reasons.map((r) => (
                <li key={r.code + r.text} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                  {r.text}
                </li>
              ))}
            </ul>
          ) : null}
          <p className="mt-2 text-xs text-slate-500">Open until {relativeDays(item.expiresAt)}</p>
          <ReactionBar id={item.id} status={item.status} label={`${item.action.name} for ${item.customer.name}`} />
        </li>
      ))}
    </ol>
  );
}
