import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/admin/audit-table";
import { inputClass } from "@/components/admin/form";
import { OlderNewer } from "@/components/ui/older-newer";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { AUDIT_ENTITIES, listAuditActors, listAuditLog, type AuditEntity } from "@/lib/data/audit";

export const metadata: Metadata = { title: "Audit log" };

const ENTITY_LABELS: Record<AuditEntity, string> = { ActionType: "Action types", User: "Users", Team: "Teams", ApiKey: "API keys", ProgramSettings: "Program settings", WebhookEndpoint: "Webhooks", ModelVersion: "Model versions", ModelAlert: "Drift alerts", CustomerImport: "Customer imports", EmbedOrigin: "Embed origins", AdoptionTarget: "Adoption targets", Customer: "Customers (erasure)" };
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
const isUuid = (s: string) => /^[0-9a-f-]{36}$/i.test(s);

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("users.manage");
  const sp = await searchParams;
  const entity = (AUDIT_ENTITIES as readonly string[]).includes(one(sp.entity)) ? (one(sp.entity) as AuditEntity) : undefined;
  const actor = isUuid(one(sp.actor)) ? one(sp.actor) : "";
  const entityId = one(sp.entityId);
  const from = isDay(one(sp.from)) ? one(sp.from) : "";
  const to = isDay(one(sp.to)) ? one(sp.to) : "";
  const before = Number(one(sp.before)) || undefined;
  const [log, actors] = await Promise.all([
    listAuditLog({
      entity,
      entityId: entityId || undefined,
      actorId: actor || undefined,
      from: from ? new Date(`${from}T00:00:00Z`) : undefined,
      to: to ? new Date(`${to}T00:00:00Z`) : undefined,
      beforeId: before,
      take: 50,
    }),
    listAuditActors(),
  ]);
  const query = (extra: Record<string, string>) =>
    `/admin/audit?${new URLSearchParams(Object.entries({ entity: entity ?? "", entityId, actor, from, to, ...extra }).filter(([, v]) => v !== ""))}`;
  return (
    <div className="space-y-4">
      <PageHeader title="Audit log" description="Every change to the catalog, users, teams and API keys: who, when, before and after." />
      <form method="get" action="/admin/audit" aria-label="Filter the audit log" className="grid grid-cols-1 gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-5 sm:items-end">
        <label className="text-xs font-medium text-slate-700">
          Entity
          <select name="entity" defaultValue={entity ?? ""} className={`${inputClass} mt-1`}>
            <option value="">All</option>
            {AUDIT_ENTITIES.map((e) => (
              <option key={e} value={e}>
                {ENTITY_LABELS[e]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-700">
          Who
          <select name="actor" defaultValue={actor} className={`${inputClass} mt-1`}>
            <option value="">Anyone</option>
            {actors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
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
        <div className="flex gap-2">
          {entityId ? <input type="hidden" name="entityId" value={entityId} /> : null}
          <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
            Filter
          </button>
          <Link href="/admin/audit" className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
            Clear
          </Link>
        </div>
      </form>
      {entityId ? (
        <p className="text-xs text-slate-600">
          Showing one {entity ? ENTITY_LABELS[entity].replace(/s$/, "").toLowerCase() : "entity"} only.{" "}
          <Link href={query({ entityId: "" })} className="text-brand-700 hover:underline">
            Show all
          </Link>
        </p>
      ) : null}
      <div className="rounded-lg border border-slate-200 bg-white px-3">
        <AuditTable entries={log.entries} />
      </div>
      <OlderNewer newestHref={before ? query({}) : null} olderHref={log.nextBeforeId ? query({ before: String(log.nextBeforeId) }) : null} />
    </div>
  );
}
