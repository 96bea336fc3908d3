"use client";
import { useEffect, useRef, useState } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { QueueCard, type Panel } from "./queue-card";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { useQueue } from "./use-queue";

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

/** Today's queue with keyboard control: j/k move, a accept, d dismiss, s snooze, x done, u undo, ? help. */
export function QueueView({ initialItems }: { initialItems: QueueItemDto[] }) {
  const { items, react, undo, refreshError } = useQueue(initialItems);
  // Selection by id, falling back to the same position when that item leaves
  // the list (so after a reaction the next suggestion is selected).
  const [sel, setSel] = useState<{ id: string | null; index: number }>({ id: initialItems[0]?.id ?? null, index: 0 });
  const [panel, setPanel] = useState<{ id: string; kind: Panel } | null>(null);
  const [help, setHelp] = useState(false);
  const refs = useRef(new Map<string, HTMLLIElement>());

  const found = items.findIndex((i) => i.id === sel.id);
  const selectedIndex = found >= 0 ? found : Math.min(sel.index, items.length - 1);
  const selected = items[selectedIndex] ?? null;
  const select = (id: string) => setSel({ id, index: Math.max(0, items.findIndex((i) => i.id === id)) });

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target) || help) return;
      if (e.key === "?") {
        e.preventDefault();
        setHelp(true);
        return;
      }
      if (e.key === "u") {
        e.preventDefault();
        undo();
        return;
      }
      if (!selected) return;
      const move = (delta: number) => {
        const next = items[Math.min(items.length - 1, Math.max(0, selectedIndex + delta))];
        if (next) {
          setSel({ id: next.id, index: items.indexOf(next) });
          setPanel(null);
          refs.current.get(next.id)?.focus();
          refs.current.get(next.id)?.scrollIntoView({ block: "nearest" });
        }
      };
      const key = () => crypto.randomUUID();
      switch (e.key) {
        case "j":
        case "ArrowDown":
          e.preventDefault();
          move(1);
          break;
        case "k":
        case "ArrowUp":
          e.preventDefault();
          move(-1);
          break;
        case "a":
          e.preventDefault();
          if (selected.status !== "ACCEPTED") react(selected, { kind: "ACCEPT", recommendationId: selected.id, idempotencyKey: key() });
          break;
        case "x":
          e.preventDefault();
          react(selected, { kind: "DONE", recommendationId: selected.id, idempotencyKey: key() });
          break;
        case "d":
          e.preventDefault();
          setPanel({ id: selected.id, kind: "dismiss" });
          break;
        case "s":
          e.preventDefault();
          setPanel({ id: selected.id, kind: "snooze" });
          break;
      }
    }
    window.addEventListener("keydown", onKey);
    // Lets tests (and curious people) see that the shortcuts are live.
    document.body.dataset.queueKeys = "on";
    return () => {
      window.removeEventListener("keydown", onKey);
      delete document.body.dataset.queueKeys;
    };
  }, [items, selected, selectedIndex, react, undo, help]);

  const accepted = items.filter((i) => i.status === "ACCEPTED").length;
  return (
    <div>
      <div className="mb-3 flex items-center justify-between gap-2 text-sm text-slate-600">
        <p aria-live="polite">
          {items.length === 0 ? "Nothing left today" : `${items.length} left today`}
          {accepted ? ` · ${accepted} accepted, to do` : ""}
        </p>
        <button type="button" onClick={() => setHelp(true)} className="rounded px-1.5 py-0.5 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800">
          <span className="hidden sm:inline">Keyboard shortcuts</span>
          <span className="sr-only sm:hidden">Keyboard shortcuts</span>
          <kbd className="ml-1 rounded border border-slate-300 px-1 font-mono">?</kbd>
        </button>
      </div>
      {refreshError ? (
        <p role="alert" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          We couldn&apos;t refresh the queue; showing what we have. We&apos;ll retry shortly.
        </p>
      ) : null}
      {items.length === 0 ? (
        <EmptyState title="All caught up">New suggestions appear here as your customers&apos; activity comes in.</EmptyState>
      ) : (
        <ol className="space-y-2" aria-label="Suggested actions, best first">
          {items.map((item, i) => (
            <QueueCard
              key={item.id}
              ref={(el) => {
                if (el) refs.current.set(item.id, el);
                else refs.current.delete(item.id);
              }}
              item={item}
              rank={i + 1}
              selected={item.id === selected?.id}
              panel={panel?.id === item.id ? panel.kind : null}
              onSelect={() => select(item.id)}
              onPanel={(kind) => setPanel(kind ? { id: item.id, kind } : null)}
              onReact={(input) => {
                setPanel(null);
                react(item, input);
              }}
            />
          ))}
        </ol>
      )}
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
