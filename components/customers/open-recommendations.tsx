"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { embedReactAction } from "@/lib/actions/embed";
import { reactAction } from "@/lib/actions/reactions";
import { QueueCard, type Panel } from "@/components/queue/queue-card";
import { useToast } from "@/components/ui/toast";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { formatMoney } from "@/lib/format";
import type { ReactionInput } from "@/lib/validation/feedback";

/**
 * A customer's open suggestions; the owning rep can react, others read. In the
 * embed opened by a CRM's token, reactions carry the frame token (no cookie).
 */
export function OpenRecommendations({ items, canReact, frameToken = null }: { items: QueueItemDto[]; canReact: boolean; frameToken?: string | null }) {
  const router = useRouter();
  const toast = useToast();
  const [panel, setPanel] = useState<{ id: string; kind: Panel } | null>(null);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [, startTransition] = useTransition();

  if (items.length === 0) return <p className="text-sm text-slate-600">No open suggestions for this customer.</p>;
  if (!canReact) {
    return (
      <ul className="space-y-2">
        {items.map((i) => (
          <li key={i.id} className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
            <p className="font-medium text-slate-900">
              {i.action.name} <span className="font-normal text-slate-500">· {formatMoney(i.expectedValue)} expected</span>
            </p>
            <p className="text-slate-700">{i.message}</p>
            <p className="mt-1 text-xs text-slate-500">{i.reasons.map((r) => r.text).join(" · ")}</p>
          </li>
        ))}
      </ul>
    );
  }
  const react = (item: QueueItemDto, input: ReactionInput) => {
    setPanel(null);
    if (input.kind !== "ACCEPT") setHidden((h) => new Set(h).add(item.id));
    startTransition(async () => {
      const res = frameToken ? await embedReactAction(frameToken, input) : await reactAction(input);
      if (!res.ok) {
        setHidden((h) => {
          const n = new Set(h);
          n.delete(item.id);
          return n;
        });
        toast.show(`Not saved: ${res.error.message}`, { tone: "error" });
      } else {
        toast.show(`Saved: ${item.action.name}`);
      }
      router.refresh();
    });
  };
  return (
    <ol className="space-y-2" aria-label="Open suggestions">
      {items
        .filter((i) => !hidden.has(i.id))
        .map((item) => (
          <QueueCard
            key={item.id}
            item={item}
            panel={panel?.id === item.id ? panel.kind : null}
            onPanel={(kind) => setPanel(kind ? { id: item.id, kind } : null)}
            onReact={(input) => react(item, input)}
          />
        ))}
    </ol>
  );
}
