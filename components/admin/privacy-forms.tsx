"use client";
// Admin → Privacy: the retention period, a manual purge, and a customer's erasure.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { eraseCustomerAction, runRetentionAction, setRetentionDaysAction } from "@/lib/actions/data-rights";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from "@/lib/validation/retention-limits";
import { Field, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

export function RetentionForm({ days }: { days: number }) {
  const [value, setValue] = useState(String(days));
  const save = useAdminAction(setRetentionDaysAction, { success: (d) => `Saved: raw events are kept ${d.eventRetentionDays} days.` });
  const run = useAdminAction(runRetentionAction, {
    success: (r) => `Purged ${r.eventsDeleted.toLocaleString("en-US")} events and stripped ${r.eventsStripped.toLocaleString("en-US")} purchases older than ${r.cutoff.slice(0, 10)}.`,
  });
  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
      <form
        aria-label="Retention period"
        noValidate
        className="flex flex-1 flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          save.run({ eventRetentionDays: value });
        }}
      >
        <Field label="Keep raw events for (days)" hint={`${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}; default 730 (two years).`} errors={save.errors.eventRetentionDays} className="sm:w-64">
          {(p) => <input {...p} inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} className={inputClass} />}
        </Field>
        <Button type="submit" disabled={save.pending} className="sm:mb-5">
          {save.pending ? "Saving…" : "Save"}
        </Button>
      </form>
      <Button variant="secondary" disabled={run.pending} onClick={() => run.run({})} className="sm:mb-5">
        {run.pending ? "Purging…" : "Purge now"}
      </Button>
    </div>
  );
}

export function EraseForm({ customerId, externalId }: { customerId: string; externalId: string }) {
  const [confirm, setConfirm] = useState("");
  const erase = useAdminAction(eraseCustomerAction, { success: (r) => (r.alreadyErased ? "This customer was already erased." : "Erased. The external id no longer resolves.") });
  return (
    <form
      aria-label="Erase this customer"
      noValidate
      className="flex flex-col gap-2 sm:flex-row sm:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        erase.run({ customerId, confirm });
      }}
    >
      <Field label={`Type ${externalId} to confirm`} hint="Irreversible: personal data is removed everywhere; counts and totals stay." errors={erase.errors.confirm} className="sm:w-72">
        {(p) => <input {...p} value={confirm} autoComplete="off" onChange={(e) => setConfirm(e.target.value)} className={inputClass} />}
      </Field>
      <Button type="submit" variant="danger" disabled={erase.pending} className="sm:mb-9">
        {erase.pending ? "Erasing…" : "Erase personal data"}
      </Button>
    </form>
  );
}
