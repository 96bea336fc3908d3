"use client";
import { useState } from "react";
import { displayCell, type Column, type Row } from "./format";

type Sort = { key: string; dir: "asc" | "desc" } | null;

function compare(a: Row[string] | undefined, b: Row[string] | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // empty cells last
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

/** The accessible table behind a chart: the same rows, formatted as the CSV is; optionally sortable by any column. */
export function DataTable({ caption, columns, rows, sortable = false, dense = false }: { caption: string; columns: Column[]; rows: Row[]; sortable?: boolean; dense?: boolean }) {
  const [sort, setSort] = useState<Sort>(null);
  const shown = sort
    ? [...rows].sort((x, y) => {
        const c = compare(x[sort.key], y[sort.key]);
        // Nulls stay last whichever the direction.
        if (x[sort.key] === null || y[sort.key] === null) return c;
        return sort.dir === "asc" ? c : -c;
      })
    : rows;
  const numeric = (c: Column) => !["text", "date", "week", "month", "quarter"].includes(c.kind);
  const pad = dense ? "px-2" : "px-3";
  return (
    // Focusable, so keyboard users can scroll a table wider than the screen.
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`${caption}: table`}>
      <table className={`min-w-full ${dense ? "text-xs" : "text-sm"}`}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-medium text-slate-600">
          <tr>
            {columns.map((c) => {
              const dir = sort?.key === c.key ? sort.dir : null;
              return (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : sortable ? "none" : undefined}
                  className={`${pad} py-2 whitespace-nowrap ${numeric(c) ? "text-right" : "text-left"}`}
                >
                  {sortable ? (
                    <button
                      type="button"
                      className="inline-flex items-center gap-1 font-medium hover:text-slate-900"
                      onClick={() => setSort(dir === null ? { key: c.key, dir: numeric(c) ? "desc" : "asc" } : { key: c.key, dir: dir === "asc" ? "desc" : "asc" })}
                    >
                      {c.label}
                      <span aria-hidden="true" className="text-slate-400">
                        {dir === "asc" ? "▲" : dir === "desc" ? "▼" : "↕"}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {shown.map((r, i) => (
            <tr key={i}>
              {columns.map((c, j) => {
                const text = displayCell(r[c.key] ?? null, c.kind);
                const cls = `${pad} py-1.5 whitespace-nowrap ${numeric(c) ? "text-right tabular-nums" : "text-left"}`;
                return j === 0 ? (
                  <th key={c.key} scope="row" className={`${cls} font-normal text-slate-900`}>
                    {text}
                  </th>
                ) : (
                  <td key={c.key} className={cls} data-flag={c.key === "status" || c.flag !== undefined ? String(r[c.key]) : undefined}>
                    {(c.key === "status" && r[c.key] === "Stopped") || (c.flag !== undefined && r[c.key] === c.flag) ? (
                      <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">{text}</span>
                    ) : (
                      text
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
