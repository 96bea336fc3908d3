import type { Metadata } from "next";
import Link from "next/link";
import { Section } from "@/components/admin/form";
import { LearningForm } from "@/components/admin/learning-form";
import { DriftForm } from "@/components/admin/drift-form";
import { CatalogList } from "@/components/catalog/catalog-list";
import { RunGenerationButton } from "@/components/catalog/run-generation-button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listActionTypes } from "@/lib/data/catalog";
import { loadProgramSettings } from "@/lib/data/holdout";
import { intrusiveWindowCounts } from "@/lib/data/sentiment";
import { intrusiveFlag } from "@/lib/metrics/sentiment";

export const metadata: Metadata = { title: "Action catalog" };

export default async function CatalogPage() {
  await requirePermission("catalog.manage");
  const now = new Date();
  const [actions, windows, settings] = await Promise.all([listActionTypes(now), intrusiveWindowCounts({ teamId: null, actionKey: null, segment: null }, now), loadProgramSettings()]);
  const exploring = actions.filter((a) => a.exploration && a.active).length;
  const flags = Object.fromEntries(
    windows.map((w) => [w.actionTypeId, intrusiveFlag({ verdicts: w.lastVerdicts, intrusive: w.lastIntrusive }, { verdicts: w.previousVerdicts, intrusive: w.previousIntrusive })]),
  );
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
      {actions.length === 0 ? <EmptyState title="No action types yet">Create the first one with “New action”.</EmptyState> : <CatalogList actions={actions} flags={flags} />}
      <div className="mt-4">
        <Section
          title="Learning"
          description={`Exploration is on for ${exploring} of ${actions.filter((a) => a.active).length} active actions (set per action). Now: evidence half-life ${settings.learningHalfLifeDays} days, exploration cap ${settings.explorationSharePct} % of customers.`}
        >
          <LearningForm settings={{ learningHalfLifeDays: settings.learningHalfLifeDays, explorationSharePct: settings.explorationSharePct }} />
        </Section>
      </div>
      <div className="mt-4">
        <Section
          title="Drift monitor"
          description="Checked every hour on the suggestions resolved in the last 7 days; an alert shows on the model page, goes to the audit log and to model.drift webhooks, and an acceptance alert retrains the model."
        >
          <DriftForm settings={{ driftAcceptanceShiftPct: settings.driftAcceptanceShiftPct, driftZScore: settings.driftZScore, driftPsi: settings.driftPsi }} />
        </Section>
      </div>
    </div>
  );
}
