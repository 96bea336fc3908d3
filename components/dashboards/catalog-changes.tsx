// Changes to the action catalog in a period, from the audit log: who changed
// what, when. For the periodic review (printable: a plain table).
import { auditChanges } from "@/components/admin/audit-table";
import type { AuditEntry } from "@/lib/data/audit";

const when = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
const VERB: Record<string, string> = { create: "Created", update: "Edited", activate: "Switched on", deactivate: "Switched off" };
// Bookkeeping fields every edit touches; they say nothing to a manager.
const HIDDEN = new Set(["version", "updatedAt"]);

/** "Edited: rule, priority" / "Switched off (12 open suggestions expired)". */
export function describeCatalogChange(e: Pick<AuditEntry, "action" | "before" | "after">): string {
  const verb = VERB[e.action] ?? e.action;
  if (e.action === "create") return verb;
  if (e.action === "deactivate") {
    const expired = typeof e.after === "object" && e.after !== null && "expiredRecommendations" in e.after ? Number((e.after as { expiredRecommendations: unknown }).expiredRecommendations) : null;
    return expired ? `${verb} (${expired} open suggestion${expired === 1 ? "" : "s"} expired)` : verb;
  }
  if (e.action === "activate") return verb;
  const fields = auditChanges(e.before, e.after)
    .map((c) => c.field)
    .filter((f) => !HIDDEN.has(f));
  const version = typeof e.after === "object" && e.after !== null && "version" in e.after ? Number((e.after as { version: unknown }).version) : NaN;
  const what = Number.isInteger(version) ? `${verb} (version ${version})` : verb;
  return fields.length ? `${what}: ${fields.join(", ")}` : what;
}

export function CatalogChanges({ entries, truncated }: { entries: AuditEntry[]; truncated: boolean }) {
  if (entries.length === 0) return <p className="text-sm text-slate-600">No changes to the action catalog in this period.</p>;
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Changes to the action catalog in the period">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Changes to the action catalog in the period</caption>
        <thead className="bg-slate-50 text-left text-xs font-medium text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 whitespace-nowrap">
              When (UTC)
            </th>
            <th scope="col" className="px-3 py-2">
              Who
            </th>
            <th scope="col" className="px-3 py-2">
              Action type
            </th>
            <th scope="col" className="px-3 py-2">
              What changed
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((e) => (
            <tr key={e.id} className="align-top">
              <td className="px-3 py-1.5 whitespace-nowrap tabular-nums text-slate-700">
                <time dateTime={e.at.toISOString()}>{when.format(e.at)}</time>
              </td>
              <td className="px-3 py-1.5 text-slate-900">{e.actor?.name ?? "System"}</td>
              <th scope="row" className="px-3 py-1.5 text-left font-medium text-slate-900">
                {e.entityLabel ?? "(deleted action type)"}
              </th>
              <td className="px-3 py-1.5 text-slate-700">{describeCatalogChange(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {truncated ? <p className="mt-2 text-xs text-slate-600">Showing the latest {entries.length} changes; the full list is in the audit log.</p> : null}
    </div>
  );
}
