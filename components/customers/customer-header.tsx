import type { CustomerDetail } from "@/lib/data/customers";
import { formatDate, formatMoney, segmentLabel } from "@/lib/format";


export function CustomerHeader({ customer, compact = false }: { customer: CustomerDetail; compact?: boolean }) {
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2">
        <h1 className={`${compact ? "text-base" : "text-lg sm:text-xl"} font-semibold tracking-tight text-slate-900`}>{customer.name}</h1>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">{segmentLabel(customer.segment)}</span>
        {!customer.consent.SERVICE ? <span className="rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-700">No service contact</span> : null}
        {!customer.consent.MARKETING ? <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800">No marketing offers</span> : null}
        {!customer.consent.PROFILING ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">No profiling</span> : null}
      </div>
      <p className="mt-0.5 text-sm text-slate-600">
        {[customer.company, `LTV ${formatMoney(customer.lifetimeValue)}`, `owner ${customer.owner.name}`].filter(Boolean).join(" · ")}
      </p>
      {!compact ? (
        <p className="mt-0.5 text-xs text-slate-500">
          {[customer.email, customer.phone, customer.birthday ? `born ${formatDate(customer.birthday)}` : null, customer.renewalDate ? `renews ${formatDate(customer.renewalDate)}` : null, customer.externalId]
            .filter(Boolean)
            .join(" · ")}
        </p>
      ) : null}
    </div>
  );
}
