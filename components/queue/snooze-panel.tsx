"use client";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

function morningIn(days: number): Date {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(9, 0, 0, 0);
  return d;
}
const toInput = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

/** Snooze until a preset morning or a picked date. */
export function SnoozePanel({ onSnooze, onCancel }: { onSnooze: (until: Date) => void; onCancel: () => void }) {
  const titleId = useId();
  const [date, setDate] = useState(toInput(morningIn(2)));
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const presets: [string, number][] = [
    ["Tomorrow", 1],
    ["In 3 days", 3],
    ["Next week", 7],
  ];
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
        Snooze until
      </p>
      <div className="flex flex-wrap items-end gap-1.5" role="group" aria-labelledby={titleId}>
        {presets.map(([label, days], i) => (
          <Button key={label} ref={i === 0 ? first : undefined} variant="secondary" className="text-xs" onClick={() => onSnooze(morningIn(days))}>
            {label}
          </Button>
        ))}
        <form
          className="flex items-end gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            const until = new Date(`${date}T09:00:00`);
            if (Number.isNaN(until.getTime()) || until.getTime() <= Date.now()) {
              setError("Pick a date in the future.");
              return;
            }
            onSnooze(until);
          }}
        >
          <label className="text-xs text-slate-600">
            <span className="sr-only">Snooze date</span>
            <input
              type="date"
              value={date}
              min={toInput(morningIn(1))}
              onChange={(e) => setDate(e.target.value)}
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </label>
          <Button type="submit" variant="secondary" className="text-xs">
            Snooze to date
          </Button>
        </form>
        <Button variant="ghost" className="text-xs" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
