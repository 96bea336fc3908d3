import Link from "next/link";
import type { CustomerRow } from "@/lib/data/customers";
import { formatDate, formatMoney } from "@/lib/format";

/** Rows that read as a list at sidebar width and as a table on a wide screen. */
export function CustomerList({ rows, showOwner }: { rows: CustomerRow[]; showOwner: boolean }) {
  return (
    <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white" aria-label="Customers">
      {rows.map((c) => (
        <li key={c.id}>
          <Link href={`/customers/${c.id}`} className="flex flex-wrap items-center gap-x-4 gap-y-0.5 px-3 py-2.5 hover:bg-slate-50 focus-visible:bg-slate-50">
            <span className="min-w-0 flex-1 basis-56">
              <span className="block truncate text-sm font-medium text-slate-900">{c.name}</span>
              <span className="block truncate text-xs text-slate-500">{[c.company, c.email].filter(Boolean).join(" · ") || "—"}</span>
            </span>
            <span className="w-24 text-xs text-slate-600">{c.segment.replace("_", " ").toLowerCase()}</span>
            <span className="w-28 text-xs text-slate-600">{c.renewalDate ? `renews ${formatDate(c.renewalDate)}` : "no renewal"}</span>
            <span className="w-20 text-right text-sm tabular-nums text-slate-800">{formatMoney(c.lifetimeValue)}</span>
            {showOwner ? <span className="w-28 truncate text-xs text-slate-600">{c.ownerName}</span> : null}
            <span className="w-24 text-right">
              {c.openRecommendations ? (
                <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">
                  {c.openRecommendations} open
                </span>
              ) : null}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
