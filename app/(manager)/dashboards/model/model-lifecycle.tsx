import { ChartCard } from "@/components/dashboards/chart-card";
import { Wide } from "@/components/dashboards/dashboard-frame";
import { displayCell, type Row } from "@/components/dashboards/format";
import { ModelRollbackButton } from "@/components/dashboards/model-rollback-button";
import type { ModelData } from "@/lib/data/metrics";
import { versionLabel, type AlertRow, type DriftCheckRow, type ModelVersionRow } from "@/lib/data/model-versions";
import { rate } from "@/lib/metrics/summary";
import { DRIFT_WINDOW_DAYS, PSI_MIN_COUNT, PSI_REFERENCE_DAYS, SHADOW_MIN_OUTCOMES, type DriftSignals, type ShadowEvaluation } from "@/lib/services/model-lifecycle";

const when = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const dayFmt = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const STATUS_STYLE: Record<ModelVersionRow["status"], string> = {
  ACTIVE: "bg-emerald-100 text-emerald-900",
  SHADOW: "bg-brand-100 text-brand-700",
  CANDIDATE: "bg-amber-100 text-amber-900",
  RETIRED: "bg-slate-100 text-slate-700",
};
const REASON: Record<string, string> = { first: "first version", scheduled: "scheduled retrain", drift: "retrained after a drift alert", seed: "demo seed" };

function evaluationText(e: ShadowEvaluation | null): string {
  if (!e) return "—";
  const ll = (m: ShadowEvaluation["active"]) => (m ? m.logLoss.toFixed(3) : "—");
  const verdict = e.decision === "promoted" ? "promoted" : e.decision === "retired" ? "not promoted" : "in shadow";
  return e.n > 0 ? `${verdict}: log loss ${ll(e.shadow)} vs ${ll(e.active)} (${e.activeLabel}) on ${e.n} outcomes` : `${verdict}: ${e.why}`;
}

