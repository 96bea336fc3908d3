import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { after } from "next/server";
import { cache } from "react";
import { ConsentPanel } from "@/components/customers/consent-panel";
import { CustomerHeader } from "@/components/customers/customer-header";
import { RecommendationHistory } from "@/components/customers/history";
import { OpenRecommendations } from "@/components/customers/open-recommendations";
import { SignalGrid } from "@/components/customers/signal-grid";
import { Timeline } from "@/components/customers/timeline";
import { requirePermission } from "@/lib/auth/guard";
import { can, rowScope } from "@/lib/auth/permissions";
import { consentHistory } from "@/lib/data/consent";
import { customerRecommendationHistory, customerTimeline, getCustomerForUser } from "@/lib/data/customers";
import { recordCustomerAccess } from "@/lib/data/data-rights";
import { openForCustomer, toQueueItemDto } from "@/lib/data/recommendations";
import { recordUsage } from "@/lib/data/users";

// Read once per request by both the title and the page (React's cache).
const customerFor = cache(async (id: string) => getCustomerForUser(rowScope(await requirePermission("customers.view")), { id }));

/** The tab says whose page it is: "Ana Silva · Customer · Nudge". */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const customer = await customerFor((await params).id);
  return { title: customer ? `${customer.name} · Customer` : "Customer not found" };
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="mt-5">
      <h2 className="mb-2 text-sm font-semibold text-slate-900">{title}</h2>
      {children}
    </section>
  );
}

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePermission("customers.view");
  const { id } = await params;
  const customer = await customerFor(id);
  // Out of scope looks exactly like absent: no hint that the customer exists.
  if (!customer) notFound();
  // Usage (adoption figures) once the page is sent; the access record below is written before anything is shown.
  after(() => recordUsage(user.id, "CUSTOMER_VIEW", { customerId: customer.id }));
  const [open, timeline, history, consent] = await Promise.all([
    openForCustomer(customer.id),
    customerTimeline(customer.id),
    customerRecommendationHistory(customer.id),
    consentHistory(customer.id),
    // The access record: who opened which customer (Admin → Access record).
    recordCustomerAccess(customer.id, "VIEW", { userId: user.id }),
  ]);
  const canReact = can(user.role, "queue.work") && customer.owner.id === user.id;
  return (
    <div className="mx-auto max-w-5xl">
      <Link href="/customers" className="text-xs font-medium text-brand-700 hover:underline">
        ← Customers
      </Link>
      <div className="mt-1">
        <CustomerHeader customer={customer} />
      </div>
      <Section title="Consent">
        <ConsentPanel customerId={customer.id} consent={customer.consent} history={consent.map((h) => ({ ...h, recordedAt: h.recordedAt.toISOString() }))} />
      </Section>
      <Section title="Signals the engine uses">
        <SignalGrid signals={customer.signals} />
      </Section>
      <div className="grid gap-x-6 lg:grid-cols-2">
        <div>
          <Section title={`Open suggestions (${open.length})`}>
            <OpenRecommendations items={open.map(toQueueItemDto)} canReact={canReact} />
          </Section>
          <Section title="Past suggestions and outcomes">
            <RecommendationHistory items={history} />
          </Section>
        </div>
        <Section title="Timeline">
          <Timeline events={timeline} />
        </Section>
      </div>
    </div>
  );
}
