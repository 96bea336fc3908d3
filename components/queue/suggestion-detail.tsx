"use client";
import { Icon } from "@/components/ui/icons";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { closesIn } from "@/lib/format";
import type { ReactionInput } from "@/lib/validation/feedback";
import { DismissPanel } from "./dismiss-panel";
import { SnoozePanel } from "./snooze-panel";

export type Panel = "dismiss" | "snooze" | null;

const key = () => crypto.randomUUID();

const BTN = "inline-flex h-8 items-center justify-center gap-1 rounded-md px-2 text-xs font-medium transition-colors";
const PRIMARY = `${BTN} bg-brand-600 text-white hover:bg-brand-700`;
const SECONDARY = `${BTN} bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`;

interface Props {
  item: QueueItemDto;
  panel: Panel;
  onPanel: (panel: Panel) => void;
  onReact: (input: ReactionInput) => void;
  /** Shown while a reaction waits for the network (offline) or the server. */
  pending?: boolean;
}

/**
 * A suggestion opened: the message, why, when it closes, and the rep's four
 * reactions as compact icon buttons (each with its name for assistive tech and
 * a tooltip); the snooze and dismiss choices open underneath.
 */
export function SuggestionDetail({ item, panel, onPanel, onReact, pending }: Props) {
  const label = `${item.action.name} for ${item.customer.name}`;
  const accepted = item.status === "ACCEPTED";
  return (
    <div data-detail-for={item.id} className="space-y-2 text-sm">
      <p className="text-slate-700">{item.message}</p>
      {item.reasons.length ? (
        <ul data-tour="reasons" className="flex flex-wrap gap-1" aria-label="Why this suggestion">
          {item.reasons.map((r) => (
            <li key={r.code + r.text} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
              {r.text}
            </li>
          ))}
        </ul>
      ) : null}
      <div data-tour="reactions" className="flex flex-wrap items-center gap-1" role="group" aria-label={`Actions for ${label}`}>
        {/* Accepted keeps its place (disabled), so Done never moves under a second click. */}
        <button
          type="button"
          className={`${PRIMARY} disabled:cursor-default disabled:bg-emerald-50 disabled:text-emerald-800`}
          disabled={accepted}
          aria-keyshortcuts="a"
          title="Accept (a)"
          onClick={() => onReact({ kind: "ACCEPT", recommendationId: item.id, idempotencyKey: key() })}
        >
          <Icon name="check" />
          {accepted ? "Accepted" : "Accept"}
        </button>
        <button type="button" className={accepted ? PRIMARY : SECONDARY} aria-keyshortcuts="x" title="Done (x)" onClick={() => onReact({ kind: "DONE", recommendationId: item.id, idempotencyKey: key() })}>
          <Icon name="done" />
          Done
        </button>
        <button type="button" className={SECONDARY} aria-label="Snooze" title="Snooze (s)" aria-keyshortcuts="s" aria-expanded={panel === "snooze"} onClick={() => onPanel(panel === "snooze" ? null : "snooze")}>
          <Icon name="snooze" />
          <span aria-hidden="true" className="hidden min-[400px]:inline">
            Snooze
          </span>
        </button>
        <button type="button" className={SECONDARY} aria-label="Dismiss" title="Dismiss (d)" aria-keyshortcuts="d" aria-expanded={panel === "dismiss"} onClick={() => onPanel(panel === "dismiss" ? null : "dismiss")}>
          <Icon name="dismiss" />
          <span aria-hidden="true" className="hidden min-[400px]:inline">
            Dismiss
          </span>
        </button>
        <span className="ml-auto text-xs text-slate-600">
          {pending ? <span className="mr-1.5 rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900">Pending</span> : null}
          {closesIn(new Date(item.expiresAt))}
        </span>
      </div>
      {panel === "dismiss" ? (
        <DismissPanel onCancel={() => onPanel(null)} onDismiss={(reason, note) => onReact({ kind: "DISMISS", recommendationId: item.id, reason, note, idempotencyKey: key() })} />
      ) : null}
      {panel === "snooze" ? <SnoozePanel onCancel={() => onPanel(null)} onSnooze={(until) => onReact({ kind: "SNOOZE", recommendationId: item.id, snoozeUntil: until, idempotencyKey: key() })} /> : null}
    </div>
  );
}
