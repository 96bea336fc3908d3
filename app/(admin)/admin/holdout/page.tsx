import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/admin/audit-table";
import { Section } from "@/components/admin/form";
import { HoldoutForm } from "@/components/admin/holdout-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listAuditLog } from "@/lib/data/audit";
import { holdoutBaseline, listDraws, loadProgramSettings } from "@/lib/data/holdout";
import { REDRAW_LABELS } from "@/lib/validation/program";

export const metadata: Metadata = { title: "Holdout" };

const day = (d: Date) => d.toISOString().slice(0, 10);

export default async function HoldoutPage() {
  await requirePermission("catalog.manage");
  const now = new Date();
  const [settings, draws, baseline, audit] = await Promise.all([loadProgramSettings(), listDraws(), holdoutBaseline(now), listAuditLog({ entity: "ProgramSettings", take: 10 })]);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Holdout"
        description="A share of customers gets no suggestion at all, from any action, while a draw runs. Comparing them with everyone else is how Nudge shows whether the program sells (Dashboards → Impact). Each action also keeps its own control group (set per action in the catalog)."
      />
      <Section title="Global holdout" description={`Now: ${settings.globalHoldoutPct} % of customers, re-drawn ${REDRAW_LABELS[settings.holdoutRedraw].toLowerCase()}.`}>
        <HoldoutForm settings={{ globalHoldoutPct: settings.globalHoldoutPct, holdoutRedraw: settings.holdoutRedraw }} customers={baseline.customers} baselineRate={baseline.baselineRate} />
      </Section>
      <Section title="Draws" description="Who is held out is decided per draw by a hash of the draw's salt and the customer id, and stored per customer the first time the engine meets them in the draw.">
        {draws.length === 0 ? (
          <p className="text-sm text-slate-600">No draw yet: the first one is made at the next batch.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[28rem] text-left text-sm">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th scope="col" className="py-1 pr-3 font-medium">Draw</th>
                  <th scope="col" className="py-1 pr-3 font-medium">From</th>
                  <th scope="col" className="py-1 pr-3 font-medium">Until (exclusive)</th>
                  <th scope="col" className="py-1 pr-3 text-right font-medium">Share</th>
                  <th scope="col" className="py-1 pr-3 text-right font-medium">Customers assigned</th>
                  <th scope="col" className="py-1 text-right font-medium">Held out</th>
                </tr>
              </thead>
              <tbody>
                {draws.map((d) => (
                  <tr key={d.id} className="border-t border-slate-100">
                    <td className="py-1 pr-3 font-medium">
                      {d.key}
                      {d.startsAt <= now && d.endsAt > now ? <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-[11px] font-medium text-brand-700">running</span> : null}
                    </td>
                    <td className="py-1 pr-3 tabular-nums">{day(d.startsAt)}</td>
                    <td className="py-1 pr-3 tabular-nums">{day(d.endsAt)}</td>
                    <td className="py-1 pr-3 text-right tabular-nums">{d.pct} %</td>
                    <td className="py-1 pr-3 text-right tabular-nums">{d.assigned.toLocaleString("en-US")}</td>
                    <td className="py-1 text-right tabular-nums">
                      {d.heldOut.toLocaleString("en-US")}
                      {d.assigned > 0 ? <span className="text-slate-500"> ({((d.heldOut / d.assigned) * 100).toFixed(1)} %)</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section
        title="History"
        actions={
          <Link href="/admin/audit?entity=ProgramSettings" className="text-xs text-brand-700 hover:underline">
            All changes
          </Link>
        }
      >
        <AuditTable entries={audit.entries} />
      </Section>
    </div>
  );
}
