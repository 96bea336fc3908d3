import { segmentLabel } from "@/lib/format";
import Link from "next/link";
import type { CustomerFilters } from "@/lib/validation/customers";

const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";

/** A plain GET form: filters live in the URL, work without JavaScript and can be shared. */
export function CustomerFiltersForm({ filters, segments }: { filters: CustomerFilters; segments: string[] }) {
  return (
    <form role="search" action="/customers" className="mb-3 flex flex-wrap items-end gap-2">
      <label className="min-w-48 flex-1 text-xs font-medium text-slate-600">
        Search
        <input type="search" name="q" defaultValue={filters.q ?? ""} placeholder="Name, company or email" className={`mt-1 block w-full ${field}`} />
      </label>
      <label className="text-xs font-medium text-slate-600">
        Segment
        <select name="segment" defaultValue={filters.segment ?? ""} className={`mt-1 block ${field}`}>
          <option value="">All</option>
          {segments.map((s) => (
            <option key={s} value={s}>
              {segmentLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-xs font-medium text-slate-600">
        Renewal
        <select name="renewal" defaultValue={filters.renewal ? String(filters.renewal) : ""} className={`mt-1 block ${field}`}>
          <option value="">Any time</option>
          <option value="30">Within 30 days</option>
          <option value="60">Within 60 days</option>
          <option value="90">Within 90 days</option>
        </select>
      </label>
      <label className="text-xs font-medium text-slate-600">
        Sort
        <select name="sort" defaultValue={filters.sort} className={`mt-1 block ${field}`}>
          <option value="name">Name</option>
          <option value="renewal">Renewal date</option>
          <option value="value">Lifetime value</option>
          <option value="newest">Newest</option>
        </select>
      </label>
      <label className="flex items-center gap-1.5 pb-2 text-sm text-slate-700">
        <input type="checkbox" name="open" value="1" defaultChecked={filters.open === "1"} className="size-4 rounded border-slate-300" />
        Has open suggestion
      </label>
      <div className="flex gap-2 pb-px">
        <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
          Apply
        </button>
        <Link href="/customers" className="rounded-md px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-100">
          Clear
        </Link>
      </div>
    </form>
  );
}
