// One formatter per column kind, used by both the table and the CSV, so a
// downloaded file carries exactly the numbers the table shows (without units,
// which move to the CSV header). Client-safe.
import type { CsvCell } from "@/lib/metrics/csv";
import { periodName, periodTick, type PeriodGrain } from "@/lib/metrics/periods";

/** A period kind's value is the period's first day (ISO); it shows as "week of Nov 23, 2026", "Nov 2026" or "2026 Q4". */
/** money2 / num2: two decimals; diffMoney / diffNum: the same, signed (a difference). */
export type CellKind = "text" | "date" | "int" | "num1" | "num2" | "diffNum" | "pct" | "pts" | "money" | "money2" | "diffMoney" | "minutes" | PeriodGrain;
export type CellValue = string | number | null;

export interface Column {
  key: string;
  label: string;
  kind: CellKind;
  /** A cell holding exactly this value is highlighted as a warning (e.g. "Mismatch"). */
  flag?: string;
}
export type Row = Record<string, CellValue>;

const UNIT: Partial<Record<CellKind, string>> = { pct: "%", pts: "percentage points", money: "USD", money2: "USD", diffMoney: "USD", minutes: "minutes", week: "first day", month: "first day", quarter: "first day" };
const PERIOD_KINDS: readonly CellKind[] = ["week", "month", "quarter"];
const isPeriod = (k: CellKind): k is PeriodGrain => PERIOD_KINDS.includes(k);

/** The column holding a series' period, labelled for the grain. */
export function periodColumn(grain: PeriodGrain, key = "period"): Column {
  return { key, label: PERIOD_LABEL[grain], kind: grain };
}
export const PERIOD_LABEL: Record<PeriodGrain, string> = { week: "Week", month: "Month", quarter: "Quarter" };
const intFmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const money2Fmt = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
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
    case "num2":
    case "diffNum":
    case "money2":
    case "diffMoney":
      return Math.round(v * 100) / 100;
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
  if (typeof v === "string") return kind === "date" ? dateFmt.format(new Date(`${v}T00:00:00Z`)) : isPeriod(kind) ? periodName(kind, v) : v;
  const n = cellNumber(v, kind);
  switch (kind) {
    case "pct":
      return `${n.toFixed(1)}%`;
    case "pts":
      return `${n > 0 ? "+" : ""}${n.toFixed(1)} pts`;
    case "money":
      return `${n < 0 ? "-" : ""}$${intFmt.format(Math.abs(n))}`;
    case "money2":
      return `${n < 0 ? "-" : ""}$${money2Fmt.format(Math.abs(n))}`;
    case "diffMoney":
      return `${n < 0 ? "-" : n > 0 ? "+" : ""}$${money2Fmt.format(Math.abs(n))}`;
    case "num2":
      return n.toFixed(2);
    case "diffNum":
      return `${n > 0 ? "+" : ""}${n.toFixed(2)}`;
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
  if (typeof v === "string") return kind === "date" ? shortDateFmt.format(new Date(`${v}T00:00:00Z`)) : isPeriod(kind) ? periodTick(kind, v) : v;
  if (typeof v !== "number") return "";
  if (kind === "pct") return `${Math.round(v * 100)}%`;
  if (kind === "pts") return `${v > 0 ? "+" : ""}${Math.round(v * 100)} pts`;
  if (kind === "money" || kind === "money2" || kind === "diffMoney") {
    const sign = v < 0 ? "-" : kind === "diffMoney" && v > 0 ? "+" : "";
    const a = Math.abs(v);
    return `${sign}$${a >= 1000 ? `${Math.round(a / 1000)}k` : a < 10 && kind !== "money" ? a.toFixed(2) : Math.round(a)}`;
  }
  if (kind === "num2") return v.toFixed(2);
  if (kind === "diffNum") return `${v > 0 ? "+" : ""}${v.toFixed(2)}`;
  return intFmt.format(Math.round(v * 10) / 10);
}

const versionDateFmt = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/**
 * A model version as people read it: "bb-2026-11-23-1a2b3c4d" (Beta-Binomial,
 * statistics of that day, fingerprint) -> "Nov 23, 2026 · 1a2b"; anything
 * else as it is.
 */
export function modelVersionLabel(version: string): string {
  const m = /^bb-(\d{4}-\d{2}-\d{2})-([0-9a-f]{8})$/.exec(version);
  return m ? `${versionDateFmt.format(new Date(`${m[1]}T00:00:00Z`))} · ${m[2]!.slice(0, 4)}` : version;
}
