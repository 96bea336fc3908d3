"use client";
import { CATEGORY_ICON, Icon } from "@/components/ui/icons";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { formatMoney } from "@/lib/format";
import type { ReactionInput } from "@/lib/validation/feedback";
import { SuggestionDetail, type Panel } from "./suggestion-detail";

export type { Panel };

interface Props {
  item: QueueItemDto;
  panel: Panel;
  onPanel: (panel: Panel) => void;
  onReact: (input: ReactionInput) => void;
}

/** One suggestion, always open: for a customer's own page and the embed, where there are only a few. */
export function QueueCard({ item, panel, onPanel, onReact }: Props) {
  return (
    <li data-recommendation-id={item.id} data-status={item.status} aria-label={item.action.name} className="rounded-lg border border-slate-200 bg-white p-2.5">
      <p className="mb-1 flex items-center gap-1.5 text-sm font-semibold text-slate-900">
        <Icon name={CATEGORY_ICON[item.action.category] ?? "offer"} className="size-4 shrink-0 text-brand-700" />
        <span className="min-w-0 flex-1 truncate">{item.action.name}</span>
        <span className="shrink-0 tabular-nums">{formatMoney(item.expectedValue)}</span>
      </p>
      <SuggestionDetail item={item} panel={panel} onPanel={onPanel} onReact={onReact} />
    </li>
  );
}
