// Treated against control for one business KPI, as a table with a CSV: one
// row per group (action, period, team, segment) with both arms, the difference
// and its 95% interval, the p-value, the effect this sample can detect (MDE),
// the time until the observed effect would be detectable, the split check and
// the verdict. Rows are built on the server from lib/metrics/kpi-comparison.
import type { Comparison } from "@/lib/metrics/experiment";
import { formatP } from "@/lib/metrics/experiment";
import { detectionText, splitText, verdictText } from "@/lib/metrics/kpi-comparison";
import type { KpiDefinition } from "@/lib/metrics/kpi-definitions";
import { ChartCard } from "./chart-card";
import type { ChartSpec } from "./chart-spec";
import { displayCell, type CellKind, type Column, type Row } from "./format";

/** How a KPI's values and differences display. */
export function kpiKinds(unit: KpiDefinition["unit"]): { value: CellKind; diff: CellKind } {
  if (unit === "percent") return { value: "pct", diff: "pts" };
  if (unit === "currency") return { value: "money2", diff: "diffMoney" };
  return { value: "num2", diff: "diffNum" };
}

/**
 * An interval as "−0.4 to 4.8 pts", "−$1.20 to $3.40": bounds unsigned except
 * for a minus sign (U+2212, so a spreadsheet never reads the cell as a formula).
 */
export function intervalText(ci: Comparison["ci"], unit: KpiDefinition["unit"]): string | null {
  if (!ci) return null;
  const bound = (v: number) => {
    const sign = v < 0 && Math.abs(v) >= (unit === "percent" ? 0.0005 : 0.005) ? "−" : "";
    const a = Math.abs(v);
    return sign + (unit === "percent" ? (a * 100).toFixed(1) : unit === "currency" ? displayCell(a, "money2") : a.toFixed(2));
  };
  return `${bound(ci.lower)} to ${bound(ci.upper)}${unit === "percent" ? " pts" : ""}`;
}

/** The smallest difference this sample would detect: "±2.3 pts". */
export function mdeText(mde: number | null, unit: KpiDefinition["unit"]): string | null {
  if (mde === null) return null;
  const { value } = kpiKinds(unit);
  return `±${unit === "percent" ? displayCell(mde, "pts").replace("+", "") : displayCell(mde, value)}`;
}

export const pText = (p: number | null) => (p === null ? null : formatP(p).replace("= ", ""));

export function comparisonRow(name: string, c: Comparison, kpi: KpiDefinition): Row {
  return {
    name,
    treated: c.treated.value,
    treatedN: c.treated.n,
    control: c.control.value,
    controlN: c.control.n,
    difference: c.difference,
    interval: intervalText(c.ci, kpi.unit),
    p: pText(c.pValue),
    mde: mdeText(c.mde, kpi.unit),
    detect: detectionText(c),
    split: splitText(c),
    verdict: verdictText(c, kpi.higherIsBetter),
  };
}

export function comparisonColumns(first: Column, kpi: KpiDefinition, arms = { treated: "Treated", control: "Control" }): Column[] {
  const k = kpiKinds(kpi.unit);
  return [
    { ...first, key: "name" },
    { key: "treated", label: arms.treated, kind: k.value },
    { key: "treatedN", label: `${arms.treated} n`, kind: "int" },
    { key: "control", label: arms.control, kind: k.value },
    { key: "controlN", label: `${arms.control} n`, kind: "int" },
    { key: "difference", label: "Difference", kind: k.diff },
    { key: "interval", label: "95% interval", kind: "text" },
    { key: "p", label: "p-value", kind: "text" },
    { key: "mde", label: "MDE now", kind: "text" },
    { key: "detect", label: "Time to detect", kind: "text" },
    { key: "split", label: "Split", kind: "text", flag: "Mismatch" },
    { key: "verdict", label: "Verdict", kind: "text" },
  ];
}

export interface ComparisonTableProps {
  title: string;
  description: string;
  first: Column;
  kpi: KpiDefinition;
  rows: { name: string; comparison: Comparison }[];
  csvName: string;
  emptyText?: string;
  arms?: { treated: string; control: string };
  /** Draw the differences with their intervals above the table. */
  chart?: boolean;
}

/** The table (and optionally a chart of each difference with its 95% interval). */
export function ComparisonTable({ title, description, first, kpi, rows, csvName, emptyText, arms, chart }: ComparisonTableProps) {
  const tableRows = rows.map((r) => comparisonRow(r.name, r.comparison, kpi));
  const chartRows = rows
    .filter((r) => r.comparison.difference !== null && r.comparison.ci)
    .map((r) => ({ name: r.name, difference: r.comparison.difference, lower: r.comparison.ci?.lower ?? null, upper: r.comparison.ci?.upper ?? null }));
  const k = kpiKinds(kpi.unit);
  const spec: ChartSpec | undefined =
    chart && chartRows.length
      ? { type: "interval", category: "name", categoryKind: first.kind, value: "difference", lower: "lower", upper: "upper", kind: k.diff, xLabel: "Treated − control, with 95% interval", yLabel: "Difference" }
      : undefined;
  const mismatches = tableRows.filter((r) => r.split === "Mismatch").length;
  return (
    <ChartCard
      title={title}
      description={description}
      spec={spec}
      chartData={chartRows}
      tableOnly={!spec}
      alwaysTable
      dense
      columns={comparisonColumns(first, kpi, arms)}
      rows={tableRows}
      csvName={csvName}
      emptyText={emptyText}
      height={Math.max(160, 48 + chartRows.length * 34)}
      note={
        mismatches ? (
          <p role="note" className="rounded bg-amber-50 px-2 py-1 text-amber-900">
            Warning: {mismatches} of {tableRows.length} rows fail the split check (sample ratio mismatch): their groups are not split as designed, so their comparison cannot be trusted until that is explained.
          </p>
        ) : null
      }
    />
  );
}
