// The periodic review's figures against the prior period, as a plain table
// that prints well: each figure's definition sits under its name.
import { changeTone, periodChange, type ChangeMode } from "@/lib/metrics/review";
import { displayCell, type CellKind } from "./format";

export interface ReviewFigure {
  label: string;
  /** How the figure is counted, in words. */
  definition: string;
  current: number | null;
  prior: number | null;
  kind: CellKind;
  /** Rates change in points, counts and amounts relatively. */
  change: ChangeMode;
  /** null: neither direction is better (e.g. a volume). */
  higherIsBetter: boolean | null;
}

const TONE = { better: "text-emerald-800", worse: "text-rose-700", same: "text-slate-600" } as const;
const TONE_WORD = { better: "better", worse: "worse", same: "unchanged" } as const;

export function changeText(f: Pick<ReviewFigure, "current" | "prior" | "change">): string {
  const c = periodChange(f.current, f.prior, f.change);
  if (c === null) return "—";
  if (f.change === "points") return displayCell(c, "pts");
  const pct = Math.round(c * 1000) / 10;
  return `${pct > 0 ? "+" : ""}${pct.toFixed(1)}%`;
}

/** Figure | this period | prior period | change, with the change coloured (and worded for screen readers and print) by whether it is better. */
export function ReviewTable({ caption, currentLabel, priorLabel, figures }: { caption: string; currentLabel: string; priorLabel: string; figures: ReviewFigure[] }) {
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`${caption}: table`}>
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-medium text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              Figure
            </th>
            <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
              {currentLabel}
            </th>
            <th scope="col" className="px-3 py-2 text-right whitespace-nowrap">
              {priorLabel}
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Change
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {figures.map((f) => {
            const tone = changeTone(periodChange(f.current, f.prior, f.change), f.higherIsBetter);
            return (
              <tr key={f.label} className="align-top">
                <th scope="row" className="px-3 py-1.5 text-left font-normal">
                  <span className="font-medium text-slate-900">{f.label}</span>
                  <span className="block max-w-prose text-xs text-slate-600">{f.definition}</span>
                </th>
                <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums font-medium text-slate-900">{displayCell(f.current, f.kind)}</td>
                <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums text-slate-700">{displayCell(f.prior, f.kind)}</td>
                <td className={`px-3 py-1.5 text-right whitespace-nowrap tabular-nums ${tone ? TONE[tone] : "text-slate-700"}`}>
                  {changeText(f)}
                  {tone ? <span className="block text-xs">{TONE_WORD[tone]}</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
