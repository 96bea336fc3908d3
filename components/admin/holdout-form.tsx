"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { updateProgramSettingsAction } from "@/lib/actions/program";
import { holdoutGuidance } from "@/lib/metrics/experiment";
import { HOLDOUT_REDRAWS, MAX_GLOBAL_HOLDOUT_PCT, REDRAW_LABELS, type ProgramSettingsInput } from "@/lib/validation/program";
import { Field, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

const CHOICES = [1, 2, 5, 10, 20];

/** The global holdout's share and schedule, with what each share could detect on this customer base. */
export function HoldoutForm({ settings, customers, baselineRate }: { settings: ProgramSettingsInput; customers: number; baselineRate: number | null }) {
  const [pct, setPct] = useState(String(settings.globalHoldoutPct));
  const [redraw, setRedraw] = useState(settings.holdoutRedraw);
  const save = useAdminAction(updateProgramSettingsAction, { success: () => "Saved. The new share applies from the next draw." });
  const value = Number(pct);
  const guide = (share: number) => (baselineRate !== null && baselineRate > 0 && baselineRate < 1 && customers > 0 ? holdoutGuidance({ customers, pct: share, baselineRate }) : null);
  const current = Number.isFinite(value) && value > 0 && value <= MAX_GLOBAL_HOLDOUT_PCT ? guide(value) : null;
  return (
    <form
      aria-label="Global holdout settings"
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.run({ globalHoldoutPct: value, holdoutRedraw: redraw });
      }}
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Share of customers held out (%)" hint="0 switches the global holdout off." errors={save.errors.globalHoldoutPct}>
          {(p) => <input {...p} inputMode="decimal" value={pct} onChange={(e) => setPct(e.target.value)} className={inputClass} />}
        </Field>
        <Field label="Re-draw" hint="Calendar periods (UTC). A changed schedule starts a new draw at the next batch." errors={save.errors.holdoutRedraw}>
          {(p) => (
            <select {...p} value={redraw} onChange={(e) => setRedraw(e.target.value as ProgramSettingsInput["holdoutRedraw"])} className={inputClass}>
              {HOLDOUT_REDRAWS.map((r) => (
                <option key={r} value={r}>
                  {REDRAW_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className="text-sm text-slate-700" data-testid="holdout-guidance">
        {current ? current.statement : value === 0 ? "With 0 % nothing is held out: the program's effect cannot be measured." : baselineRate === null ? "No customers yet: guidance appears once there are some." : ""}
      </p>
      {baselineRate !== null && baselineRate > 0 && baselineRate < 1 ? (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[20rem] text-left text-xs">
            <caption className="mb-1 text-left text-slate-500">
              What each share could detect over one draw, on {customers.toLocaleString("en-US")} customers and a {(baselineRate * 100).toFixed(1)} % 90-day purchase rate (80 % power, 5 % significance):
            </caption>
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">Held out</th>
                <th scope="col" className="py-1 pr-3 font-medium">Customers held out</th>
                <th scope="col" className="py-1 font-medium">Smallest detectable change (relative)</th>
              </tr>
            </thead>
            <tbody>
              {CHOICES.map((share) => {
                const g = guide(share);
                return (
                  <tr key={share} className="border-t border-slate-100">
                    <td className="py-1 pr-3 tabular-nums">{share} %</td>
                    <td className="py-1 pr-3 tabular-nums">{g ? g.holdoutN.toLocaleString("en-US") : "–"}</td>
                    <td className="py-1 tabular-nums">{g && Number.isFinite(g.mde) ? `${(g.mde * 100).toFixed(1)} pts (${Math.round((g.relativeMde ?? 0) * 100)} %)` : "too small"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Button type="submit" disabled={save.pending}>
        {save.pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
