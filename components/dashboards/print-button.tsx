"use client";

/** Opens the browser's print dialog; not printed itself. */
export function PrintButton({ label = "Print" }: { label?: string }) {
  return (
    <button
      type="button"
      data-print="hide"
      onClick={() => window.print()}
      className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2"
    >
      {label}
    </button>
  );
}
