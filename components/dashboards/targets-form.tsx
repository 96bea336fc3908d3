"use client";
import { useState } from "react";
import { Field, inputClass } from "@/components/admin/form";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Button } from "@/components/ui/button";
import { setTargetAction, updatePulseSettingsAction } from "@/lib/actions/engagement";
import { MAX_PULSE_WEEKS, MIN_PULSE_WEEKS } from "@/lib/metrics/engagement";
import { formatThreshold, TARGET_INFO, TARGET_METRICS, type TargetMetric } from "@/lib/metrics/targets";

const PROGRAM = "program";

/**
 * Sets or removes one adoption target: a team (managers: their own; admins:
 * any, or program-wide), a figure and its threshold (percent for shares, points
 * for NPS). Admins also set how often the pulse survey asks.
 */
export function TargetsForm({
  teams,
  canSetProgram,
  defaultTeamId,
  current,
  pulseEveryWeeks,
}: {
  teams: { id: string; name: string }[];
  canSetProgram: boolean;
  defaultTeamId: string | null;
  current: { teamId: string | null; metric: TargetMetric; threshold: number }[];
  /** null: not an admin (no cadence field). */
  pulseEveryWeeks: number | null;
}) {
  const [team, setTeam] = useState(defaultTeamId ?? (canSetProgram ? PROGRAM : (teams[0]?.id ?? "")));
  const [metric, setMetric] = useState<TargetMetric>("weeklyActiveShare");
  const [value, setValue] = useState("");
  const [weeks, setWeeks] = useState(String(pulseEveryWeeks ?? ""));
  const save = useAdminAction(setTargetAction, { success: (d) => (d.threshold === null ? "Target removed." : "Target saved.") });
  const cadence = useAdminAction(updatePulseSettingsAction, { success: (d) => `The pulse now asks at most once every ${d.pulseEveryWeeks} weeks.` });
  const teamId = team === PROGRAM ? null : team;
  const now = current.find((c) => c.metric === metric && c.teamId === teamId);
  const info = TARGET_INFO[metric];
  return (
    <div className="mt-2 space-y-3">
      <form
        aria-label="Set a target"
        noValidate
        className="grid grid-cols-1 items-start gap-2 sm:grid-cols-[repeat(3,minmax(0,14rem))_auto]"
        onSubmit={(e) => {
          e.preventDefault();
          save.run({ teamId, metric, threshold: value.trim() === "" ? Number.NaN : Number(value) });
        }}
      >
        <Field label="Applies to" errors={save.errors.teamId}>
          {(p) => (
            <select {...p} value={team} onChange={(e) => setTeam(e.target.value)} className={inputClass}>
              {canSetProgram ? <option value={PROGRAM}>Program-wide (every team)</option> : null}
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Figure" errors={save.errors.metric}>
          {(p) => (
            <select {...p} value={metric} onChange={(e) => setMetric(e.target.value as TargetMetric)} className={inputClass}>
              {TARGET_METRICS.map((m) => (
                <option key={m} value={m}>
                  {TARGET_INFO[m].label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={info.unit === "pct" ? "Target (%, at least)" : "Target (points, at least)"} hint={now ? `Now: ${formatThreshold(metric, now.threshold)}` : "No target set"} errors={save.errors.threshold}>
          {(p) => <input {...p} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} placeholder={info.unit === "pct" ? "e.g. 80" : "e.g. 30"} className={inputClass} />}
        </Field>
        <div className="flex gap-2 sm:pt-5">
          <Button type="submit" disabled={save.pending}>
            Save target
          </Button>
          {now ? (
            <Button variant="secondary" disabled={save.pending} onClick={() => save.run({ teamId, metric, threshold: null })}>
              Remove
            </Button>
          ) : null}
        </div>
      </form>
      {pulseEveryWeeks !== null ? (
        <form
          aria-label="Pulse survey cadence"
          noValidate
          className="grid grid-cols-1 items-start gap-2 sm:grid-cols-[minmax(0,14rem)_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            cadence.run({ pulseEveryWeeks: weeks });
          }}
        >
          <Field label="Pulse survey: ask each user at most once every (weeks)" hint={`${MIN_PULSE_WEEKS}–${MAX_PULSE_WEEKS}; never in a user's first week.`} errors={cadence.errors.pulseEveryWeeks}>
            {(p) => <input {...p} inputMode="numeric" value={weeks} onChange={(e) => setWeeks(e.target.value)} className={inputClass} />}
          </Field>
          <div className="sm:pt-5">
            <Button type="submit" variant="secondary" disabled={cadence.pending}>
              Save cadence
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
