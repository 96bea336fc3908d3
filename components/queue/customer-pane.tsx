"use client";
import Link from "next/link";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { formatMoney, segmentLabel } from "@/lib/format";
import type { ReactionInput } from "@/lib/validation/feedback";
import { SuggestionDetail, type Panel } from "./suggestion-detail";

interface Props {
  item: QueueItemDto;
  pending: boolean;
  panel: Panel;
  onPanel: (panel: Panel) => void;
  onReact: (input: ReactionInput) => void;
}

/** From 1024 px, beside the queue: the selected suggestion opened, and who it is for. */
export function CustomerPane({ item, pending, panel, onPanel, onReact }: Props) {
  const c = item.customer;
  const facts: [string, string][] = [
    ["Segment", segmentLabel(c.segment)],
    ["Lifetime value", formatMoney(c.lifetimeValue)],
    ["Email", c.email ?? "none on file"],
    ["Phone", c.phone ?? "none on file"],
  ];
  return (
    <section aria-labelledby="pane-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-3 flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id="pane-title" className="truncate text-base font-semibold text-slate-900">
            {c.name}
          </h2>
          <p className="truncate text-sm text-slate-600">{c.company ?? c.externalId}</p>
        </div>
        <Link href={`/customers/${c.id}`} className="shrink-0 rounded text-sm font-medium text-brand-700 hover:underline">
          Customer page
        </Link>
      </div>
      <dl className="mb-4 grid grid-cols-2 gap-x-4 gap-y-1.5 text-sm">
        {facts.map(([k, v]) => (
          <div key={k} className="min-w-0">
            <dt className="text-xs text-slate-600">{k}</dt>
            <dd className="truncate text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
      <h3 className="mb-1.5 text-sm font-semibold text-slate-900">
        {item.action.name}
        <span className="ml-2 font-normal tabular-nums text-slate-600">{formatMoney(item.expectedValue)} expected</span>
      </h3>
      <SuggestionDetail item={item} panel={panel} onPanel={onPanel} onReact={onReact} pending={pending} />
    </section>
  );
}
