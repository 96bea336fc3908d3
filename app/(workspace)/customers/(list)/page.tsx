import type { Metadata } from "next";
import { CustomerFiltersForm } from "@/components/customers/customer-filters";
import { CustomerList } from "@/components/customers/customer-list";
import { Pagination } from "@/components/customers/pagination";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { rowScope } from "@/lib/auth/permissions";
import { listCustomers, listSegments } from "@/lib/data/customers";
import { recordFeature } from "@/lib/services/engagement";
import { parseCustomerFilters } from "@/lib/validation/customers";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePermission("customers.view");
  const filters = parseCustomerFilters(await searchParams);
  const rows = rowScope(user);
  // A rep's search (first page of a query) counts as key feature use on the adoption page.
  const searched = user.role === "REP" && filters.q && filters.page === 1;
  const [result, segments] = await Promise.all([listCustomers(rows, filters), listSegments(rows), searched ? recordFeature(user, "search") : null]);
  const scope = rows.kind === "own" ? "Your customers" : rows.kind === "team" ? "Your team's customers" : "All customers";
  return (
    <div>
      <PageHeader title="Customers" description={`${scope} · ${result.total.toLocaleString("en-US")} ${filters.q || filters.segment || filters.open || filters.renewal ? "matching" : "in total"}`} />
      <CustomerFiltersForm filters={filters} segments={segments} />
      {result.rows.length === 0 ? (
        <EmptyState title="No customers match">Try a shorter search or clear the filters.</EmptyState>
      ) : (
        <>
          <CustomerList rows={result.rows} showOwner={rows.kind !== "own"} />
          <Pagination filters={filters} page={result.page} pages={result.pages} />
        </>
      )}
    </div>
  );
}
