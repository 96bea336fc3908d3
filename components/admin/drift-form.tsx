"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { updateDriftThresholdsAction } from "@/lib/actions/program";
import type { DriftThresholdsInput } from "@/lib/validation/program";
import { Field, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

/** The drift monitor's thresholds (README "Model lifecycle"). */
export function DriftForm({ settings }: { settings: DriftThresholdsInput }) {
  const [shift, setShift] = useState(String(settings.driftAcceptanceShiftPct));
  const [z, setZ] = useState(String(settings.driftZScore));
  const [psi, setPsi] = useState(String(settings.driftPsi));
  const save = useAdminAction(updateDriftThresholdsAction, { success: () => "Saved. The drift monitor uses them from its next check." });
  return (
    <form
      aria-label="Drift thresholds"
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.run({ driftAcceptanceShiftPct: Number(shift), driftZScore: Number(z), driftPsi: Number(psi) });
      }}
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Field label="Acceptance shift (points)" hint="Alert when an action's observed acceptance in a segment is this far from the predicted one…" errors={save.errors.driftAcceptanceShiftPct}>
          {(p) => <input {...p} inputMode="decimal" value={shift} onChange={(e) => setShift(e.target.value)} className={inputClass} />}
        </Field>
        <Field label="…and at least this many standard errors (z)" hint="So a handful of suggestions cannot raise an alert. 2 to 10." errors={save.errors.driftZScore}>
          {(p) => <input {...p} inputMode="decimal" value={z} onChange={(e) => setZ(e.target.value)} className={inputClass} />}
        </Field>
        <Field label="Population stability index (PSI)" hint="Alert when a signal's distribution moved this much from the training data (0.1 moderate, 0.2 large)." errors={save.errors.driftPsi}>
          {(p) => <input {...p} inputMode="decimal" value={psi} onChange={(e) => setPsi(e.target.value)} className={inputClass} />}
        </Field>
      </div>
      <Button type="submit" disabled={save.pending}>
        {save.pending ? "Saving…" : "Save thresholds"}
      </Button>
    </form>
  );
}