/** Stored model versions, their quality over time, the drift monitor's signals and alerts; admins roll back from here. */
export function ModelLifecycle({ versions, alerts, check, data, canRollback }: { versions: ModelVersionRow[]; alerts: AlertRow[]; check: DriftCheckRow | null; data: ModelData; canRollback: boolean }) {
  const live = new Map(data.precisionByVersion.map((v) => [v.modelVersion, v]));
  const active = versions.find((v) => v.status === "ACTIVE") ?? null;
  const activeLabel = active ? versionLabel(active.number) : null;
  const quality: Row[] = [...versions]
    .sort((a, b) => a.number - b.number)
    .map((v) => {
      const m = live.get(versionLabel(v.number));
      return {
        version: versionLabel(v.number),
        trained: dayFmt.format(v.trainedAt),
        resolved: m?.resolved ?? 0,
        accuracy: m && m.resolved ? rate(m.correct, m.resolved) : null,
        precision: m ? rate(m.converted, m.accepted) : null,
        predicted: m && m.resolved ? m.predictedSum / m.resolved : null,
        observed: m && m.resolved ? rate(m.resolvedAccepted, m.resolved) : null,
        gap: m && m.resolved ? m.predictedSum / m.resolved - m.resolvedAccepted / m.resolved : null,
      };
    });
  const signals = (check?.signals ?? null) as DriftSignals | null;
  const acceptanceRows: Row[] = (signals?.acceptance ?? []).map((d) => ({ action: d.actionKey, segment: d.segment, shown: d.shown, observed: d.observed, predicted: d.predicted, shift: d.shift, z: d.z, state: d.fired ? "Alert" : "OK" }));
  const psiRows: Row[] = (signals?.psi ?? []).map((p) => ({
    signal: p.signal,
    psi: p.referenceN >= PSI_MIN_COUNT && p.recentN >= PSI_MIN_COUNT ? p.psi : null,
    referenceN: p.referenceN,
    recentN: p.recentN,
    state: p.referenceN < PSI_MIN_COUNT || p.recentN < PSI_MIN_COUNT ? "Too few" : p.fired ? "Alert" : "OK",
  }));
  return (
    <>
      <Wide>
        <section aria-labelledby="model-versions-t" className="min-w-0 rounded-lg border border-slate-200 bg-white p-3 sm:p-4">
          <h2 id="model-versions-t" className="text-sm font-semibold text-slate-900">
            Model versions
          </h2>
          <p className="mt-0.5 text-xs text-slate-600">
            Each version is a frozen fit of the propensity model on the outcomes up to its training time. The engine scores with the <strong>active</strong> one; a new one
            is trained every day (or at once after a drift alert) and runs in <strong>shadow</strong>: once {SHADOW_MIN_OUTCOMES} suggestions made after its training are
            resolved it is promoted if its log loss on them is lower than the active version&apos;s, else retired. {canRollback ? "Roll back makes a retired version active again." : "Admins can roll back to a retired version."}
          </p>
          {versions.length === 0 ? (
            <p className="mt-3 rounded-md border border-dashed border-slate-300 px-3 py-6 text-center text-sm text-slate-600">
              No model version is stored yet: the engine refits at every batch until the first scheduled training.
            </p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-100" aria-label="Model versions">
              {versions.map((v) => {
                const label = versionLabel(v.number);
                return (
                  <li key={v.id} className="flex flex-wrap items-start justify-between gap-2 py-2" data-version={label}>
                    <div className="min-w-0 text-sm">
                      <p className="flex flex-wrap items-center gap-2">
                        <span className="font-semibold text-slate-900">{label}</span>
                        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[v.status]}`}>{v.status.toLowerCase()}</span>
                        <span className="text-xs text-slate-600">{REASON[v.reason] ?? v.reason}</span>
                      </p>
                      <p className="mt-0.5 text-xs text-slate-600">
                        Trained {when.format(v.trainedAt)} UTC on outcomes {v.windowFrom ? `${dayFmt.format(v.windowFrom)} – ` : "up to "}
                        {dayFmt.format(v.windowTo)} ({displayCell(v.trials, "num1")} age-weighted trials, half-life {v.halfLifeDays} days)
                      </p>
                      <p className="mt-0.5 text-xs text-slate-600">Shadow evaluation: {evaluationText(v.evaluation as ShadowEvaluation | null)}</p>
                    </div>
                    {canRollback && v.status === "RETIRED" ? <ModelRollbackButton versionId={v.id} label={label} activeLabel={activeLabel} /> : null}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </Wide>
      <Wide>
        <ChartCard
          title="Quality per stored version over time (accuracy and precision, %)"
          description="Versions oldest first, each on the suggestions it made (data it was not trained on), in this dashboard's period and team. Accuracy: share of resolved suggestions called right when P(accept) ≥ 50 % is read as “will accept”. Precision: share of accepted (window closed) that converted. Calibration: mean predicted P(accept) minus the observed acceptance, in points (positive: over-predicts)."
          spec={{ type: "bar", x: "version", xKind: "text", xLabel: "Model version", yKind: "pct", yLabel: "%", series: [{ key: "accuracy", label: "Accuracy" }, { key: "precision", label: "Precision" }] }}
          columns={[
            { key: "version", label: "Version", kind: "text" },
            { key: "trained", label: "Trained", kind: "text" },
            { key: "resolved", label: "Resolved", kind: "int" },
            { key: "accuracy", label: "Accuracy", kind: "pct" },
            { key: "precision", label: "Precision", kind: "pct" },
            { key: "predicted", label: "Mean predicted", kind: "pct" },
            { key: "observed", label: "Observed acceptance", kind: "pct" },
            { key: "gap", label: "Calibration (predicted − observed)", kind: "pts" },
          ]}
          rows={quality}
          alwaysTable
          dense
          csvName="quality-per-stored-version"
          emptyText="No stored model version yet."
        />
      </Wide>
      <Wide>
        <ChartCard
          title={`Drift: acceptance shift per action and segment (last ${DRIFT_WINDOW_DAYS} days)`}
          description={
            check
              ? `Checked ${when.format(check.at)} UTC. Suggestions resolved in the window: observed share acted on against the mean P(accept) logged for them; z = (accepted − n·p̄) / √(n·p̄(1 − p̄)). An alert needs a shift of at least ${Math.round((signals?.thresholds.acceptanceShift ?? 0) * 100)} points and |z| ≥ ${signals?.thresholds.zScore ?? "—"}.`
              : "The drift monitor has not run yet."
          }
          columns={[
            { key: "action", label: "Action", kind: "text" },
            { key: "segment", label: "Segment", kind: "text" },
            { key: "shown", label: "Resolved", kind: "int" },
            { key: "observed", label: "Observed", kind: "pct" },
            { key: "predicted", label: "Predicted", kind: "pct" },
            { key: "shift", label: "Shift", kind: "pts" },
            { key: "z", label: "z", kind: "num1" },
            { key: "state", label: "State", kind: "text" },
          ]}
          rows={acceptanceRows}
          tableOnly
          dense
          csvName="drift-acceptance"
          emptyText="No suggestion resolved in the window."
        />
      </Wide>
      <ChartCard
        title="Drift: population stability of the signals (PSI)"
        description={`Buckets of each signal in the customers' suggestions of the last ${DRIFT_WINDOW_DAYS} days against the ${PSI_REFERENCE_DAYS} days before the active version's training end. PSI = Σ (recent − reference) · ln(recent / reference) over bucket shares; under 0.1 stable, over ${signals?.thresholds.psi ?? 0.2} an alert. Needs ${PSI_MIN_COUNT} suggestions on each side.`}
        columns={[
          { key: "signal", label: "Signal", kind: "text" },
          { key: "psi", label: "PSI", kind: "num2" },
          { key: "referenceN", label: "Reference n", kind: "int" },
          { key: "recentN", label: "Recent n", kind: "int" },
          { key: "state", label: "State", kind: "text" },
        ]}
        rows={psiRows}
        tableOnly
        dense
        csvName="drift-psi"
        emptyText="The drift monitor has not run yet."
      />
      <Wide>
        <section aria-labelledby="model-alerts-t" className="min-w-0 rounded-lg border border-slate-200 bg-white p-3 sm:p-4">
          <h2 id="model-alerts-t" className="text-sm font-semibold text-slate-900">
            Drift alerts
          </h2>
          <p className="mt-0.5 text-xs text-slate-600">Each alert is also in the audit log and sent to webhooks subscribed to model.drift; an acceptance alert retrains a candidate at once.</p>
          {alerts.length === 0 ? (
            <p className="mt-3 rounded-md border border-dashed border-slate-300 px-3 py-6 text-center text-sm text-slate-600">No drift alert so far.</p>
          ) : (
            <ul className="mt-2 divide-y divide-slate-100">
              {alerts.map((a) => (
                <li key={a.id} className="py-2 text-sm">
                  <p className="text-slate-900">{a.message}</p>
                  <p className="text-xs text-slate-600">
                    {when.format(a.createdAt)} UTC · {a.kind === "psi" ? "population shift" : "acceptance shift"}
                    {a.retrainVersionId ? ` · retrained ${versions.find((v) => v.id === a.retrainVersionId) ? versionLabel(versions.find((v) => v.id === a.retrainVersionId)!.number) : ""}` : ""}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      </Wide>
    </>
  );
}
