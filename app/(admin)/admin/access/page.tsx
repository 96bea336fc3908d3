import type { Metadata } from "next";
import Link from "next/link";
import { inputClass } from "@/components/admin/form";
import { OlderNewer } from "@/components/ui/older-newer";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listAccessUsers, listCustomerAccess } from "@/lib/data/data-rights";

export const metadata: Metadata = { title: "Access record" };

const KINDS = { VIEW: "Opened", EXPORT: "Exported", ERASE: "Erased" } as const;
type Kind = keyof typeof KINDS;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
const isUuid = (s: string) => /^[0-9a-f-]{36}$/i.test(s);
const at = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function AccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("privacy.manage");
  const sp = await searchParams;
  const user = isUuid(one(sp.user)) ? one(sp.user) : "";
  const kind = one(sp.kind) in KINDS ? (one(sp.kind) as Kind) : undefined;
  const customer = one(sp.customer).trim().slice(0, 100);
  const from = isDay(one(sp.from)) ? one(sp.from) : "";
  const to = isDay(one(sp.to)) ? one(sp.to) : "";
  const before = Number(one(sp.before)) || undefined;
  const [log, users] = await Promise.all([
    listCustomerAccess({
      userId: user || undefined,
      kind,
      customer: customer || undefined,
      from: from ? new Date(`${from}T00:00:00Z`) : undefined,
      to: to ? new Date(`${to}T00:00:00Z`) : undefined,
      beforeId: before,
    }),
    listAccessUsers(),
  ]);
  const query = (extra: Record<string, string>) =>
    `/admin/access?${new URLSearchParams(Object.entries({ user, kind: kind ?? "", customer, from, to, ...extra }).filter(([, v]) => v !== ""))}`;
  return (
    <div className="space-y-4">
      <PageHeader title="Access record" description="Who opened which customer's page (in the app or a CRM's embedded panel), and who exported or erased which customer, by a person or an API key. Newest first." />
      <form method="get" action="/admin/access" aria-label="Filter the access record" className="grid grid-cols-1 gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-6 sm:items-end">
        <label className="text-xs font-medium text-slate-700 sm:col-span-2">
          Customer
          <input name="customer" defaultValue={customer} placeholder="Name or external id" className={`${inputClass} mt-1`} />
        </label>
        <label className="text-xs font-medium text-slate-700">
          Who
          <select name="user" defaultValue={user} className={`${inputClass} mt-1`}>
            <option value="">Anyone</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-700">
          What
          <select name="kind" defaultValue={kind ?? ""} className={`${inputClass} mt-1`}>
            <option value="">Anything</option>
            {(Object.keys(KINDS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KINDS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-700">
          From
          <input type="date" name="from" defaultValue={from} className={`${inputClass} mt-1`} />
        </label>
        <label className="text-xs font-medium text-slate-700">
          To
          <input type="date" name="to" defaultValue={to} className={`${inputClass} mt-1`} />
        </label>
        <div className="flex gap-2 sm:col-span-6">
          <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
            Filter
          </button>
          <Link href="/admin/access" className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
            Clear
          </Link>
        </div>
      </form>
      {log.entries.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-600">Nothing recorded{user || kind || customer || from || to ? " for these filters" : " yet"}.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white px-3" aria-label="Access record entries">
          {log.entries.map((e) => (
            <li key={e.id} className="flex flex-col gap-0.5 py-2 text-sm sm:flex-row sm:items-baseline sm:gap-3" data-testid="access-entry">
              <span className="w-40 shrink-0 text-xs text-slate-500 tabular-nums">{at(e.at)}</span>
              <span className="text-slate-900">
                <span className="font-medium">{e.user ? e.user.name : e.apiKey ? `API key “${e.apiKey.name}”` : "someone since removed"}</span> {KINDS[e.kind].toLowerCase()}{" "}
                {e.customer.erased ? (
                  <span className="font-medium">an erased customer</span>
                ) : (
                  <Link href={`/customers/${e.customer.id}`} className="font-medium text-brand-700 hover:underline">
                    {e.customer.name}
                  </Link>
                )}{" "}
                {!e.customer.erased ? <span className="text-xs text-slate-500">{e.customer.externalId}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      )}
      <OlderNewer newestHref={before ? query({}) : null} olderHref={log.nextBeforeId ? query({ before: String(log.nextBeforeId) }) : null} />
    </div>
  );
}
