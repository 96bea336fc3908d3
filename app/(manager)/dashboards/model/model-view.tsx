import { ChartCard } from "@/components/dashboards/chart-card";
import { Wide } from "@/components/dashboards/dashboard-frame";
import { displayCell, modelVersionLabel, PERIOD_LABEL, periodColumn, type Column, type Row } from "@/components/dashboards/format";
import { Kpi, KpiGrid } from "@/components/dashboards/kpi";
import type { ModelData } from "@/lib/data/metrics";
import { expectedCalibrationError } from "@/lib/metrics/calibration";
import { rate } from "@/lib/metrics/summary";
import type { Grain } from "@/lib/validation/dashboard-filters";
import { day } from "../load-dashboard";

/** The model-quality dashboard's cards. */
export function ModelView({ data, windowDays, grain }: { data: ModelData; windowDays: number; grain: Grain }) {
  const periodCol = periodColumn(grain, "week");
  const calibration: Row[] = data.calibration.map((b) => ({
    band: `${(b.band - 1) * 10}–${b.band * 10}%`,
    n: b.n,
    meanPredicted: b.meanPredicted,
    observed: b.observed,
    gap: b.observed - b.meanPredicted,
  }));
  const ece = expectedCalibrationError(data.calibration);
  const resolved = data.calibration.reduce((s, b) => s + b.n, 0);
  const accepted = data.precisionByWeek.reduce((s, w) => s + w.accepted, 0);
  const converted = data.precisionByWeek.reduce((s, w) => s + w.converted, 0);
  const precisionRow = (p: { accepted: number; converted: number }) => ({ accepted: p.accepted, converted: p.converted, precision: rate(p.converted, p.accepted) });

  const actions = [...new Map(data.acceptanceByWeek.map((a) => [a.actionKey, a.actionName])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const byWeek = new Map<string, Row>();
  for (const a of data.acceptanceByWeek) {
    const w = day(a.week);
    const row = byWeek.get(w) ?? { week: w };
    row[a.actionKey] = rate(a.accepted, a.resolved);
    row[`${a.actionKey}__n`] = a.resolved;
    byWeek.set(w, row);
  }
  const trendRows = [...byWeek.values()];
  return (
    <>
      <Wide>
        <KpiGrid label="Model summary">
          <Kpi label="Resolved recommendations" value={displayCell(resolved, "int")} detail="accepted, done, dismissed or expired after being seen" />
          <Kpi label="Mean predicted acceptance" value={displayCell(resolved ? data.calibration.reduce((s, b) => s + b.n * b.meanPredicted, 0) / resolved : null, "pct")} />
          <Kpi label="Observed acceptance" value={displayCell(resolved ? data.calibration.reduce((s, b) => s + b.n * b.observed, 0) / resolved : null, "pct")} />
          <Kpi label="Calibration error (ECE)" value={ece === null ? "—" : `${(ece * 100).toFixed(1)} pts`} detail="n-weighted mean |predicted − observed| over the bands" />
          <Kpi label="Precision" value={displayCell(rate(converted, accepted), "pct")} detail={`accepted that converted within ${windowDays} days`} />
          <Kpi label="Accepted with closed window" value={displayCell(accepted, "int")} />
        </KpiGrid>
      </Wide>
      <ChartCard
        title="Calibration: predicted propensity vs observed acceptance, by 10-point band (%)"
        description="Resolved recommendations grouped by predicted propensity (0–10%, 10–20%, … 90–100%; empty bands left out). Points on the dashed diagonal are perfectly calibrated; above it the model under-predicts."
        spec={{ type: "calibration", x: "meanPredicted", y: "observed", xLabel: "Predicted acceptance (mean of band)", yLabel: "Observed acceptance" }}
        columns={[
          { key: "band", label: "Predicted band", kind: "text" },
          { key: "n", label: "Recommendations", kind: "int" },
          { key: "meanPredicted", label: "Mean predicted", kind: "pct" },
          { key: "observed", label: "Observed acceptance", kind: "pct" },
          { key: "gap", label: "Observed − predicted", kind: "pts" },
        ]}
        rows={calibration}
        csvName="calibration-by-band"
        height={300}
        emptyText="No resolved recommendations in this period."
      />
      <ChartCard
        title="Precision over time (% of accepted that converted)"
        description={`Accepted recommendations by ${grain} generated, whose ${windowDays}-day attribution window has closed.`}
        spec={{ type: "line", x: "week", xKind: grain, xLabel: PERIOD_LABEL[grain], yKind: "pct", yLabel: "% of accepted converted", series: [{ key: "precision", label: "Precision" }] }}
        columns={[
          periodCol,
          { key: "accepted", label: "Accepted (window closed)", kind: "int" },
          { key: "converted", label: "Converted", kind: "int" },
          { key: "precision", label: "Precision", kind: "pct" },
        ]}
        rows={data.precisionByWeek.filter((w) => w.accepted > 0).map((w) => ({ week: day(w.week), ...precisionRow(w) }))}
        csvName={`precision-by-${grain}`}
        height={300}
      />
      <Wide>
        <ChartCard
          title="Precision by model version (% of accepted that converted)"
          description="Each version is the model that generated the recommendation, oldest first, named by the day of the statistics it learned from and the start of its fingerprint (the full id is in the table)."
          spec={{ type: "bar", x: "modelVersion", xKind: "text", xLabel: "Model version", yKind: "pct", yLabel: "% of accepted converted", series: [{ key: "precision", label: "Precision" }] }}
          columns={[
            { key: "modelVersion", label: "Model version", kind: "text" },
            { key: "versionId", label: "Version id", kind: "text" },
            { key: "firstUsed", label: "First used", kind: "date" },
            { key: "accepted", label: "Accepted (window closed)", kind: "int" },
            { key: "converted", label: "Converted", kind: "int" },
            { key: "precision", label: "Precision", kind: "pct" },
          ]}
          rows={data.precisionByVersion.filter((v) => v.accepted > 0).map((v) => ({ modelVersion: modelVersionLabel(v.modelVersion), versionId: v.modelVersion, firstUsed: day(v.firstUsed), ...precisionRow(v) }))}
          csvName="precision-by-model-version"
        />
      </Wide>
      <Wide>
        <ChartCard
          title="Quality by model version: Brier score and log loss (lower is better)"
          description="Each version's logged P(accept) against what then happened to its resolved suggestions, data it was not trained on. Brier score: mean (p − y)². Log loss: mean −ln of the probability given to what happened. Accuracy: share right when p ≥ 50 % is read as “will accept”."
          spec={{ type: "bar", x: "modelVersion", xKind: "text", xLabel: "Model version", yKind: "num2", yLabel: "Brier score / log loss", series: [{ key: "brier", label: "Brier score" }, { key: "logLoss", label: "Log loss" }] }}
          columns={[
            { key: "modelVersion", label: "Model version", kind: "text" },
            { key: "versionId", label: "Version id", kind: "text" },
            { key: "firstUsed", label: "First used", kind: "date" },
            { key: "resolved", label: "Resolved", kind: "int" },
            { key: "accuracy", label: "Accuracy", kind: "pct" },
            { key: "brier", label: "Brier score", kind: "num2" },
            { key: "logLoss", label: "Log loss", kind: "num2" },
          ]}
          rows={data.precisionByVersion
            .filter((v) => v.resolved > 0)
            .map((v) => ({ modelVersion: modelVersionLabel(v.modelVersion), versionId: v.modelVersion, firstUsed: day(v.firstUsed), resolved: v.resolved, accuracy: rate(v.correct, v.resolved), brier: v.brierSum / v.resolved, logLoss: v.logLossSum / v.resolved }))}
          csvName="quality-by-model-version"
        />
      </Wide>
      <Wide>
        <ChartCard
          title={`Acceptance trend by action type (% of resolved accepted, per ${grain})`}
          description={`Share of resolved recommendations that were accepted or done, by ${grain} generated.`}
          spec={{ type: "line", x: "week", xKind: grain, xLabel: PERIOD_LABEL[grain], yKind: "pct", yLabel: "% accepted", yMax: 1, series: actions.map(([key, name]) => ({ key, label: name })) }}
          columns={[
            periodCol,
            ...actions.flatMap(([key, name]): Column[] => [
              { key, label: `${name} accepted`, kind: "pct" },
              { key: `${key}__n`, label: `${name} n`, kind: "int" },
            ]),
          ]}
          rows={trendRows}
          csvName="acceptance-by-action-type"
          height={300}
        />
      </Wide>
    </>
  );
}
