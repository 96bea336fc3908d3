import type { PastRecommendation } from "@/lib/data/customers";
import { isOpen } from "@/lib/domain/vocabulary";
import { formatDate, formatMoney } from "@/lib/format";

const STATUS: Record<string, string> = {
  PENDING: "open",
  ACCEPTED: "accepted",
  SNOOZED: "snoozed",
  DONE: "done",
  DISMISSED: "dismissed",
  EXPIRED: "expired",
};
/** A reaction as the rep made it ("marked done", not the status word "done" again). */
const REACTION: Record<string, string> = {
  ACCEPT: "accepted",
  DISMISS: "dismissed",
  SNOOZE: "snoozed",
  DONE: "marked done",
  UNDO: "undone",
};
const REASON: Record<string, string> = {
  NOT_RELEVANT: "not relevant",
  ALREADY_DONE: "already done",
  BAD_TIMING: "bad timing",
  CUSTOMER_DECLINED: "customer declined",
  OTHER: "other",
};

export function RecommendationHistory({ items }: { items: PastRecommendation[] }) {
  const past = items.filter((i) => !i.isControl && !isOpen(i.status));
  if (past.length === 0) return <p className="text-sm text-slate-600">No suggestions yet.</p>;
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" aria-label="Past suggestions">
      {past.map((r) => (
        <li key={r.id} className="px-3 py-2 text-sm">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <p className="font-medium text-slate-900">{r.actionName}</p>
            <p className="text-xs text-slate-500">
              {formatDate(r.createdAt)} · {r.repName}
            </p>
          </div>
          <p className="mt-0.5 text-xs text-slate-600">
            <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700">{STATUS[r.status] ?? r.status}</span>
            {r.reactions.length ? (
              <span className="ml-1.5">
                {r.reactions.map((f) => `${REACTION[f.kind] ?? f.kind.toLowerCase()}${f.reason ? ` (${REASON[f.reason] ?? f.reason})` : ""}${f.note ? ` “${f.note}”` : ""} ${formatDate(f.at)}`).join(" → ")}
              </span>
            ) : null}
            {r.converted ? <span className="ml-1.5 font-medium text-emerald-700">· purchase {formatMoney(r.converted.amount)} on {formatDate(r.converted.at)}</span> : null}
          </p>
        </li>
      ))}
    </ul>
  );
}
