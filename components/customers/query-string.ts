import type { CustomerFilters } from "@/lib/validation/customers";

/** The /customers URL for these filters, dropping defaults. */
export function customersHref(f: Partial<CustomerFilters>): string {
  const p = new URLSearchParams();
  if (f.q) p.set("q", f.q);
  if (f.segment) p.set("segment", f.segment);
  if (f.open) p.set("open", f.open);
  if (f.renewal) p.set("renewal", String(f.renewal));
  if (f.sort && f.sort !== "name") p.set("sort", f.sort);
  if (f.page && f.page > 1) p.set("page", String(f.page));
  const qs = p.toString();
  return qs ? `/customers?${qs}` : "/customers";
}
