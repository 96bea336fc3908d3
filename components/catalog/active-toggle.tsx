"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { setActionTypeActiveAction } from "@/lib/actions/catalog";

/** Activate, or deactivate after confirming that its open suggestions expire. */
export function ActiveToggle({ id, name, active, openRecommendations, compact = false }: { id: string; name: string; active: boolean; openRecommendations: number; compact?: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [pending, start] = useTransition();
  const toast = useToast();
  const router = useRouter();
  const run = (next: boolean) =>
    start(async () => {
      const res = await setActionTypeActiveAction({ id, active: next });
      setConfirming(false);
      if (!res.ok) return toast.show(res.error.message, { tone: "error" });
      toast.show(next ? `“${name}” is active` : `“${name}” deactivated; ${res.data.expired} open suggestion${res.data.expired === 1 ? "" : "s"} expired`);
      router.refresh();
    });
  const size = compact ? "px-2 py-1 text-xs" : "";
  if (active && confirming) {
    return (
      <span role="group" aria-label={`Confirm deactivating ${name}`} className="inline-flex flex-wrap items-center gap-1.5">
        <span className="text-xs text-slate-700">
          {openRecommendations ? `Expire ${openRecommendations} open suggestion${openRecommendations === 1 ? "" : "s"}?` : "Deactivate?"}
        </span>
        <Button variant="danger" className={size} disabled={pending} onClick={() => run(false)} autoFocus>
          {pending ? "Deactivating…" : "Confirm deactivate"}
        </Button>
        <Button variant="ghost" className={size} onClick={() => setConfirming(false)}>
          Cancel
        </Button>
      </span>
    );
  }
  return active ? (
    <Button variant="danger" className={size} onClick={() => setConfirming(true)} aria-label={`Deactivate ${name}`}>
      Deactivate
    </Button>
  ) : (
    <Button variant="secondary" className={size} disabled={pending} onClick={() => run(true)} aria-label={`Activate ${name}`}>
      {pending ? "Activating…" : "Activate"}
    </Button>
  );
}
