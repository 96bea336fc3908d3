"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { addEmbedOriginAction, removeEmbedOriginAction } from "@/lib/actions/embed-origins";
import { parseEmbedOrigin } from "@/lib/validation/embed-origins";
import { Field, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

export interface EmbedOriginItem {
  origin: string;
  createdAt: Date;
  createdByName: string | null;
}

const when = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** The CRM origins allowed to frame the embed panel: add one (validated as you submit), remove one. */
export function EmbedOriginsPanel({ origins, fromEnv }: { origins: EmbedOriginItem[]; fromEnv: string[] }) {
  const [value, setValue] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const add = useAdminAction(addEmbedOriginAction, { success: (d) => `${d.origin} may now frame the panel`, onSuccess: () => setValue("") });
  const errors = localError ? [localError] : add.errors.origin;
  return (
    <div className="space-y-3">
      <form
        aria-label="Allow a CRM origin"
        noValidate
        className="flex flex-wrap items-start gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = parseEmbedOrigin(value);
          if (!parsed.ok) {
            setLocalError(parsed.message);
            return;
          }
          setLocalError(null);
          add.run({ origin: parsed.origin });
        }}
      >
        <Field className="min-w-0 flex-1 basis-64" label="CRM origin" hint="https://… only (http://localhost for development). Salesforce needs both the Lightning and the Visualforce origin." errors={errors}>
          {(p) => (
            <input
              {...p}
              value={value}
              onChange={(e) => {
                setValue(e.target.value);
                setLocalError(null);
              }}
              placeholder="https://acme.lightning.force.com"
              autoComplete="off"
              spellCheck={false}
              className={`${inputClass} font-mono`}
            />
          )}
        </Field>
        <Button type="submit" className="sm:mt-5" disabled={add.pending}>
          {add.pending ? "Adding…" : "Allow"}
        </Button>
      </form>
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Allowed CRM origins">
        {origins.map((o) => (
          <OriginRow key={o.origin} o={o} />
        ))}
        {fromEnv.map((origin) => (
          <li key={`env:${origin}`} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
            <span className="min-w-0 break-all font-mono text-sm text-slate-900">{origin}</span>
            <span className="text-xs text-slate-500">set in EMBED_ALLOWED_ORIGINS</span>
          </li>
        ))}
        {origins.length + fromEnv.length === 0 ? <li className="px-3 py-2 text-sm text-slate-600">None yet: no site may frame the panel.</li> : null}
      </ul>
    </div>
  );
}

function OriginRow({ o }: { o: EmbedOriginItem }) {
  const remove = useAdminAction(removeEmbedOriginAction, { success: (d) => `${d.origin} may no longer frame the panel` });
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
      <span className="min-w-0">
        <span className="block break-all font-mono text-sm text-slate-900">{o.origin}</span>
        <span className="block text-xs text-slate-500">
          Added {when.format(o.createdAt)}
          {o.createdByName ? ` by ${o.createdByName}` : ""}
        </span>
      </span>
      <Button variant="danger" className="px-2 py-1 text-xs" disabled={remove.pending} onClick={() => remove.run({ origin: o.origin })} aria-label={`Remove ${o.origin}`}>
        {remove.pending ? "Removing…" : "Remove"}
      </Button>
    </li>
  );
}
