import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { AuditTable } from "@/components/admin/audit-table";
import { EmbedOriginsPanel } from "@/components/admin/embed-origins-panel";
import { Section } from "@/components/admin/form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listApiKeys } from "@/lib/data/api-keys";
import { listAuditLog } from "@/lib/data/audit";
import { listEmbedOrigins } from "@/lib/data/embed-origins";
import { embedAllowedOrigins } from "@/lib/config/env";

export const metadata: Metadata = { title: "API keys and embedding" };

export default async function ApiKeysPage() {
  await requirePermission("apiKeys.manage");
  const [keys, audit, origins] = await Promise.all([listApiKeys(), listAuditLog({ entity: "ApiKey", take: 20 }), listEmbedOrigins()]);
  return (
    <div className="space-y-4">
      <PageHeader title="API keys" description="Keys let your CRM, shop or help desk push customers and events and read suggestions. Send them as “Authorization: Bearer …”." />
      <ApiKeysPanel keys={keys} />
      <Section
        title="CRM embedding: allowed origins"
        description="Sites that may show the customer panel (/embed/…) in a frame. Any other site is refused (CSP frame-ancestors). Changes apply within 5 seconds. The CRM's server gets the panel's sign-in through POST /api/v1/embed-tokens with a key that has the embed:issue scope."
      >
        <EmbedOriginsPanel origins={origins} fromEnv={embedAllowedOrigins()} />
      </Section>
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
