import Link from "next/link";
import type { CustomerFilters } from "@/lib/validation/customers";
import { customersHref } from "./query-string";

export function Pagination({ filters, page, pages }: { filters: CustomerFilters; page: number; pages: number }) {
  if (pages <= 1) return null;
  const link = "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  return (
    <nav aria-label="Pagination" className="mt-3 flex items-center justify-between gap-2">
      {page > 1 ? (
        <Link className={link} href={customersHref({ ...filters, page: page - 1 })} rel="prev">
          Previous
        </Link>
      ) : (
        <span />
      )}
      <span className="text-sm text-slate-600">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link className={link} href={customersHref({ ...filters, page: page + 1 })} rel="next">
          Next
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
