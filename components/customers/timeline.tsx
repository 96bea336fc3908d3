import type { TimelineEvent } from "@/lib/data/customers";
import type { EventType } from "@/lib/generated/prisma/enums";
import { formatDate, formatMoney } from "@/lib/format";

// Every event type has words for the rep (a new type fails to compile until it gets some).
const LABEL: Record<EventType, string> = {
  PURCHASE: "Purchase",
  WEB_VISIT: "Web visit",
  EMAIL_CLICK: "Email click",
  SUPPORT_TICKET: "Support ticket",
  MEETING: "Meeting",
  CALL: "Call",
  EMAIL_SENT: "Email sent",
  CONTACT_FEEDBACK: "Customer feedback",
};
const DOT: Record<string, string> = {
  PURCHASE: "bg-emerald-500",
  SUPPORT_TICKET: "bg-amber-500",
  MEETING: "bg-brand-500",
  CALL: "bg-brand-500",
  EMAIL_SENT: "bg-brand-500",
};

/** Where an event came from, when that tells the rep something: the demo's own data ("seed") says nothing. */
function sourceLabel(source: string | null): string | null {
  return !source || source === "seed" ? null : source;
}

export function Timeline({ events }: { events: TimelineEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-600">No activity recorded yet.</p>;
  return (
    <ol className="space-y-0" aria-label="Activity timeline">
      {events.map((e) => (
        <li key={e.id} className="flex gap-3 border-l border-slate-200 pb-3 pl-3 last:pb-0">
          <span aria-hidden className={`-ml-[17px] mt-1.5 size-2 shrink-0 rounded-full ring-4 ring-slate-50 ${DOT[e.type] ?? "bg-slate-400"}`} />
          <div className="min-w-0 text-sm">
            <p className="text-slate-900">
              <span className="font-medium">{LABEL[e.type]}</span>
              {e.amount !== null ? <span className="ml-1.5 tabular-nums text-emerald-700">{formatMoney(e.amount)}</span> : null}
              {e.summary ? <span className="text-slate-600"> · {e.summary}</span> : null}
            </p>
            <p className="text-xs text-slate-500">
              <time dateTime={e.occurredAt.toISOString()}>{formatDate(e.occurredAt)}</time>
              {sourceLabel(e.source) ? ` · via ${sourceLabel(e.source)}` : ""}
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}
