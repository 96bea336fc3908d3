import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CustomerHeader } from "@/components/customers/customer-header";
import { OpenRecommendations } from "@/components/customers/open-recommendations";
import { SignalGrid } from "@/components/customers/signal-grid";
import { requirePermission } from "@/lib/auth/guard";
import { can, rowScope } from "@/lib/auth/permissions";
import { getCustomerForUser } from "@/lib/data/customers";
import { openForCustomer, toQueueItemDto } from "@/lib/data/recommendations";
import { recordUsage } from "@/lib/data/users";

export async function generateMetadata({ params }: { params: Promise<{ externalId: string }> }): Promise<Metadata> {
  const user = await requirePermission("customers.view");
  const customer = await getCustomerForUser(rowScope(user), { externalId: decodeURIComponent((await params).externalId) });
  return { title: customer ? `${customer.name} · Customer` : "Customer not found" };
}

export default async function EmbedCustomerPage({ params }: { params: Promise<{ externalId: string }> }) {
  const user = await requirePermission("customers.view");
  const { externalId } = await params;
  const customer = await getCustomerForUser(rowScope(user), { externalId: decodeURIComponent(externalId) });
  if (!customer) notFound();
  const [open] = await Promise.all([openForCustomer(customer.id), recordUsage(user.id, "CUSTOMER_VIEW", { customerId: customer.id, embed: true })]);
  return (
    <main id="main" className="mx-auto max-w-md space-y-3">
      <CustomerHeader customer={customer} compact />
      <OpenRecommendations items={open.map(toQueueItemDto)} canReact={can(user.role, "queue.work") && customer.owner.id === user.id} />
      <SignalGrid signals={customer.signals} compact />
    </main>
  );
}
