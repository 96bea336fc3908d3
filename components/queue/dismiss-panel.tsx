"use client";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { DISMISS_REASON_LABELS, DISMISS_REASONS } from "@/lib/validation/feedback";

type Reason = (typeof DISMISS_REASONS)[number];

/** Why dismiss: one click on a reason dismisses; an optional note goes with it. */
export function DismissPanel({ onDismiss, onCancel }: { onDismiss: (reason: Reason, note?: string) => void; onCancel: () => void }) {
  const [note, setNote] = useState("");
  const titleId = useId();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div
      className="rounded-md border border-slate-200 bg-slate-50 p-2.5"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <p id={titleId} className="mb-2 text-xs font-medium text-slate-700">
        Why dismiss it? Your answer teaches the engine.
      </p>
      <div className="flex flex-wrap gap-1.5" role="group" aria-labelledby={titleId}>
        {DISMISS_REASONS.map((r, i) => (
          <Button key={r} ref={i === 0 ? first : undefined} variant="secondary" className="text-xs" onClick={() => onDismiss(r, note.trim() || undefined)}>
            {DISMISS_REASON_LABELS[r]}
          </Button>
        ))}
      </div>
      <label className="mt-2 block text-xs text-slate-600">
        Note (optional)
        <input
          value={note}
          maxLength={500}
          onChange={(e) => setNote(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
        />
      </label>
      <Button variant="ghost" className="mt-1.5 text-xs" onClick={onCancel}>
        Cancel
      </Button>
    </div>
  );
}
