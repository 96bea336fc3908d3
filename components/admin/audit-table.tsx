// The audit trail as a compact list: who did what to which entity, when, and
// what changed (before -> after for each field that differs).
import Link from "next/link";
import type { AuditEntity, AuditEntry } from "@/lib/data/audit";

const ENTITY_HREF: Record<string, (id: string) => string> = {
  ActionType: (id) => `/admin/catalog/${id}`,
  User: (id) => `/admin/users/${id}`,
  ApiKey: () => "/admin/api-keys",
  WebhookEndpoint: () => "/admin/webhooks",
  EmbedOrigin: () => "/admin/api-keys",
  Team: () => "/admin/users#teams",
};
const ENTITY_LABEL: Record<AuditEntity, string> = { ActionType: "Action", User: "User", ApiKey: "API key", Team: "Team", ProgramSettings: "Settings", WebhookEndpoint: "Webhook", ModelVersion: "Model version", ModelAlert: "Drift alert", CustomerImport: "Import", EmbedOrigin: "Embed origin", AdoptionTarget: "Target", Customer: "Customer" };

const dateTime = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" });

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v.length > 80 ? `${v.slice(0, 77)}…` : v;
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Fields whose value differs (or that exist on one side only). */
export function auditChanges(before: unknown, after: unknown): { field: string; before: unknown; after: unknown }[] {
  const b = isObj(before) ? before : {};
  const a = isObj(after) ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => ({ field: k, before: b[k], after: a[k] }));
}

export function AuditTable({ entries, showEntity = true }: { entries: AuditEntry[]; showEntity?: boolean }) {
  if (entries.length === 0) return <p className="text-sm text-slate-600">No changes recorded yet.</p>;
  return (
    <ol className="divide-y divide-slate-100" aria-label="Audit log">
      {entries.map((e) => {
        const changes = auditChanges(e.before, e.after);
        const href = ENTITY_HREF[e.entity]?.(e.entityId);
        return (
          <li key={e.id} className="py-2 text-sm">
            <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
              <span className="font-medium text-slate-900">{e.actor?.name ?? "System"}</span>
              <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">{e.action}</span>
              {showEntity ? (
                <span className="min-w-0 text-slate-700">
                  {ENTITY_LABEL[e.entity as AuditEntity] ?? e.entity}{" "}
                  {href ? (
                    <Link href={href} className="font-medium text-brand-700 hover:underline">
                      {e.entityLabel ?? e.entityId.slice(0, 8)}
                    </Link>
                  ) : (
                    (e.entityLabel ?? e.entityId)
                  )}
                </span>
              ) : null}
              <time dateTime={e.at.toISOString()} className="ml-auto text-xs tabular-nums text-slate-500">
                {dateTime.format(e.at)}
              </time>
            </div>
            {changes.length ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-slate-600 hover:text-slate-900">
                  {changes.length} field{changes.length === 1 ? "" : "s"}: {changes.slice(0, 4).map((c) => c.field).join(", ")}
                  {changes.length > 4 ? "…" : ""}
                </summary>
                <table className="mt-1 w-full table-fixed text-xs">
                  <thead className="text-left text-slate-500">
                    <tr>
                      <th scope="col" className="w-1/4 py-0.5 pr-2 font-medium">Field</th>
                      <th scope="col" className="py-0.5 pr-2 font-medium">Before</th>
                      <th scope="col" className="py-0.5 font-medium">After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.map((c) => (
                      <tr key={c.field} className="align-top">
                        <td className="break-words py-0.5 pr-2 font-mono text-slate-600">{c.field}</td>
                        <td className="break-words py-0.5 pr-2 text-red-800">{show(c.before)}</td>
                        <td className="break-words py-0.5 text-emerald-800">{show(c.after)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
