"use client";
import { forwardRef } from "react";
import { CATEGORY_ICON, Icon } from "@/components/ui/icons";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { closesIn, closesShort, formatMoney } from "@/lib/format";
import type { ReactionInput } from "@/lib/validation/feedback";
import { SuggestionDetail, type Panel } from "./suggestion-detail";

interface Props {
  item: QueueItemDto;
  rank: number;
  selected: boolean;
  /** Arrived by push since the rep last looked: highlighted until selected. */
  fresh: boolean;
  pending: boolean;
  panel: Panel;
  onSelect: () => void;
  onPanel: (panel: Panel) => void;
  onReact: (input: ReactionInput) => void;
}

/**
 * One suggestion as one line (category icon, customer, action, value, when it
 * closes); the selected one opens underneath to its message, reasons and
 * reactions. From 1024 px the opened part lives in the detail pane instead.
 */
export const QueueRow = forwardRef<HTMLButtonElement, Props>(function QueueRow({ item, rank, selected, fresh, pending, panel, onSelect, onPanel, onReact }, ref) {
  const label = `${item.action.name} for ${item.customer.name}`;
  const accepted = item.status === "ACCEPTED";
  const expires = new Date(item.expiresAt);
  return (
    <li
      data-recommendation-id={item.id}
      data-status={item.status}
      data-fresh={fresh ? "true" : undefined}
      aria-current={selected ? "true" : undefined}
      aria-label={`${rank}. ${label}`}
      className={`border-b border-slate-200 last:border-b-0 ${selected ? "bg-brand-50" : fresh ? "bg-amber-50" : "bg-white"}`}
    >
      <button
        ref={ref}
        type="button"
        aria-expanded={selected}
        aria-label={`${label}, ${formatMoney(item.expectedValue)} expected, ${closesIn(expires).toLowerCase()}${accepted ? ", accepted" : ""}${pending ? ", pending" : ""}`}
        onClick={onSelect}
        onFocus={onSelect}
        className={`flex h-9 w-full items-center gap-2 px-2 text-left text-sm outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-brand-500 ${selected ? "" : "hover:bg-slate-50"}`}
      >
        <Icon name={CATEGORY_ICON[item.action.category] ?? "offer"} className={`size-4 shrink-0 ${accepted ? "text-emerald-700" : "text-brand-700"}`} />
        <span className="min-w-0 flex-1 truncate">
          <span className="font-medium text-slate-900">{item.customer.name}</span>
          <span className="text-slate-600"> · {item.action.name}</span>
        </span>
        {fresh ? <span className="shrink-0 rounded bg-amber-200 px-1 text-[10px] font-semibold uppercase text-amber-950">New</span> : null}
        {accepted ? <Icon name="check" className="size-3.5 shrink-0 text-emerald-700" /> : null}
        {pending ? <span className="size-2 shrink-0 rounded-full bg-amber-500" /> : null}
        <span data-tour={rank === 1 ? "value" : undefined} className="w-14 shrink-0 text-right font-medium tabular-nums text-slate-900">{formatMoney(item.expectedValue)}</span>
        <span className="w-9 shrink-0 text-right text-xs tabular-nums text-slate-600">{closesShort(expires)}</span>
      </button>
      {selected ? (
        <div className="px-2 pb-2.5 pl-8 lg:hidden">
          <SuggestionDetail item={item} panel={panel} onPanel={onPanel} onReact={onReact} pending={pending} />
        </div>
      ) : null}
    </li>
  );
});
