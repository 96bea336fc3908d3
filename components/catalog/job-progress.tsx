"use client";
import { Button } from "@/components/ui/button";

/** Progress of a background run, with its stage in words and a way to stop it. */
export function JobProgress({ label, progress, stage, onCancel }: { label: string; progress: number; stage: string; onCancel: () => void }) {
  const pct = Math.round(progress * 100);
  return (
    <div className="mt-2 space-y-1" data-testid="job-progress">
      <div className="flex items-center justify-between gap-2 text-xs text-slate-600">
        <span aria-live="polite">
          {label}: {stage}
        </span>
        <Button variant="ghost" className="!px-2 !py-0.5 text-xs" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="h-1.5 overflow-hidden rounded bg-slate-100">
        <div className="h-full bg-brand-600 transition-[width]" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
