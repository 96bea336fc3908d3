import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/catalog/action-form";
import { emptyDraft } from "@/components/catalog/rule-tree";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { templateSample } from "@/lib/services/preview";

export const metadata: Metadata = { title: "New action" };

export default async function NewActionPage() {
  await requirePermission("catalog.manage");
  const sample = await templateSample();
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-1 text-xs text-slate-500">
        <Link href="/admin/catalog" className="hover:underline">
          Action catalog
        </Link>{" "}
        /
      </nav>
      <PageHeader title="New action" description="Define what reps should do, for whom, and what it is worth. Preview it before you create it." />
      <ActionForm
        mode="create"
        sample={sample}
        initialRule={emptyDraft()}
        initial={{
          key: "",
          name: "",
          category: "RELATIONSHIP",
          purpose: "SERVICE",
          description: "",
          messageTemplate: "Reach out to {{firstName}}",
          businessValue: "250",
          lever: "1",
          cooldownDays: "14",
          expiresAfterDays: "7",
          controlGroupPct: "10",
          exploration: true,
        }}
      />
    </div>
  );
}
