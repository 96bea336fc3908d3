"use client";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState } from "react";
import { Icon } from "@/components/ui/icons";
import { searchCustomersAction } from "@/lib/actions/customers";

/** One thing the palette can do. Pages register theirs (the queue: its suggestions and reactions). */
export interface Command {
  id: string;
  group: string;
  label: string;
  /** More words it is found by (not shown). */
  keywords?: string;
  /** The key that does the same outside the palette, shown at the right. */
  shortcut?: string;
  run: () => void;
}

interface Palette {
  open: () => void;
  /** Sets (or, with null, removes) one page's commands; read when the palette renders. */
  setCommands: (source: string, commands: Command[] | null) => void;
}

const PaletteContext = createContext<Palette | null>(null);

/** Lets a page offer commands while it is mounted (no-op outside the app shell, e.g. the embed). */
export function usePaletteCommands(source: string, commands: Command[]): void {
  const palette = useContext(PaletteContext);
  useEffect(() => {
    palette?.setCommands(source, commands);
  });
  useEffect(() => () => palette?.setCommands(source, null), [palette, source]);
}

/** The header's button that opens the palette (also Ctrl+K / ⌘K anywhere). */
export function CommandPaletteButton() {
  const palette = useContext(PaletteContext);
  return (
    <button
      type="button"
      onClick={() => palette?.open()}
      aria-label="Search and commands"
      aria-keyshortcuts="Control+K Meta+K"
      title="Search and commands (Ctrl K)"
      className="inline-flex h-8 shrink-0 items-center gap-1.5 rounded-md px-2 text-slate-600 ring-1 ring-inset ring-slate-200 hover:bg-slate-100 hover:text-slate-900"
    >
      <Icon name="search" className="size-4" />
      <kbd className="hidden font-sans text-xs text-slate-500 lg:inline">Ctrl K</kbd>
    </button>
  );
}

const matches = (c: Command, words: string[]) => {
  const hay = `${c.label} ${c.group} ${c.keywords ?? ""}`.toLowerCase();
  return words.every((w) => hay.includes(w));
};

type CustomerHit = { id: string; name: string; company: string | null; externalId: string };
type Search = { q: string; state: "idle" | "loading" | "done" | "error"; hits: CustomerHit[]; total: number; message?: string };

/**
 * Ctrl+K / ⌘K: a modal dialog with one combobox and its listbox: go to a
 * page, a customer (the customer list's search, from 2 characters), or, on the
 * queue, a suggestion or a reaction on the selected one. The list is driven
 * from the input (↑/↓ move, Enter runs, Escape closes); the dialog is modal,
 * so focus stays in it, and closing gives focus back to where it was.
 */
