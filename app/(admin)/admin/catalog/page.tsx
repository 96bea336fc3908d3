import type { Metadata } from "next";
import Link from "next/link";
import { CatalogList } from "@/components/catalog/catalog-list";
import { RunGenerationButton } from "@/components/catalog/run-generation-button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listActionTypes } from "@/lib/data/catalog";

export const metadata: Metadata = { title: "Action catalog" };

export default async function CatalogPage() {
  await requirePermission("catalog.manage");
  const actions = await listActionTypes();
  return (
    <div>
      <PageHeader
        title="Action catalog"
        description="What the engine may suggest, and how much each action is worth."
        actions={
          <>
            <RunGenerationButton />
            <Link href="/admin/catalog/new" className="inline-flex items-center rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
              New action
            </Link>
          </>
        }
      />
      {actions.length === 0 ? <EmptyState title="No action types yet">Create the first one with “New action”.</EmptyState> : <CatalogList actions={actions} />}
    </div>
  );
}
