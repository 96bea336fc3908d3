import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/admin/audit-table";
import { Section } from "@/components/admin/form";
import { WebhookDeliveries } from "@/components/admin/webhook-deliveries";
import { WebhooksPanel } from "@/components/admin/webhooks-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listAuditLog } from "@/lib/data/audit";
import { countDeliveries, listDeliveries, listEndpoints } from "@/lib/data/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

const FILTERS = [
  { key: "", label: "All" },
  { key: "PENDING", label: "Retrying" },
  { key: "DEAD", label: "Dead" },
  { key: "DELIVERED", label: "Delivered" },
] as const;
type StatusFilter = "PENDING" | "DEAD" | "DELIVERED";
const isStatus = (s: string): s is StatusFilter => s === "PENDING" || s === "DEAD" || s === "DELIVERED";

export default async function WebhooksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("webhooks.manage");
  const sp = await searchParams;
  const raw = Array.isArray(sp.status) ? (sp.status[0] ?? "") : (sp.status ?? "");
  const status = isStatus(raw) ? raw : undefined;
  const [endpoints, deliveries, counts, audit] = await Promise.all([listEndpoints(), listDeliveries({ status, take: 50 }), countDeliveries(), listAuditLog({ entity: "WebhookEndpoint", take: 20 })]);
  const countOf = (key: string) => (key === "" ? counts.PENDING + counts.DEAD + counts.DELIVERED : isStatus(key) ? counts[key] : 0);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Webhooks"
        description="Nudge POSTs signed events to these endpoints when suggestions are created, accepted, dismissed, done or converted, so your CRM can log them as they happen."
      />
      <WebhooksPanel endpoints={endpoints} />
      <Section title="Delivery log" description="The newest 50 deliveries. Failed ones are retried with growing waits for about 2 hours, then marked dead; replay sends an event again with the same id.">
        <nav aria-label="Filter deliveries" className="mb-2 flex flex-wrap gap-1.5">
          {FILTERS.map((f) => {
            const current = (status ?? "") === f.key;
            return (
              <Link
                key={f.key}
                href={f.key ? `/admin/webhooks?status=${f.key}` : "/admin/webhooks"}
                aria-current={current ? "page" : undefined}
                className={`rounded-full px-2.5 py-1 text-xs font-medium ${current ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
              >
                {f.label} ({countOf(f.key)})
              </Link>
            );
          })}
        </nav>
        <WebhookDeliveries deliveries={deliveries} />
      </Section>
      <Section
        title="History"
        actions={
          <Link href="/admin/audit?entity=WebhookEndpoint" className="text-xs text-brand-700 hover:underline">
            All webhook changes
          </Link>
        }
      >
        <AuditTable entries={audit.entries} />
      </Section>
    </div>
  );
}
