// One formatter per column kind, used by both the table and the CSV, so a
// downloaded file carries exactly the numbers the table shows (without units,
// which move to the CSV header). Client-safe.
import type { CsvCell } from "@/lib/metrics/csv";

export type CellKind = "text" | "date" | "int" | "num1" | "pct" | "pts" | "money" | "minutes";
export type CellValue = string | number | null;

export interface Column {
  key: string;
  label: string;
  kind: CellKind;
}
export type Row = Record<string, CellValue>;

const UNIT: Partial<Record<CellKind, string>> = { pct: "%", pts: "percentage points", money: "USD", minutes: "minutes" };
const intFmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const dateFmt = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
const shortDateFmt = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/** The number a cell shows, rounded as displayed (percentages as 0-100 with one decimal). */
export function cellNumber(v: number, kind: CellKind): number {
  switch (kind) {
    case "pct":
    case "pts":
      return Math.round(v * 1000) / 10;
    case "num1":
      return Math.round(v * 10) / 10;
    case "int":
    case "money":
    case "minutes":
      return Math.round(v);
    default:
      return v;
  }
}

export function displayCell(v: CellValue, kind: CellKind): string {
  if (v === null || v === "") return "—";
  if (typeof v === "string") return kind === "date" ? dateFmt.format(new Date(`${v}T00:00:00Z`)) : v;
  const n = cellNumber(v, kind);
  switch (kind) {
    case "pct":
      return `${n.toFixed(1)}%`;
    case "pts":
      return `${n > 0 ? "+" : ""}${n.toFixed(1)} pts`;
    case "money":
      return `$${intFmt.format(n)}`;
    case "minutes":
      return `${intFmt.format(n)} min`;
    case "num1":
      return n.toFixed(1);
    default:
      return intFmt.format(n);
  }
}

export function csvCell(v: CellValue, kind: CellKind): CsvCell {
  if (v === null) return null;
  if (typeof v === "string") return v;
  return cellNumber(v, kind);
}

export function csvHeader(c: Column): string {
  const unit = UNIT[c.kind];
  return unit ? `${c.label} (${unit})` : c.label;
}

/** Axis tick text for a value of this kind. */
export function tickText(v: unknown, kind: CellKind): string {
  if (typeof v === "string") return kind === "date" ? shortDateFmt.format(new Date(`${v}T00:00:00Z`)) : v;
  if (typeof v !== "number") return "";
  if (kind === "pct") return `${Math.round(v * 100)}%`;
  if (kind === "pts") return `${v > 0 ? "+" : ""}${Math.round(v * 100)} pts`;
  if (kind === "money") return v >= 1000 ? `$${Math.round(v / 1000)}k` : `$${Math.round(v)}`;
  return intFmt.format(Math.round(v * 10) / 10);
}
