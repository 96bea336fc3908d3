/** Placeholder blocks shown while a page's data loads. */
export function SkeletonList({ rows = 5, label }: { rows?: number; label: string }) {
  return (
    <div role="status" aria-label={label} className="animate-pulse space-y-2">
      <div className="mb-4 h-6 w-48 rounded bg-slate-200" />
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="rounded-lg border border-slate-200 bg-white p-3">
          <div className="h-3 w-24 rounded bg-slate-200" />
          <div className="mt-2 h-4 w-2/3 rounded bg-slate-200" />
          <div className="mt-2 h-3 w-full rounded bg-slate-100" />
        </div>
      ))}
      <span className="sr-only">{label}</span>
    </div>
  );
}
