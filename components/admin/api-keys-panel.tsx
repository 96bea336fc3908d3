"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { createApiKeyAction, revokeApiKeyAction } from "@/lib/actions/api-keys";
import { API_SCOPES, type ApiScope } from "@/lib/validation/api";
import { Field, FieldErrors, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: { name: string } | null;
}

const when = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/** Create a key (its secret shown once), list keys, revoke one. */
export function ApiKeysPanel({ keys }: { keys: ApiKeyRow[] }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiScope[]>([...API_SCOPES]);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useAdminAction(createApiKeyAction, {
    onSuccess: (k) => {
      setSecret({ name: k.name, key: k.key });
      setCopied(false);
      setName("");
    },
  });
  return (
    <div className="space-y-4">
      <form
        aria-label="Create API key"
        noValidate
        className="rounded-lg border border-slate-200 bg-white p-3 sm:p-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.run({ name, scopes });
        }}
      >
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,16rem)_1fr]">
          <Field label="Name" hint="The system that will use it, e.g. “Shop webhooks”." errors={create.errors.name}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />}
          </Field>
          <fieldset>
            <legend className="text-xs font-medium text-slate-700">Scopes</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {API_SCOPES.map((s) => (
                <label key={s} className="flex items-center gap-1.5 font-mono text-xs text-slate-700">
                  <input
                    type="checkbox"
                    checked={scopes.includes(s)}
                    onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
                    className="size-4 rounded border-slate-300"
                  />
                  {s}
                </label>
              ))}
            </div>
            <FieldErrors errors={create.errors.scopes} />
          </fieldset>
        </div>
        <Button type="submit" className="mt-3" disabled={create.pending}>
          {create.pending ? "Creating…" : "Create key"}
        </Button>
      </form>

      {secret ? (
        <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3">
          <p className="text-sm font-medium text-amber-900">Copy the key for “{secret.name}” now: it is shown only once.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="new-api-key" className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900 ring-1 ring-amber-200">
              {secret.key}
            </code>
            <Button
              variant="secondary"
              className="px-2 py-1 text-xs"
              onClick={async () => {
                await navigator.clipboard?.writeText(secret.key).catch(() => undefined);
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

      <ul className="space-y-2" aria-label="API keys">
        {keys.map((k) => (
          <KeyRow key={k.id} k={k} />
        ))}
        {keys.length === 0 ? <li className="text-sm text-slate-600">No API keys yet.</li> : null}
      </ul>
    </div>
  );
}

function KeyRow({ k }: { k: ApiKeyRow }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useAdminAction(revokeApiKeyAction, { success: () => `Revoked “${k.name}”; the API refuses it from now on` });
  return (
    <li aria-label={`API key ${k.name}`} className={`rounded-lg border bg-white p-3 ${k.revokedAt ? "border-slate-200 opacity-70" : "border-slate-200"}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-medium text-slate-900">
            {k.name}{" "}
            {k.revokedAt ? <span className="ml-1 rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-700">revoked</span> : null}
          </p>
          <p className="font-mono text-xs text-slate-600">nk_{k.prefix}_…</p>
        </div>
        {k.revokedAt ? null : confirming ? (
          <span className="flex items-center gap-1.5">
            <Button variant="danger" className="px-2 py-1 text-xs" disabled={revoke.pending} onClick={() => revoke.run({ id: k.id })} autoFocus>
              {revoke.pending ? "Revoking…" : "Confirm revoke"}
            </Button>
            <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button variant="danger" className="px-2 py-1 text-xs" onClick={() => setConfirming(true)} aria-label={`Revoke ${k.name}`}>
            Revoke
          </Button>
        )}
      </div>
      <ul className="mt-1.5 flex flex-wrap gap-1" aria-label="Scopes">
        {k.scopes.map((s) => (
          <li key={s} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
            {s}
          </li>
        ))}
      </ul>
      <p className="mt-1.5 text-xs text-slate-500">
        Created {when.format(k.createdAt)}
        {k.createdBy ? ` by ${k.createdBy.name}` : ""} · last used {k.lastUsedAt ? when.format(k.lastUsedAt) : "never"}
        {k.revokedAt ? ` · revoked ${when.format(k.revokedAt)}` : ""}
      </p>
    </li>
  );
}
