"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { updateLearningSettingsAction } from "@/lib/actions/program";
import { MAX_EXPLORATION_SHARE_PCT, type LearningSettingsInput } from "@/lib/validation/program";
import { Field, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

/** Forgetting (half-life of the evidence) and the cap on exploratory picks. */
export function LearningForm({ settings }: { settings: LearningSettingsInput }) {
  const [halfLife, setHalfLife] = useState(String(settings.learningHalfLifeDays));
  const [share, setShare] = useState(String(settings.explorationSharePct));
  const save = useAdminAction(updateLearningSettingsAction, { success: () => "Saved. The engine uses them from the next batch or re-score." });
  return (
    <form
      aria-label="Learning settings"
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.run({ learningHalfLifeDays: Number(halfLife), explorationSharePct: Number(share) });
      }}
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Half-life of evidence (days)" hint="An outcome this old counts half; twice as old, a quarter. Shorter follows change faster, longer is steadier." errors={save.errors.learningHalfLifeDays}>
          {(p) => <input {...p} inputMode="numeric" value={halfLife} onChange={(e) => setHalfLife(e.target.value)} className={inputClass} />}
        </Field>
        <Field
          label="Exploration cap (% of customers)"
          hint={`At most this share of customers is ranked by Thompson draws (for actions with exploration on); the rest get the best estimate. 0 to ${MAX_EXPLORATION_SHARE_PCT} %.`}
          errors={save.errors.explorationSharePct}
        >
          {(p) => <input {...p} inputMode="decimal" value={share} onChange={(e) => setShare(e.target.value)} className={inputClass} />}
        </Field>
      </div>
      <Button type="submit" disabled={save.pending}>
        {save.pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