export function CommandPaletteProvider({ pages, canSearchCustomers, children }: { pages: { href: string; label: string }[]; canSearchCustomers: boolean; children: React.ReactNode }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const sources = useRef(new Map<string, Command[]>());
  const [isOpen, setOpen] = useState(false);
  // The pages' commands as they were when the palette opened (the selection then is what a reaction acts on).
  const [registered, setRegistered] = useState<Command[]>([]);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [search, setSearch] = useState<Search>({ q: "", state: "idle", hits: [], total: 0 });
  const baseId = useId();

  const open = useCallback(() => {
    if (dialog.current?.open) return;
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setRegistered([...sources.current.values()].flat());
    setQuery("");
    setActive(0);
    setOpen(true);
  }, []);
  const setCommands = useCallback((source: string, commands: Command[] | null) => {
    if (commands) sources.current.set(source, commands);
    else sources.current.delete(source);
  }, []);
  const palette = useMemo(() => ({ open, setCommands }), [open, setCommands]);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (isOpen && !d.open) {
      d.showModal();
      input.current?.focus();
    }
    if (!isOpen && d.open) d.close();
  }, [isOpen]);

  // Ctrl+K / ⌘K from anywhere opens it (and closes it when open).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        if (dialog.current?.open) {
          dialog.current.close();
          returnTo.current?.focus({ preventScroll: true });
          setOpen(false);
        } else open();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  // Customers: the list's own search, debounced; only the latest answer counts.
  const q = query.trim();
  useEffect(() => {
    if (!isOpen || !canSearchCustomers || q.length < 2) return;
    let live = true;
    const t = setTimeout(async () => {
      setSearch({ q, state: "loading", hits: [], total: 0 });
      const res = await searchCustomersAction({ q }).catch(() => null);
      if (!live) return;
      if (res?.ok) setSearch({ q, state: "done", hits: res.data.customers, total: res.data.total });
      else setSearch({ q, state: "error", hits: [], total: 0, message: res && !res.ok ? res.error.message : "Customer search is unreachable. Check your connection." });
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q, isOpen, canSearchCustomers]);

  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const pageCommands: Command[] = pages.map((p) => ({ id: `page:${p.href}`, group: "Pages", label: p.label, keywords: `go to ${p.href}`, run: () => router.push(p.href) }));
  const customerCommands: Command[] =
    search.q === q && q.length >= 2
      ? search.hits.map((c) => ({
          id: `customer:${c.id}`,
          group: "Customers",
          label: c.company ? `${c.name} · ${c.company}` : c.name,
          run: () => router.push(`/customers/${c.id}`),
        }))
      : [];
  const items = [...registered.filter((c) => matches(c, words)), ...pageCommands.filter((c) => matches(c, words)), ...customerCommands];
  const groups: { name: string; items: { c: Command; index: number }[] }[] = [];
  items.forEach((c, index) => {
    const g = groups.find((x) => x.name === c.group) ?? groups[groups.push({ name: c.group, items: [] }) - 1]!;
    g.items.push({ c, index });
  });
  const activeIndex = items.length ? Math.min(active, items.length - 1) : -1;
  const optionId = (i: number) => `${baseId}-opt-${i}`;

  useEffect(() => {
    if (activeIndex < 0) return;
    document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: "nearest" });
  });

  /**
   * Closes at once (not in an effect): the browser gives focus back to where
   * it was as the dialog closes, so a command run next may move it elsewhere
   * (a selected row, an opened panel) without the dialog taking it back later.
   */
  const close = () => {
    dialog.current?.close();
    returnTo.current?.focus({ preventScroll: true });
    setOpen(false);
  };
  const run = (c: Command) => {
    close();
    c.run();
  };

  const searching = canSearchCustomers && q.length >= 2 && (search.q !== q || search.state === "loading");
  const status = searching
    ? "Searching customers…"
    : search.state === "error" && search.q === q && q.length >= 2
      ? search.message
      : items.length === 0
        ? canSearchCustomers && q.length < 2
          ? "No matching command. Type 2 letters or more to search customers."
          : "Nothing matches."
        : `${items.length} result${items.length === 1 ? "" : "s"}`;

  return (
    <PaletteContext.Provider value={palette}>
      {children}
      <dialog
        ref={dialog}
        aria-label="Search and commands"
        // Escape closes the dialog natively (focus goes back to where it was); keep the state in step.
        onClose={() => setOpen(false)}
        onClick={(e) => {
          if (e.target === dialog.current) close();
        }}
        className="mx-auto mt-[8vh] w-[min(36rem,calc(100vw-1rem))] rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-900/40"
      >
        {isOpen ? (
          <div
            onKeyDown={(e) => {
              // A focus trap with two stops: the field and the close button.
              if (e.key !== "Tab") return;
              e.preventDefault();
              const stops = [input.current, dialog.current?.querySelector<HTMLButtonElement>("[data-palette-close]")].filter((x): x is HTMLInputElement | HTMLButtonElement => Boolean(x));
              const at = stops.indexOf(document.activeElement as HTMLInputElement);
              stops[(at + (e.shiftKey ? -1 : 1) + stops.length) % stops.length]?.focus();
            }}
          >
            <div className="flex items-center gap-2 border-b border-slate-200 px-3">
              <Icon name="search" className="size-4 shrink-0 text-slate-500" />
              <input
                ref={input}
                role="combobox"
                aria-expanded="true"
                aria-controls={`${baseId}-list`}
                aria-autocomplete="list"
                aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
                aria-label={canSearchCustomers ? "Search customers, pages and commands" : "Search pages and commands"}
                placeholder={canSearchCustomers ? "Customer or command…" : "Page or command…"}
                autoComplete="off"
                spellCheck={false}
                value={query}
                onChange={(e) => {
                  setQuery(e.target.value);
                  setActive(0);
                }}
                onKeyDown={(e) => {
                  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                    e.preventDefault();
                    if (!items.length) return;
                    const delta = e.key === "ArrowDown" ? 1 : -1;
                    setActive((activeIndex + delta + items.length) % items.length);
                  } else if (e.key === "Enter") {
                    e.preventDefault();
                    const c = items[activeIndex];
                    if (c) run(c);
                  }
                }}
                className="h-12 min-w-0 flex-1 bg-transparent text-base text-slate-900 outline-none placeholder:text-slate-500"
              />
              <button
                type="button"
                data-palette-close
                onClick={close}
                className="rounded border border-slate-300 px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-100"
              >
                Esc<span className="sr-only"> (close)</span>
              </button>
            </div>
            <ul ref={listRef} id={`${baseId}-list`} role="listbox" aria-label="Results" className="max-h-[min(24rem,60dvh)] overflow-y-auto py-1">
              {groups.map((g, gi) => (
                <li key={g.name} role="presentation">
                  <div id={`${baseId}-g-${gi}`} aria-hidden="true" className="px-3 pb-1 pt-2 text-xs font-medium text-slate-500">
                    {g.name}
                  </div>
                  <ul role="group" aria-labelledby={`${baseId}-g-${gi}`}>
                    {g.items.map(({ c, index }) => (
                      <li
                        key={c.id}
                        id={optionId(index)}
                        role="option"
                        aria-selected={index === activeIndex}
                        aria-keyshortcuts={c.shortcut}
                        onMouseMove={() => index !== activeIndex && setActive(index)}
                        onMouseDown={(e) => e.preventDefault()}
                        onClick={() => run(c)}
                        className={`mx-1 flex cursor-pointer items-center gap-2 rounded-md px-2 py-2 text-sm ${index === activeIndex ? "bg-brand-50 text-brand-800" : "text-slate-800"}`}
                      >
                        <span className="min-w-0 flex-1 truncate">{c.label}</span>
                        {c.shortcut ? <kbd aria-hidden="true" className="shrink-0 rounded border border-slate-300 px-1.5 font-mono text-xs text-slate-600">{c.shortcut}</kbd> : null}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
            <p role="status" className={`border-t border-slate-200 px-3 py-1.5 text-xs ${search.state === "error" && search.q === q ? "text-red-700" : "text-slate-600"}`}>
              {status}
            </p>
          </div>
        ) : null}
      </dialog>
    </PaletteContext.Provider>
  );
}
