import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { AuditTable } from "@/components/admin/audit-table";
import { Section } from "@/components/admin/form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listApiKeys } from "@/lib/data/api-keys";
import { listAuditLog } from "@/lib/data/audit";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  await requirePermission("apiKeys.manage");
  const [keys, audit] = await Promise.all([listApiKeys(), listAuditLog({ entity: "ApiKey", take: 20 })]);
  return (
    <div className="space-y-4">
      <PageHeader title="API keys" description="Keys let your CRM, shop or help desk push customers and events and read suggestions. Send them as “Authorization: Bearer …”." />
      <ApiKeysPanel keys={keys} />
      <Section
        title="History"
        actions={
          <Link href="/admin/audit?entity=ApiKey" className="text-xs text-brand-700 hover:underline">
            All key changes
          </Link>
        }
      >
        <AuditTable entries={audit.entries} />
      </Section>
    </div>
  );
}
