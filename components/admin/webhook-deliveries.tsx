"use client";
import { Button } from "@/components/ui/button";
import { replayWebhookDeliveryAction } from "@/lib/actions/webhooks";
import type { DeliveryLogRow } from "@/lib/data/webhooks";
import { useAdminAction } from "./use-admin-action";

export type DeliveryRow = DeliveryLogRow;

const when = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "UTC", timeZoneName: "short" });

const STATUS_STYLE: Record<DeliveryRow["status"], string> = {
  PENDING: "bg-amber-50 text-amber-800",
  DELIVERED: "bg-emerald-50 text-emerald-700",
  DEAD: "bg-red-50 text-red-700",
};
const STATUS_LABEL: Record<DeliveryRow["status"], string> = { PENDING: "retrying", DELIVERED: "delivered", DEAD: "dead" };

/** The delivery log: one line per event and endpoint, with replay on delivered and dead ones. */
export function WebhookDeliveries({ deliveries }: { deliveries: DeliveryRow[] }) {
  if (deliveries.length === 0) return <p className="text-sm text-slate-600">No deliveries here yet.</p>;
  return (
    <ul className="divide-y divide-slate-100" aria-label="Deliveries">
      {deliveries.map((d) => (
        <Delivery key={d.id} d={d} />
      ))}
    </ul>
  );
}

function Delivery({ d }: { d: DeliveryRow }) {
  const replay = useAdminAction(replayWebhookDeliveryAction, { success: () => `Replaying ${d.eventType} to ${d.endpoint.url}` });
  const waiting = d.status === "PENDING" && d.attempts === 0;
  return (
    <li className="flex flex-wrap items-start justify-between gap-2 py-2" aria-label={`Delivery ${d.eventType} ${d.eventId}`}>
      <div className="min-w-0 text-sm">
        <p className="flex flex-wrap items-center gap-1.5">
          <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[d.status]}`}>{waiting ? "queued" : STATUS_LABEL[d.status]}</span>
          <code className="font-mono text-xs text-slate-900">{d.eventType}</code>
          <span className="text-xs text-slate-500">to</span>
          <span className="break-all font-mono text-xs text-slate-700">{d.endpoint.url}</span>
        </p>
        <p className="mt-0.5 text-xs text-slate-500">
          event <span className="font-mono">{d.eventId}</span> · {when.format(d.createdAt)} · {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
          {d.lastStatusCode !== null ? ` · last answer ${d.lastStatusCode}` : ""}
          {d.deliveredAt ? ` · delivered ${when.format(d.deliveredAt)}` : ""}
          {d.status === "PENDING" && d.attempts > 0 ? ` · next try ${when.format(d.nextAttemptAt)}` : ""}
        </p>
        {d.lastError && d.status !== "DELIVERED" ? <p className="mt-0.5 text-xs text-red-700">{d.lastError}</p> : null}
      </div>
      {d.status === "PENDING" ? null : (
        <Button variant="secondary" className="px-2 py-1 text-xs" disabled={replay.pending} onClick={() => replay.run({ id: d.id })} aria-label={`Replay ${d.eventType} ${d.eventId} to ${d.endpoint.url}`}>
          {replay.pending ? "Replaying…" : "Replay"}
        </Button>
      )}
    </li>
  );
}
