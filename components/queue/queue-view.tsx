"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { usePaletteCommands, type Command } from "@/components/shell/command-palette";
import { EmptyState } from "@/components/ui/empty-state";
import { Icon } from "@/components/ui/icons";
import { recordFeatureAction } from "@/lib/actions/engagement";
import { CustomerPane } from "./customer-pane";
import { PulseSurvey, REACTED_EVENT } from "./pulse-survey";
import { QueueRow } from "./queue-row";
import { ShortcutsDialog } from "./shortcuts-dialog";
import type { Panel } from "./suggestion-detail";
import { useQueue, type QueueData } from "./use-queue";

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

/**
 * Today's queue: one line per suggestion, the selected one opened (underneath
 * it, or from 1024 px in a pane beside the list with its customer). Keys: j/k
 * or arrows move, a accept, d dismiss, s snooze, x done, u undo, ? help. Focus
 * goes back to the selected row whenever a panel closes, a reaction removes a
 * row, or undo puts one back.
 */
export function QueueView({ initial, userId, pulse = { nps: false, csat: false } }: { initial: QueueData; userId: string; pulse?: { nps: boolean; csat: boolean } }) {
  // Selection by id, falling back to the same position when that item leaves
  // the list (so after a reaction the next suggestion is selected).
  const [sel, setSel] = useState<{ id: string | null; index: number }>({ id: initial.items[0]?.id ?? null, index: 0 });
  const [focusWanted, setFocusWanted] = useState(0);
  const onRestored = useCallback((id: string) => {
    setSel((s) => ({ id, index: s.index }));
    setFocusWanted((n) => n + 1);
  }, []);
  const { items, pending, fresh, markSeen, live, online, refreshError, react, undo } = useQueue(initial, { userId, onRestored });
  const [panel, setPanel] = useState<{ id: string; kind: Panel } | null>(null);
  const [help, setHelp] = useState(false);
  const refs = useRef(new Map<string, HTMLButtonElement>());

  const found = items.findIndex((i) => i.id === sel.id);
  const selectedIndex = found >= 0 ? found : Math.min(sel.index, items.length - 1);
  const selected = items[selectedIndex] ?? null;
  const select = useCallback((id: string, index: number) => setSel({ id, index }), []);
  const focusSelected = () => setFocusWanted((n) => n + 1);

  // The selected row takes focus when asked (after a panel, a reaction or an undo), once it is rendered.
  const selectedId = selected?.id;
  useEffect(() => {
    if (focusWanted === 0 || !selectedId) return;
    const el = refs.current.get(selectedId);
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: "nearest" });
  }, [focusWanted, selectedId]);

  // Lets tests see that the live stream is connected.
  useEffect(() => {
    document.body.dataset.queueLive = live ? "on" : "off";
    return () => {
      delete document.body.dataset.queueLive;
    };
  }, [live]);

  // A fresh suggestion stops being fresh once selected.
  useEffect(() => {
    if (selectedId) markSeen([selectedId]);
  }, [selectedId, markSeen]);

  // The tab's title counts what arrived while the rep looked elsewhere.
  const baseTitle = useRef<string | null>(null);
  useEffect(() => {
    baseTitle.current ??= document.title;
    document.title = fresh.size ? `(${fresh.size} new) ${baseTitle.current}` : baseTitle.current;
  }, [fresh]);
  useEffect(
    () => () => {
      if (baseTitle.current) document.title = baseTitle.current;
    },
    [],
  );

  const reactTo = (item: (typeof items)[number], input: Parameters<typeof react>[1]) => {
    setPanel(null);
    react(item, input);
    focusSelected();
    window.dispatchEvent(new Event(REACTED_EVENT));
  };
  // Keyboard use counts as a key feature (once per page load).
  const keysUsed = useRef(false);
  const noteKeys = () => {
    if (keysUsed.current) return;
    keysUsed.current = true;
    void recordFeatureAction({ feature: "keyboard" });
  };

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
        const index = Math.min(items.length - 1, Math.max(0, selectedIndex + delta));
        const next = items[index];
        if (next) {
          setSel({ id: next.id, index });
          setPanel(null);
          refs.current.get(next.id)?.focus({ preventScroll: true });
          refs.current.get(next.id)?.scrollIntoView({ block: "nearest" });
        }
      };
      const key = () => crypto.randomUUID();
      if (["j", "k", "ArrowDown", "ArrowUp", "a", "x", "d", "s"].includes(e.key)) noteKeys();
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
          if (selected.status !== "ACCEPTED") reactTo(selected, { kind: "ACCEPT", recommendationId: selected.id, idempotencyKey: key() });
          break;
        case "x":
          e.preventDefault();
          reactTo(selected, { kind: "DONE", recommendationId: selected.id, idempotencyKey: key() });
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
  });

  // The command palette (Ctrl+K): jump to a suggestion, or react to the selected one.
  const selectRow = (id: string) => {
    const index = items.findIndex((i) => i.id === id);
    if (index < 0) return;
    setSel({ id, index });
    setPanel(null);
    focusSelected();
  };
  const selectedGroup = selected ? `Selected: ${selected.customer.name} · ${selected.action.name}` : "";
  const paletteCommands: Command[] = [
    ...(selected
      ? [
          ...(selected.status !== "ACCEPTED"
            ? [{ id: "react:accept", group: selectedGroup, label: "Accept", shortcut: "a", run: () => reactTo(selected, { kind: "ACCEPT", recommendationId: selected.id, idempotencyKey: crypto.randomUUID() }) }]
            : []),
          { id: "react:done", group: selectedGroup, label: "Mark done", shortcut: "x", run: () => reactTo(selected, { kind: "DONE", recommendationId: selected.id, idempotencyKey: crypto.randomUUID() }) },
          { id: "react:snooze", group: selectedGroup, label: "Snooze…", shortcut: "s", run: () => setPanel({ id: selected.id, kind: "snooze" }) },
          { id: "react:dismiss", group: selectedGroup, label: "Dismiss…", shortcut: "d", run: () => setPanel({ id: selected.id, kind: "dismiss" }) },
        ]
      : []),
    ...items.map((i) => ({
      id: `suggestion:${i.id}`,
      group: "Suggestions",
      label: `${i.customer.name}: ${i.action.name}`,
      keywords: `${i.customer.company ?? ""} ${i.customer.externalId} suggestion`,
      run: () => selectRow(i.id),
    })),
    { id: "react:undo", group: "Queue", label: "Undo the last reaction", shortcut: "u", run: () => undo() },
    { id: "help:keys", group: "Queue", label: "Keyboard shortcuts", shortcut: "?", run: () => setHelp(true) },
  ];
  usePaletteCommands("queue", paletteCommands);

  const onPanel = (id: string) => (kind: Panel) => {
    setPanel(kind ? { id, kind } : null);
    if (!kind) focusSelected();
  };
  const freshIds = items.filter((i) => fresh.has(i.id)).map((i) => i.id);
  const accepted = items.filter((i) => i.status === "ACCEPTED").length;

  return (
    <div>
      <div className="mb-2 flex h-8 items-center gap-2">
        <h1 className="text-base font-semibold tracking-tight text-slate-900">Today&apos;s queue</h1>
        <p aria-live="polite" className="min-w-0 truncate text-xs text-slate-600">
          {items.length === 0 ? "nothing left" : `${items.length} left`}
          {accepted ? ` · ${accepted} accepted` : ""}
        </p>
        {freshIds.length ? (
          <button
            type="button"
            className="rounded-full bg-amber-200 px-2 py-0.5 text-xs font-semibold text-amber-950 hover:bg-amber-300"
            onClick={() => {
              const first = items.findIndex((i) => i.id === freshIds[0]);
              setSel({ id: freshIds[0]!, index: first });
              focusSelected();
            }}
          >
            {freshIds.length} new
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => setHelp(true)}
          data-tour="keys"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          className="ml-auto inline-flex size-8 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900"
        >
          <Icon name="keyboard" />
        </button>
      </div>
      {!online ? (
        <p role="status" className="mb-2 flex items-center gap-1.5 rounded-md border border-amber-300 bg-amber-50 px-2 py-1.5 text-xs text-amber-950">
          <Icon name="offline" className="size-3.5 shrink-0" />
          You&apos;re offline. Your reactions are kept on this device and sent when you reconnect.
        </p>
      ) : refreshError ? (
        <p role="alert" className="mb-2 rounded-md border border-amber-300 bg-amber-50 px-2 py-1.5 text-xs text-amber-950">
          We couldn&apos;t refresh the queue; showing what we have. We&apos;ll retry shortly.
        </p>
      ) : null}
      <PulseSurvey nps={pulse.nps} csat={pulse.csat} />
      {items.length === 0 ? (
        <EmptyState title="All caught up">New suggestions appear here as your customers&apos; activity comes in.</EmptyState>
      ) : (
        <div className="lg:grid lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)] lg:items-start lg:gap-4">
          <ol data-tour="queue" className="overflow-hidden rounded-lg border border-slate-200 bg-white" aria-label="Suggested actions, best first">
            {items.map((item, i) => (
              <QueueRow
                key={item.id}
                ref={(el) => {
                  if (el) refs.current.set(item.id, el);
                  else refs.current.delete(item.id);
                }}
                item={item}
                rank={i + 1}
                selected={item.id === selected?.id}
                fresh={fresh.has(item.id)}
                pending={pending.has(item.id)}
                panel={panel?.id === item.id ? panel.kind : null}
                onSelect={() => select(item.id, i)}
                onPanel={onPanel(item.id)}
                onReact={(input) => reactTo(item, input)}
              />
            ))}
          </ol>
          {selected ? (
            <div className="sticky top-16 hidden lg:block">
              <CustomerPane
                item={selected}
                pending={pending.has(selected.id)}
                panel={panel?.id === selected.id ? panel.kind : null}
                onPanel={onPanel(selected.id)}
                onReact={(input) => reactTo(selected, input)}
              />
            </div>
          ) : null}
        </div>
      )}
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
