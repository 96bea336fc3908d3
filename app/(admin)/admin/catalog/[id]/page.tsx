import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AuditTable } from "@/components/admin/audit-table";
import { Section, StatusBadge } from "@/components/admin/form";
import { ActionForm } from "@/components/catalog/action-form";
import { ActiveToggle } from "@/components/catalog/active-toggle";
import { emptyDraft, ruleToDraft } from "@/components/catalog/rule-tree";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listAuditLog } from "@/lib/data/audit";
import { getActionType, listVersions } from "@/lib/data/catalog";
import { templateSample } from "@/lib/services/preview";
import { parseRule } from "@/lib/engine";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Edit action" };

export default async function EditActionPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("catalog.manage");
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const action = await getActionType(id);
  if (!action) notFound();
  const [sample, versions, audit] = await Promise.all([templateSample(), listVersions(id), listAuditLog({ entity: "ActionType", entityId: id, take: 30 })]);
  const parsed = parseRule(action.rule);
  const open = versions.reduce((n, v) => n + v.openRecommendations, 0);
  return (
    <div className="space-y-4">
      <div>
        <nav aria-label="Breadcrumb" className="mb-1 text-xs text-slate-500">
          <Link href="/admin/catalog" className="hover:underline">
            Action catalog
          </Link>{" "}
          /
        </nav>
        <PageHeader
          title={action.name}
          description={`${action.key} · version ${action.version}${action.updatedBy ? ` · last saved by ${action.updatedBy.name}` : ""} · ${formatDate(action.updatedAt)}`}
          actions={
            <>
              <StatusBadge active={action.active} />
              <ActiveToggle id={action.id} name={action.name} active={action.active} openRecommendations={open} />
            </>
          }
        />
        {!parsed.ok ? (
          <p role="alert" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            The stored rule is invalid, so the engine skips this action ({parsed.errors.map((e) => `${e.path || "rule"}: ${e.message}`).join("; ")}). Build a new rule below.
          </p>
        ) : null}
        <ActionForm
          key={action.version}
          mode="edit"
          id={action.id}
          version={action.version}
          sample={sample}
          initialRule={parsed.ok ? ruleToDraft(parsed.rule) : emptyDraft()}
          initial={{
            key: action.key,
            name: action.name,
            category: action.category,
            purpose: action.purpose === "MARKETING" ? "MARKETING" : "SERVICE",
            description: action.description,
            messageTemplate: action.messageTemplate,
            businessValue: String(action.businessValue),
            lever: String(action.lever),
            cooldownDays: String(action.cooldownDays),
            expiresAfterDays: String(action.expiresAfterDays),
            controlGroupPct: String(action.controlGroupPct),
            exploration: action.exploration,
          }}
        />
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Section title="Versions" description="Open suggestions keep the version and message they were made with.">
          <ol className="divide-y divide-slate-100 text-sm" aria-label="Versions">
            {versions.map((v) => {
              const snap = v.snapshot as { messageTemplate?: string } | null;
              return (
                <li key={v.version} className="py-1.5">
                  <div className="flex items-baseline justify-between gap-2">
                    <span className="font-medium text-slate-900">v{v.version}</span>
                    <span className="text-xs text-slate-500">
                      {formatDate(v.createdAt)} · {v.openRecommendations} open
                    </span>
                  </div>
                  {snap?.messageTemplate ? <p className="truncate text-xs text-slate-600">“{snap.messageTemplate}”</p> : null}
                </li>
              );
            })}
          </ol>
        </Section>
        <Section
          title="History"
          actions={
            <Link href={`/admin/audit?entity=ActionType&entityId=${action.id}`} className="text-xs text-brand-700 hover:underline">
              All changes
            </Link>
          }
        >
          <AuditTable entries={audit.entries} showEntity={false} />
        </Section>
      </div>
    </div>
  );
}
