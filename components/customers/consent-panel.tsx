"use client";
// The customer's consent by purpose and channel, its history, and a form to
// record a change (anyone who may see the customer). A withdrawal takes effect
// at once: that purpose's open suggestions are withdrawn in the same request.
import { useState } from "react";
import { Field, inputClass } from "@/components/admin/form";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Button } from "@/components/ui/button";
import { recordConsentAction } from "@/lib/actions/data-rights";
import { CHANNEL_LABEL, CONSENT_CHANNELS, CONSENT_PURPOSES, PURPOSE_LABEL, type ConsentChannel, type ConsentPurpose, type ConsentState } from "@/lib/engine/consent";

export interface ConsentHistoryDto {
  id: number;
  purpose: ConsentPurpose;
  channel: ConsentChannel | null;
  granted: boolean;
  recordedAt: string;
  source: string;
  recordedBy: string | null;
  apiKey: string | null;
}

const PURPOSE_HELP: Record<ConsentPurpose, string> = {
  SERVICE: "Contact about their account, renewals, meetings and tickets.",
  MARKETING: "Offers and discounts.",
  PROFILING: "Their own behaviour personalises the engine's estimates; without it they get their segment's.",
};

const when = (iso: string) => new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" }) + " UTC";

/** The latest value per purpose and channel (history is newest first); undefined: never recorded (granted by default). */
function latest(history: readonly ConsentHistoryDto[], purpose: ConsentPurpose, channel: ConsentChannel | null): boolean | undefined {
  return history.find((h) => h.purpose === purpose && h.channel === channel)?.granted;
}

export function ConsentPanel({ customerId, consent, history }: { customerId: string; consent: ConsentState; history: ConsentHistoryDto[] }) {
  const [purpose, setPurpose] = useState<ConsentPurpose>("MARKETING");
  const [channel, setChannel] = useState<ConsentChannel | "ALL">("ALL");
  const [granted, setGranted] = useState<"true" | "false">("false");
  const [source, setSource] = useState("");
  const [showAll, setShowAll] = useState(false);
  const save = useAdminAction(recordConsentAction, {
    success: (r) => (r.withdrawn > 0 ? `Consent recorded. ${r.withdrawn} open suggestion${r.withdrawn === 1 ? "" : "s"} withdrawn.` : "Consent recorded."),
    onSuccess: () => setSource(""),
  });
  const shown = showAll ? history : history.slice(0, 5);
  return (
    <div className="space-y-3">
      <ul className="grid gap-2 sm:grid-cols-3" aria-label="Consent by purpose">
        {CONSENT_PURPOSES.map((p) => (
          <li key={p} className="rounded-md border border-slate-200 bg-white p-2" data-testid={`consent-${p}`}>
            <p className="flex items-center justify-between gap-2 text-sm font-medium text-slate-900">
              {PURPOSE_LABEL[p]}
              <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${consent[p] ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-700"}`}>{consent[p] ? "Allowed" : "Withdrawn"}</span>
            </p>
            <p className="mt-0.5 text-xs text-slate-600">{PURPOSE_HELP[p]}</p>
            {p !== "PROFILING" ? (
              <p className="mt-1 text-xs text-slate-600">
                {CONSENT_CHANNELS.map((ch) => {
                  const v = latest(history, p, ch);
                  return (
                    <span key={ch} className="mr-2 inline-block">
                      {CHANNEL_LABEL[ch]}: {v === false ? "no" : v === true ? "yes" : "yes (default)"}
                    </span>
                  );
                })}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      <form
        aria-label="Record a consent change"
        noValidate
        className="grid grid-cols-1 gap-2 rounded-md border border-slate-200 bg-white p-2 sm:grid-cols-5 sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          save.run({ customerId, purpose, channel: purpose === "PROFILING" ? "ALL" : channel, granted, source });
        }}
      >
        <Field label="Purpose" errors={save.errors.purpose}>
          {(p) => (
            <select {...p} value={purpose} onChange={(e) => setPurpose(e.target.value as ConsentPurpose)} className={inputClass}>
              {CONSENT_PURPOSES.map((x) => (
                <option key={x} value={x}>
                  {PURPOSE_LABEL[x]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Channel" errors={save.errors.channel}>
          {(p) => (
            <select {...p} value={purpose === "PROFILING" ? "ALL" : channel} disabled={purpose === "PROFILING"} onChange={(e) => setChannel(e.target.value as ConsentChannel | "ALL")} className={inputClass}>
              <option value="ALL">Every channel</option>
              {CONSENT_CHANNELS.map((x) => (
                <option key={x} value={x}>
                  {CHANNEL_LABEL[x]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Consent" errors={save.errors.granted}>
          {(p) => (
            <select {...p} value={granted} onChange={(e) => setGranted(e.target.value as "true" | "false")} className={inputClass}>
              <option value="false">Withdrawn</option>
              <option value="true">Given</option>
            </select>
          )}
        </Field>
        <Field label="Source" hint="How the customer said it" errors={save.errors.source}>
          {(p) => <input {...p} value={source} placeholder="e.g. phone call" onChange={(e) => setSource(e.target.value)} className={inputClass} />}
        </Field>
        <Button type="submit" disabled={save.pending}>
          {save.pending ? "Recording…" : "Record"}
        </Button>
      </form>
      {history.length === 0 ? (
        <p className="text-xs text-slate-600">No consent recorded: every purpose is allowed by default.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[30rem] text-left text-xs" aria-label="Consent history">
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-2 font-medium">When</th>
                <th scope="col" className="py-1 pr-2 font-medium">Purpose</th>
                <th scope="col" className="py-1 pr-2 font-medium">Channel</th>
                <th scope="col" className="py-1 pr-2 font-medium">Value</th>
                <th scope="col" className="py-1 pr-2 font-medium">Source</th>
                <th scope="col" className="py-1 font-medium">Recorded by</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 text-slate-800">
              {shown.map((h) => (
                <tr key={h.id}>
                  <td className="py-1 pr-2 whitespace-nowrap">{when(h.recordedAt)}</td>
                  <td className="py-1 pr-2">{PURPOSE_LABEL[h.purpose]}</td>
                  <td className="py-1 pr-2">{h.channel ? CHANNEL_LABEL[h.channel] : "—"}</td>
                  <td className="py-1 pr-2">{h.granted ? "given" : "withdrawn"}</td>
                  <td className="py-1 pr-2">{h.source}</td>
                  <td className="py-1">{h.recordedBy ?? (h.apiKey ? `API key ${h.apiKey}` : "—")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {history.length > 5 ? (
            <button type="button" className="mt-1 text-xs font-medium text-brand-700 hover:underline" onClick={() => setShowAll((v) => !v)}>
              {showAll ? "Show the latest 5" : `Show all ${history.length}`}
            </button>
          ) : null}
        </div>
      )}
    </div>
  );
}
