"use client";
import { useId } from "react";
import { toCsv } from "@/lib/metrics/csv";
import type { ChartSpec } from "./chart-spec";
import { Chart } from "./charts";
import { DataTable } from "./data-table";
import { csvCell, csvHeader, type Column, type Row } from "./format";

export interface ChartCardProps {
  /** Says what is measured and in which unit, e.g. "Active reps per day (% of team)". */
  title: string;
  description?: string;
  spec?: ChartSpec;
  /** What the chart draws; defaults to the table rows. */
  chartData?: Row[];
  columns: Column[];
  rows: Row[];
  /** File name for the CSV, without extension. */
  csvName: string;
  height?: number;
  /** Shown instead of the chart when there are no rows. */
  emptyText?: string;
  /** Open the table by default (for cards that are a table only). */
  tableOnly?: boolean;
  /** Show the table under the chart, not behind "Show as table" (the numbers are the point). */
  alwaysTable?: boolean;
  /** Smaller table text and padding, for many columns. */
  dense?: boolean;
  sortable?: boolean;
  note?: React.ReactNode;
}

/** A chart with its title, its data as an accessible table, and a CSV of the same numbers. */
export function ChartCard({ title, description, spec, chartData, columns, rows, csvName, height = 260, emptyText = "No data for this period.", tableOnly, alwaysTable, dense, sortable, note }: ChartCardProps) {
  const id = useId();
  const empty = rows.length === 0;
  function download() {
    const csv = toCsv(
      columns.map(csvHeader),
      rows.map((r) => columns.map((c) => csvCell(r[c.key] ?? null, c.kind))),
    );
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${csvName}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return (
    <section aria-labelledby={`${id}-t`} className="min-w-0 rounded-lg border border-slate-200 bg-white p-3 sm:p-4" data-chart={csvName}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={`${id}-t`} className="text-sm font-semibold text-slate-900">
            {title}
          </h2>
          {description ? <p className="mt-0.5 text-xs text-slate-600">{description}</p> : null}
        </div>
        {!empty ? (
          <button type="button" onClick={download} className="shrink-0 rounded-md px-2 py-1 text-xs font-medium text-brand-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
            Download CSV<span className="sr-only">: {title}</span>
          </button>
        ) : null}
      </div>
      {empty ? (
        <p className="mt-3 rounded-md border border-dashed border-slate-300 px-3 py-8 text-center text-sm text-slate-600">{emptyText}</p>
      ) : (
        <>
          {spec && !tableOnly ? (
            <div className="mt-3">
              <Chart spec={spec} data={chartData ?? rows} height={height} />
            </div>
          ) : null}
          {note ? <div className="mt-2 text-xs text-slate-600">{note}</div> : null}
          {tableOnly || alwaysTable ? (
            <div className="mt-3">
              <DataTable caption={title} columns={columns} rows={rows} sortable={sortable} dense={dense} />
            </div>
          ) : (
            <details className="mt-2 group">
              <summary className="cursor-pointer text-xs font-medium text-slate-700 hover:text-slate-900">Show as table</summary>
              <div className="mt-2">
                <DataTable caption={title} columns={columns} rows={rows} />
              </div>
            </details>
          )}
        </>
      )}
    </section>
  );
}
