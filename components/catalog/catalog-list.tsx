// The catalog: a table on wide screens, cards in a narrow sidebar.
import Link from "next/link";
import { StatusBadge } from "@/components/admin/form";
import type { CatalogRow } from "@/lib/data/catalog";
import type { IntrusiveFlag } from "@/lib/metrics/sentiment";
import { formatMoney, formatPct } from "@/lib/format";
import { CATEGORY_LABELS, type ActionCategoryName } from "@/lib/validation/catalog";
import { ActiveToggle } from "./active-toggle";

const category = (c: string) => CATEGORY_LABELS[c as ActionCategoryName] ?? c;
const rate = (a: CatalogRow) => (a.acceptanceRate30d === null ? "—" : formatPct(a.acceptanceRate30d));

/** Raised on an action whose customers' "intrusive" share is rising (lib/metrics/sentiment.ts), with the figures. */
function IntrusiveBadge({ flag }: { flag: IntrusiveFlag | undefined }) {
  if (!flag?.flagged) return null;
  return (
    <span role="note" className="mt-1 block rounded border border-red-200 bg-red-50 px-1.5 py-0.5 text-xs text-red-900">
      <strong className="font-semibold">Customers find this intrusive</strong>
      <span className="block">{flag.summary}</span>
    </span>
  );
}

/** `flags`: the intrusive-share rule per action id (flagged ones show a badge). */
export function CatalogList({ actions, flags = {} }: { actions: CatalogRow[]; flags?: Record<string, IntrusiveFlag> }) {
  return (
    <>
      <div className="hidden overflow-x-auto rounded-lg border border-slate-200 bg-white md:block">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Action types</caption>
          <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Action</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2">Category</th>
              <th scope="col" className="px-3 py-2 text-right">Value</th>
              <th scope="col" className="px-3 py-2 text-right">Lever</th>
              <th scope="col" className="px-3 py-2 text-right">Cool-down</th>
              <th scope="col" className="px-3 py-2 text-right">Control</th>
              <th scope="col" className="px-3 py-2" title="Thompson sampling: tries it more while evidence is thin, within the exploration cap below">
                Explores
              </th>
              <th scope="col" className="px-3 py-2 text-right">Open</th>
              <th scope="col" className="px-3 py-2 text-right" title="Accepted or done, of suggestions reacted to in the last 30 days">
                Accepted 30 d
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Switch</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {actions.map((a) => (
              <tr key={a.id} className={a.active ? "" : "text-slate-500"}>
                <td className="px-3 py-2">
                  <Link href={`/admin/catalog/${a.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                    {a.name}
                  </Link>
                  <span className="block font-mono text-xs text-slate-500">
                    {a.key} · v{a.version}
                  </span>
                  <IntrusiveBadge flag={flags[a.id]} />
                </td>
                <td className="px-3 py-2">
                  <StatusBadge active={a.active} />
                </td>
                <td className="px-3 py-2">{category(a.category)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{formatMoney(a.businessValue)}</td>
                <td className="px-3 py-2 text-right tabular-nums">×{a.lever}</td>
                <td className="px-3 py-2 text-right tabular-nums">{a.cooldownDays} d</td>
                <td className="px-3 py-2 text-right tabular-nums">{a.controlGroupPct}%</td>
                <td className="px-3 py-2">{a.exploration ? "Yes" : "No"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{a.openRecommendations.toLocaleString("en-US")}</td>
                <td className="px-3 py-2 text-right tabular-nums" title={`${a.reacted30d} reacted to`}>
                  {rate(a)}
                </td>
                <td className="px-3 py-2 text-right">
                  <ActiveToggle id={a.id} name={a.name} active={a.active} openRecommendations={a.openRecommendations} compact />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="space-y-2 md:hidden" aria-label="Action types">
        {actions.map((a) => (
          <li key={a.id} className="rounded-lg border border-slate-200 bg-white p-3">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <Link href={`/admin/catalog/${a.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                  {a.name}
                </Link>
                <p className="font-mono text-xs text-slate-500">
                  {a.key} · v{a.version} · {category(a.category)}
                </p>
                <IntrusiveBadge flag={flags[a.id]} />
              </div>
              <StatusBadge active={a.active} />
            </div>
            <dl className="mt-2 grid grid-cols-3 gap-x-2 gap-y-1 text-xs">
              <Stat label="Value" value={formatMoney(a.businessValue)} />
              <Stat label="Lever" value={`×${a.lever}`} />
              <Stat label="Cool-down" value={`${a.cooldownDays} d`} />
              <Stat label="Control" value={`${a.controlGroupPct}%`} />
              <Stat label="Explores" value={a.exploration ? "Yes" : "No"} />
              <Stat label="Open" value={a.openRecommendations.toLocaleString("en-US")} />
              <Stat label="Accepted 30 d" value={rate(a)} />
            </dl>
            <div className="mt-2">
              <ActiveToggle id={a.id} name={a.name} active={a.active} openRecommendations={a.openRecommendations} compact />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex flex-col-reverse">
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium tabular-nums text-slate-900">{value}</dd>
    </div>
  );
}
