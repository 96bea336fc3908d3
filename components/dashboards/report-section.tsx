import { useId } from "react";

/** A titled block of a report page (the review, the impact page's parts), kept together in print where it fits. */
export function ReportSection({ title, description, children, plain = false }: { title: string; description?: React.ReactNode; children: React.ReactNode; /** No card of its own: it holds cards (the width goes to their tables). */ plain?: boolean }) {
  const id = useId();
  const box = plain ? "pt-2" : "rounded-lg border border-slate-200 bg-white p-3 sm:p-4";
  return (
    <section aria-labelledby={id} className={`report-section min-w-0 lg:col-span-2 ${box}`}>
      <h2 id={id} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      {description ? <div className="mt-0.5 text-sm text-slate-600">{description}</div> : null}
      <div className="mt-3">{children}</div>
    </section>
  );
}
