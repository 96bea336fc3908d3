"use client";
// Small multiples: one compact chart per action type of its intrusive and
// helpful shares by period, on shared axes, so actions compare at a glance
// without seven tangled lines in one chart.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { displayCell, tickText } from "@/components/dashboards/format";

export interface TrendPanel {
  actionKey: string;
  actionName: string;
  /** Responses with a verdict in the range. */
  verdicts: number;
  flagged: boolean;
  /** One point per period of the range (ISO first day); shares null where too few verdicts. */
  points: { bucket: string; intrusive: number | null; helpful: number | null; n: number }[];
}

const INTRUSIVE = "#d55e00";
const HELPFUL = "#009e73";
const tick = { fill: "#475569", fontSize: 10 };

export function TrendMultiples({ panels }: { panels: TrendPanel[] }) {
  return (
    <div>
      <p className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-hidden="true">
        <span className="inline-flex items-center gap-1">
          <span className="inline-block h-0.5 w-4" style={{ background: INTRUSIVE }} /> Intrusive
        </span>
        <span className="inline-flex items-center gap-1">
          <span className="inline-block h-0.5 w-4" style={{ background: HELPFUL }} /> Helpful
        </span>
      </p>
      <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-4" aria-label="Trend per action type (the table below holds the figures)">
        {panels.map((p) => (
          <li key={p.actionKey} className={`min-w-0 rounded-md border px-1.5 pt-1.5 ${p.flagged ? "border-red-300 bg-red-50/40" : "border-slate-200"}`}>
            <p className="truncate px-1 text-xs font-medium text-slate-900" title={p.actionName}>
              {p.actionName}
            </p>
            <p className="px-1 text-[11px] text-slate-500">
              {p.verdicts} with a verdict{p.flagged ? <span className="font-medium text-red-800"> · flagged</span> : null}
            </p>
            {p.points.filter((x) => x.intrusive !== null).length >= 2 ? (
              <Spark points={p.points} />
            ) : (
              <p className="flex h-24 items-center justify-center px-2 text-center text-[11px] text-slate-500">Too few responses per period to draw a trend; see the table.</p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One action's intrusive and helpful share by period. */
function Spark({ points }: { points: TrendPanel["points"] }) {
  return (
    <div style={{ width: "100%", height: 96 }} aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 4, right: 6, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="bucket" tick={tick} tickFormatter={(v: unknown) => tickText(v, "date")} minTickGap={28} height={18} />
          <YAxis domain={[0, 1]} ticks={[0, 0.5, 1]} tick={tick} width={38} tickFormatter={(v: unknown) => tickText(v, "pct")} />
          <Tooltip
            formatter={(v: unknown) => displayCell(typeof v === "number" ? v : null, "pct")}
            labelFormatter={(l: unknown) => displayCell(typeof l === "string" ? l : null, "date")}
            contentStyle={{ fontSize: 12 }}
          />
          <Line dataKey="intrusive" name="Intrusive" stroke={INTRUSIVE} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
          <Line dataKey="helpful" name="Helpful" stroke={HELPFUL} strokeWidth={1.5} dot={false} connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
