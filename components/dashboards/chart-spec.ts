// What a chart draws, as plain data a server page can hand to a client component.
import type { CellKind } from "./format";

export interface Series {
  key: string;
  label: string;
}

interface Axes {
  /** The data field on the x axis (category or date). */
  x: string;
  xKind: CellKind;
  xLabel: string;
  yKind: CellKind;
  yLabel: string;
  /** Fix the y axis (e.g. [0, 1] for shares). */
  yMax?: number;
}

export type ChartSpec =
  | ({ type: "line"; series: Series[] } & Axes)
  | ({ type: "bar"; series: Series[]; stacked?: boolean } & Axes)
  /** Horizontal bars, one per category (long action or rep names read better). */
  | ({ type: "hbar"; series: Series[]; stacked?: boolean } & Axes)
  /** Predicted (x) against observed (y), with the diagonal of perfect calibration. */
  | { type: "calibration"; x: string; y: string; xLabel: string; yLabel: string }
  /** A point per category with its interval (fields: value, lower, upper) and a zero line. */
  | { type: "interval"; category: string; value: string; lower: string; upper: string; xLabel: string; yLabel: string; /** Unit of the values; default pts. */ kind?: CellKind; /** How category values read (a period's first day: week, month, quarter); default text. */ categoryKind?: CellKind };
