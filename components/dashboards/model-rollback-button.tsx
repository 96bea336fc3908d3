"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { rollbackModelAction } from "@/lib/actions/model";
import { Button } from "@/components/ui/button";

/** "Roll back" on a retired model version (admins): asks once, then makes it the active version. */
export function ModelRollbackButton({ versionId, label, activeLabel }: { versionId: string; label: string; activeLabel: string | null }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  if (!confirming) {
    return (
      <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => { setError(null); setConfirming(true); }}>
        Roll back<span className="sr-only"> to {label}</span>
      </Button>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`Roll back to ${label}`}>
      <span className="text-xs text-slate-700">
        Score with {label}{activeLabel ? ` instead of ${activeLabel}` : ""}?
      </span>
      <Button
        variant="danger"
        className="px-2 py-1 text-xs"
        disabled={pending}
        autoFocus
        onClick={() =>
          start(async () => {
            const res = await rollbackModelAction({ versionId });
            // On success the refreshed page shows the version active (and this button gone); "Rolling back…" stays until then.
            if (res.ok) router.refresh();
            else setError(res.error.message);
          })
        }
      >
        {pending ? "Rolling back…" : `Make ${label} active`}
      </Button>
      <Button variant="ghost" className="px-2 py-1 text-xs" disabled={pending} onClick={() => setConfirming(false)}>
        Cancel
      </Button>
      {error ? (
        <p role="alert" className="w-full text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
