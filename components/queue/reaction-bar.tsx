"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { reactAction } from "@/app/(rep)/queue/actions";
import { Button } from "@/components/ui/button";
import { DISMISS_REASON_LABELS, DISMISS_REASONS, type ReactionInput } from "@/lib/validation/feedback";

type Kind = ReactionInput["kind"];

function tomorrowMorning(): Date {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

/** Accept / done / snooze / dismiss for one recommendation. */
export function ReactionBar({ id, status, label }: { id: string; status: string; label: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [dismissing, setDismissing] = useState(false);

  function send(input: ReactionInput) {
    setError(null);
    startTransition(async () => {
      const res = await reactAction(input);
      if (!res.ok) setError(res.error.message);
      else router.refresh();
    });
  }
  const base = (kind: Exclude<Kind, "DISMISS" | "SNOOZE">) => ({ kind, recommendationId: id, idempotencyKey: crypto.randomUUID() });

  return (
    <div className="mt-3">
      <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`Actions for ${label}`}>
        {status !== "ACCEPTED" ? (
          <Button disabled={pending} onClick={() => send(base("ACCEPT"))}>
            Accept
          </Button>
        ) : (
          <span className="rounded-md bg-emerald-50 px-2 py-1 text-xs font-medium text-emerald-700">Accepted</span>
        )}
        <Button variant="secondary" disabled={pending} onClick={() => send(base("DONE"))}>
          Done
        </Button>
        <Button variant="secondary" disabled={pending} onClick={() => send({ kind: "SNOOZE", recommendationId: id, snoozeUntil: tomorrowMorning(), idempotencyKey: crypto.randomUUID() })}>
          Snooze
        </Button>
        <Button variant="ghost" disabled={pending} aria-expanded={dismissing} onClick={() => setDismissing((v) => !v)}>
          Dismiss…
        </Button>
      </div>
      {dismissing ? (
        <div className="mt-2 flex flex-wrap gap-1.5" role="group" aria-label="Why dismiss?">
          {DISMISS_REASONS.map((reason) => (
            <Button
              key={reason}
              variant="secondary"
              className="text-xs"
              disabled={pending}
              onClick={() => send({ kind: "DISMISS", recommendationId: id, reason, idempotencyKey: crypto.randomUUID() })}
            >
              {DISMISS_REASON_LABELS[reason]}
            </Button>
          ))}
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
