"use client";
import Link from "next/link";
import { forwardRef } from "react";
import { Button } from "@/components/ui/button";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { formatMoney, relativeDays } from "@/lib/format";
import type { ReactionInput } from "@/lib/validation/feedback";
import { DismissPanel } from "./dismiss-panel";
import { SnoozePanel } from "./snooze-panel";

export type Panel = "dismiss" | "snooze" | null;

interface Props {
  item: QueueItemDto;
  rank: number;
  selected: boolean;
  panel: Panel;
  onSelect: () => void;
  onPanel: (panel: Panel) => void;
  onReact: (input: ReactionInput) => void;
  /** Link the customer's name to their page (off where the page is the customer's own). */
  linkCustomer?: boolean;
}

const key = () => crypto.randomUUID();

/** One suggestion: who, what, why, worth; and the rep's four reactions. */
export const QueueCard = forwardRef<HTMLLIElement, Props>(function QueueCard({ item, rank, selected, panel, onSelect, onPanel, onReact, linkCustomer = true }, ref) {
  const label = `${item.action.name} for ${item.customer.name}`;
  const accepted = item.status === "ACCEPTED";
  return (
    <li
      ref={ref}
      tabIndex={-1}
      data-recommendation-id={item.id}
      aria-current={selected ? "true" : undefined}
      aria-label={`${rank}. ${label}`}
      onFocus={onSelect}
      onClick={onSelect}
      className={`rounded-lg border bg-white p-3 shadow-sm outline-none transition-shadow ${selected ? "border-brand-500 ring-2 ring-brand-500/30" : "border-slate-200"}`}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-brand-700">
            {item.action.name}
            {accepted ? <span className="rounded bg-emerald-50 px-1.5 py-0.5 text-[11px] font-medium normal-case tracking-normal text-emerald-700">Accepted</span> : null}
          </p>
          {linkCustomer ? (
            <Link href={`/customers/${item.customer.id}`} className="block truncate text-sm font-semibold text-slate-900 hover:text-brand-700 hover:underline">
              {item.customer.name}
              {item.customer.company ? <span className="font-normal text-slate-500"> · {item.customer.company}</span> : null}
            </Link>
          ) : null}
        </div>
        <div className="shrink-0 text-right">
          <p className="text-sm font-semibold tabular-nums text-slate-900">{formatMoney(item.expectedValue)}</p>
          <p className="text-[11px] leading-tight text-slate-500">expected value</p>
        </div>
      </div>
      <p className="mt-1.5 text-sm text-slate-700">{item.message}</p>
      {item.reasons.length ? (
        <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Why this suggestion">
          {item.reasons.map((r) => (
            <li key={r.code + r.text} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
              {r.text}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-3 flex flex-wrap items-center gap-1.5" role="group" aria-label={`Actions for ${label}`}>
        {!accepted ? (
          <Button onClick={() => onReact({ kind: "ACCEPT", recommendationId: item.id, idempotencyKey: key() })} aria-keyshortcuts="a">
            Accept
          </Button>
        ) : null}
        <Button variant={accepted ? "primary" : "secondary"} onClick={() => onReact({ kind: "DONE", recommendationId: item.id, idempotencyKey: key() })} aria-keyshortcuts="x">
          Done
        </Button>
        <Button variant="secondary" aria-expanded={panel === "snooze"} onClick={() => onPanel(panel === "snooze" ? null : "snooze")} aria-keyshortcuts="s">
          Snooze
        </Button>
        <Button variant="ghost" aria-expanded={panel === "dismiss"} onClick={() => onPanel(panel === "dismiss" ? null : "dismiss")} aria-keyshortcuts="d">
          Dismiss
        </Button>
        <span className="ml-auto text-xs text-slate-500">Open until {relativeDays(new Date(item.expiresAt))}</span>
      </div>
      {panel === "dismiss" ? (
        <DismissPanel onCancel={() => onPanel(null)} onDismiss={(reason, note) => onReact({ kind: "DISMISS", recommendationId: item.id, reason, note, idempotencyKey: key() })} />
      ) : null}
      {panel === "snooze" ? (
        <SnoozePanel expiresAt={item.expiresAt} onCancel={() => onPanel(null)} onSnooze={(until) => onReact({ kind: "SNOOZE", recommendationId: item.id, snoozeUntil: until, idempotencyKey: key() })} />
      ) : null}
    </li>
  );
});
