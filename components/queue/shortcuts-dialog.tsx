"use client";
import { useEffect, useRef } from "react";

const KEYS: [string, string][] = [
  ["j / ↓", "Next suggestion"],
  ["k / ↑", "Previous suggestion"],
  ["a", "Accept"],
  ["x", "Mark done"],
  ["s", "Snooze…"],
  ["d", "Dismiss with a reason…"],
  ["u", "Undo the last reaction"],
  ["?", "Show this list"],
  ["Ctrl K", "Search customers, pages and commands"],
  ["Esc", "Close a panel or this list"],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="shortcuts-title" className="m-auto w-[min(22rem,calc(100vw-2rem))] rounded-xl p-0 shadow-xl backdrop:bg-slate-900/30">
      <div className="p-4">
        <h2 id="shortcuts-title" className="text-base font-semibold text-slate-900">
          Keyboard shortcuts
        </h2>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
          {KEYS.map(([k, what]) => (
            <div key={k} className="contents">
              <dt>
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs">{k}</kbd>
              </dt>
              <dd className="text-slate-700">{what}</dd>
            </div>
          ))}
        </dl>
        <form method="dialog" className="mt-4 text-right">
          <button className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Close</button>
        </form>
      </div>
    </dialog>
  );
}
