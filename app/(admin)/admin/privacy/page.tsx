import type { Metadata } from "next";
import Link from "next/link";
import { inputClass, Section } from "@/components/admin/form";
import { EraseForm, RetentionForm } from "@/components/admin/privacy-forms";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { findCustomersForRights } from "@/lib/data/data-rights";
import { listRetentionRuns, loadRetentionDays } from "@/lib/data/retention";

export const metadata: Metadata = { title: "Privacy" };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const at = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function PrivacyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("privacy.manage");
  const q = one((await searchParams).customer).slice(0, 100);
  const [days, runs, found] = await Promise.all([loadRetentionDays(), listRetentionRuns(10), findCustomersForRights(q)]);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Privacy"
        description="A customer's data rights: export everything Nudge holds on them, erase their personal data, and how long raw events are kept. Consent is recorded on each customer's page and through the API. Who opened, exported or erased which customer: Access record."
      />
      <Section title="Export or erase a customer" description="Find the customer by external id, name or email. Each export and erasure is recorded in the access record; an erasure also in the audit log, without the erased data.">
        <form method="get" action="/admin/privacy" role="search" aria-label="Find a customer" className="flex flex-col gap-2 sm:flex-row sm:items-end">
          <label className="flex-1 text-xs font-medium text-slate-700 sm:max-w-sm">
            Customer
            <input name="customer" defaultValue={q} placeholder="CRM-000006, a name or an email" className={`${inputClass} mt-1`} />
          </label>
          <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
            Find
          </button>
        </form>
        {q && found.length === 0 ? <p className="mt-3 text-sm text-slate-600">No customer matches “{q}” (erased customers cannot be found).</p> : null}
        <ul className="mt-3 space-y-3">
          {found.map((c) => (
            <li key={c.id} className="rounded-md border border-slate-200 p-3" data-testid="rights-customer">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <p className="text-sm font-medium text-slate-900">
                  <Link href={`/customers/${c.id}`} className="hover:underline">
                    {c.name}
                  </Link>{" "}
                  <span className="text-xs font-normal text-slate-600">
                    {c.externalId}
                    {c.email ? ` · ${c.email}` : ""}
                  </span>
                </p>
                <a href={`/api/admin/customers/${c.id}/export`} download className="rounded-md px-2 py-1 text-sm font-medium text-brand-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
                  Export JSON
                </a>
              </div>
              <div className="mt-2">
                <EraseForm customerId={c.id} externalId={c.externalId} />
              </div>
            </li>
          ))}
        </ul>
      </Section>
      <Section
        title="Retention of raw events"
        description={`Now: ${days} days. Every day a scheduled job deletes raw events older than this (web visits, email clicks, tickets, contacts but each customer's latest) and strips purchases of their payload, source and idempotency key; purchases themselves stay, since revenue, conversion and lifetime value are built on them.`}
      >
        <RetentionForm days={days} />
        <h3 className="mt-4 text-xs font-semibold text-slate-700">Runs</h3>
        {runs.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">No run yet: the first scheduled run starts within an hour of the server starting.</p>
        ) : (
          <div className="mt-1 overflow-x-auto">
            <table className="w-full min-w-[32rem] text-left text-sm" aria-label="Retention runs">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th scope="col" className="py-1 pr-3 font-medium">Started</th>
                  <th scope="col" className="py-1 pr-3 font-medium">By</th>
                  <th scope="col" className="py-1 pr-3 font-medium">Events before</th>
                  <th scope="col" className="py-1 pr-3 text-right font-medium">Deleted</th>
                  <th scope="col" className="py-1 pr-3 text-right font-medium">Purchases stripped</th>
                  <th scope="col" className="py-1 font-medium">Deleted by type</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td className="py-1 pr-3 whitespace-nowrap">{at(r.startedAt)}</td>
                    <td className="py-1 pr-3">{r.trigger === "schedule" ? "schedule" : (r.actorName ?? "an admin")}</td>
                    <td className="py-1 pr-3 whitespace-nowrap">{r.cutoff.toISOString().slice(0, 10)}</td>
                    <td className="py-1 pr-3 text-right tabular-nums">{r.eventsDeleted.toLocaleString("en-US")}</td>
                    <td className="py-1 pr-3 text-right tabular-nums">{r.eventsStripped.toLocaleString("en-US")}</td>
                    <td className="py-1 text-xs text-slate-600">
                      {Object.entries(r.deletedByType)
                        .map(([t, n]) => `${t.toLowerCase().replace(/_/g, " ")} ${n.toLocaleString("en-US")}`)
                        .join(", ") || "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}
