"use client";
import { useEffect } from "react";

/** Shown by route error boundaries: says what happened and offers a retry. */
export function ErrorPanel({
  error,
  reset,
  what,
  hint,
  alternative,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  what: string;
  hint?: string;
  /** A second way out beside the retry (a link). */
  alternative?: React.ReactNode;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-md rounded-lg border border-red-200 bg-white p-5 text-center">
      <h1 className="text-base font-semibold text-slate-900">We couldn&apos;t load {what}</h1>
      <p className="mt-1 text-sm text-slate-600">This is usually temporary. Nothing you did was lost.{error.digest ? ` (reference ${error.digest})` : ""}</p>
      {hint ? <p className="mt-2 text-sm text-slate-600">{hint}</p> : null}
      <div className="mt-4 flex flex-wrap items-center justify-center gap-3">
        <button type="button" onClick={reset} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
          Try again
        </button>
        {alternative}
      </div>
    </div>
  );
}
