"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { reassignCustomersAction } from "@/lib/actions/users";
import { Field, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

type Rep = { id: string; name: string; active: boolean; customers: number };

/** Moves all of one rep's customers, and their open suggestions, to another rep. */
export function ReassignForm({ reps, defaultFrom = "" }: { reps: Rep[]; defaultFrom?: string }) {
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState("");
  const { run, pending, errors } = useAdminAction(reassignCustomersAction, {
    success: (r) => `Moved ${r.customers} customers and ${r.recommendations} open suggestions`,
  });
  const source = reps.find((r) => r.id === from);
  return (
    <form
      aria-label="Reassign customers"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        run({ fromRepId: from, toRepId: to });
      }}
      className="grid grid-cols-1 gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
    >
      <Field label="From rep" errors={errors.fromRepId}>
        {(p) => (
          <select {...p} value={from} onChange={(e) => setFrom(e.target.value)} className={inputClass}>
            <option value="">Choose…</option>
            {reps
              .filter((r) => r.customers > 0)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.customers}){r.active ? "" : " · inactive"}
                </option>
              ))}
          </select>
        )}
      </Field>
      <Field label="To rep" errors={errors.toRepId}>
        {(p) => (
          <select {...p} value={to} onChange={(e) => setTo(e.target.value)} className={inputClass}>
            <option value="">Choose…</option>
            {reps
              .filter((r) => r.active && r.id !== from)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.customers})
                </option>
              ))}
          </select>
        )}
      </Field>
      <Button type="submit" variant="secondary" disabled={pending || !from || !to}>
        {pending ? "Moving…" : source ? `Move ${source.customers} customers` : "Move customers"}
      </Button>
    </form>
  );
}
