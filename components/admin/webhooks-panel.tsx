"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { createWebhookEndpointAction, deleteWebhookEndpointAction, setWebhookEndpointEnabledAction } from "@/lib/actions/webhooks";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/validation/webhooks";
import { Field, FieldErrors, inputClass, StatusBadge } from "./form";
import { useAdminAction } from "./use-admin-action";
import type { EndpointRow } from "@/lib/data/webhooks";

export type WebhookEndpointRow = EndpointRow;

const when = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/** Register an endpoint (its signing secret shown once), list endpoints, pause, resume or delete one. */
export function WebhooksPanel({ endpoints }: { endpoints: WebhookEndpointRow[] }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["suggestion.accepted"]);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useAdminAction(createWebhookEndpointAction, {
    onSuccess: (e) => {
      setSecret({ url: e.url, secret: e.secret });
      setCopied(false);
      setUrl("");
      setDescription("");
    },
  });
  return (
    <div className="space-y-4">
      <form
        aria-label="Add webhook endpoint"
        noValidate
        className="rounded-lg border border-slate-200 bg-white p-3 sm:p-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.run({ url, description, events });
        }}
      >
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Endpoint URL" hint="Where Nudge will POST the events, e.g. https://crm.example.org/hooks/nudge." errors={create.errors.url}>
            {(p) => <input {...p} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} className={inputClass} placeholder="https://" />}
          </Field>
          <Field label="Description (optional)" hint="What receives them, for the people who come after you." errors={create.errors.description}>
            {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} className={inputClass} />}
          </Field>
        </div>
        <fieldset className="mt-3">
          <legend className="text-xs font-medium text-slate-700">Events</legend>
          <div className="mt-1 grid grid-cols-1 gap-y-1 sm:grid-cols-2">
            {WEBHOOK_EVENTS.map((ev) => (
              <label key={ev} className="flex items-start gap-1.5 text-sm text-slate-700">
                <input
                  type="checkbox"
                  checked={events.includes(ev)}
                  onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))}
                  className="mt-0.5 size-4 shrink-0 rounded border-slate-300"
                />
                <span>
                  {WEBHOOK_EVENT_LABELS[ev]} <code className="font-mono text-xs text-slate-500">{ev}</code>
                </span>
              </label>
            ))}
          </div>
          <FieldErrors errors={create.errors.events} />
        </fieldset>
        <Button type="submit" className="mt-3" disabled={create.pending}>
          {create.pending ? "Adding…" : "Add endpoint"}
        </Button>
      </form>

      {secret ? (
        <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3">
          <p className="text-sm font-medium text-amber-900">Copy the signing secret for {secret.url} now: it is shown only once.</p>
          <p className="mt-0.5 text-xs text-amber-900">The receiver checks each delivery&apos;s Nudge-Signature header with it (see the API documentation).</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="new-webhook-secret" className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900 ring-1 ring-amber-200">
              {secret.secret}
            </code>
            <Button
              variant="secondary"
              className="px-2 py-1 text-xs"
              onClick={async () => {
                await navigator.clipboard?.writeText(secret.secret).catch(() => undefined);
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
            <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setSecret(null)}>
              Done
            </Button>
          </div>
        </div>
      ) : null}

      <ul className="space-y-2" aria-label="Webhook endpoints">
        {endpoints.map((e) => (
          <EndpointRow key={e.id} e={e} />
        ))}
        {endpoints.length === 0 ? <li className="text-sm text-slate-600">No endpoints yet: nothing is sent.</li> : null}
      </ul>
    </div>
  );
}

function EndpointRow({ e }: { e: WebhookEndpointRow }) {
  const [confirming, setConfirming] = useState(false);
  const toggle = useAdminAction(setWebhookEndpointEnabledAction, { success: (r) => (r.enabled ? `Resumed ${e.url}; waiting deliveries go out now` : `Paused ${e.url}; deliveries wait until you resume it`) });
  const remove = useAdminAction(deleteWebhookEndpointAction, { success: () => `Deleted ${e.url} and its delivery log` });
  const paused = e.disabledAt !== null;
  return (
    <li aria-label={`Endpoint ${e.url}`} className="rounded-lg border border-slate-200 bg-white p-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="break-all font-mono text-sm text-slate-900">{e.url}</p>
          {e.description ? <p className="text-sm text-slate-700">{e.description}</p> : null}
          <p className="mt-0.5 text-xs text-slate-500">
            <StatusBadge active={!paused} on="active" off="paused" /> secret <span className="font-mono">{e.secretHint}</span>
          </p>
        </div>
        <span className="flex flex-wrap items-center gap-1.5">
          <Button variant="secondary" className="px-2 py-1 text-xs" disabled={toggle.pending} onClick={() => toggle.run({ id: e.id, enabled: paused })} aria-label={`${paused ? "Resume" : "Pause"} ${e.url}`}>
            {paused ? "Resume" : "Pause"}
          </Button>
          {confirming ? (
            <>
              <Button variant="danger" className="px-2 py-1 text-xs" disabled={remove.pending} onClick={() => remove.run({ id: e.id })} autoFocus>
                {remove.pending ? "Deleting…" : "Confirm delete"}
              </Button>
              <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </>
          ) : (
            <Button variant="danger" className="px-2 py-1 text-xs" onClick={() => setConfirming(true)} aria-label={`Delete ${e.url}`}>
              Delete
            </Button>
          )}
        </span>
      </div>
      <ul className="mt-1.5 flex flex-wrap gap-1" aria-label="Events">
        {e.events.map((ev) => (
          <li key={ev} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
            {ev}
          </li>
        ))}
      </ul>
      <p className="mt-1.5 text-xs text-slate-500">
        Added {when.format(e.createdAt)}
        {e.createdBy ? ` by ${e.createdBy.name}` : ""}
        {e.disabledAt ? ` · paused ${when.format(e.disabledAt)}` : ""}
      </p>
    </li>
  );
}
