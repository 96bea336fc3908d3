"use client";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ChartSpec } from "./chart-spec";
import { displayCell, tickText, type Row } from "./format";

// Colour-blind-safe palette (Okabe–Ito, with the brand blue first).
export const PALETTE = ["#1d64db", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f7f7f", "#f0e442", "#0072b2", "#8c564b", "#17becf", "#bcbd22"];

const axisLabel = (value: string, position: "insideBottom" | "insideLeft", angle = 0) => ({
  value,
  position,
  angle,
  offset: position === "insideBottom" ? -4 : 10,
  style: { fill: "#475569", fontSize: 12, textAnchor: "middle" as const },
});
const tick = { fill: "#475569", fontSize: 11 };

/** 1, 2 or 5 times a power of ten, at least `raw` (axis steps). */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

/** The series' values a chart would draw; none means the chart would be bare axes. */
function drawnValues(spec: ChartSpec, data: Row[]): number[] {
  const keys = spec.type === "calibration" ? [spec.y] : spec.type === "interval" ? [spec.value] : spec.series.map((s) => s.key);
  return data.flatMap((r) => keys.map((k) => r[k])).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
}

/** The legend's swatch colours, in series order (text stays dark: colours alone need not pass text contrast). */
function legendItems(spec: ChartSpec): { label: string; color: string }[] {
  if (spec.type !== "line" && spec.type !== "bar" && spec.type !== "hbar") return [];
  return spec.series.length > 1 ? spec.series.map((s, i) => ({ label: s.label, color: PALETTE[i % PALETTE.length]! })) : [];
}

/**
 * Renders a ChartSpec with Recharts. The chart is hidden from assistive
 * technology (its numbers are in the card's table), so nothing inside it may
 * take focus: Recharts' keyboard layer is off and the tooltip is pointer-only.
 * The legend is HTML above the plot (never on top of it), dark text beside a
 * colour swatch, and wraps at narrow widths. A chart with nothing to draw says
 * so instead of showing bare axes.
 */
export function Chart({ spec, data, height }: { spec: ChartSpec; data: Row[]; height: number }) {
  if (drawnValues(spec, data).length === 0) {
    return <p className="rounded-md border border-dashed border-slate-300 px-3 py-8 text-center text-sm text-slate-600 dark:border-slate-600 dark:text-slate-300">Nothing to draw for this period: every value is empty. The table lists the rows.</p>;
  }
  const legend = legendItems(spec);
  return (
    <div aria-hidden="true">
      {legend.length ? (
        <ul className="mb-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700 dark:text-slate-200">
          {legend.map((l) => (
            <li key={l.label} className="flex items-center gap-1.5">
              <span className="inline-block size-2.5 shrink-0 rounded-sm" style={{ backgroundColor: l.color }} />
              {l.label}
            </li>
          ))}
        </ul>
      ) : null}
      <div style={{ width: "100%", height }}>
        <ResponsiveContainer width="100%" height="100%">
          {render(spec, data)}
        </ResponsiveContainer>
      </div>
    </div>
  );
}

/**
 * Round ticks from zero to just above the data: percentages in 5, 10 or 20
 * point steps (capped at 100 %), counts and amounts in 1, 2 or 5 times a power
 * of ten (whole numbers for counts); a spec's fixed maximum wins.
 */
export function valueAxis(spec: { yKind: string; yMax?: number; series: { key: string }[]; stacked?: boolean }, data: Row[]): { domain: [number, number]; ticks: number[] } {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const max = Math.max(...data.map((r) => (spec.stacked ? spec.series.reduce((s, x) => s + num(r[x.key]), 0) : Math.max(0, ...spec.series.map((x) => num(r[x.key]))))), 0);
  let step: number;
  let top: number;
  if (spec.yKind === "pct") {
    const m = spec.yMax ?? Math.max(0.01, max);
    step = m <= 0.2 ? 0.05 : m <= 0.6 ? 0.1 : 0.2;
    top = spec.yMax ?? Math.min(1, Math.ceil(m / step - 1e-9) * step);
  } else {
    const m = spec.yMax ?? (max > 0 ? max : 1);
    step = niceStep(m / 5);
    if (spec.yKind === "int") step = Math.max(1, Math.round(step));
    top = spec.yMax ?? Math.ceil(m / step - 1e-9) * step;
  }
  const ticks = Array.from({ length: Math.floor(top / step + 1e-9) + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
  return { domain: [0, top], ticks };
}

function render(spec: ChartSpec, data: Row[]) {
  const margin = { top: 8, right: 16, bottom: 28, left: 16 };
  switch (spec.type) {
    case "line":
      return (
        <LineChart data={data} margin={margin} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey={spec.x} tick={tick} tickFormatter={(v: unknown) => tickText(v, spec.xKind)} minTickGap={24} label={axisLabel(spec.xLabel, "insideBottom")} />
          <YAxis tick={tick} width={56} {...valueAxis(spec, data)} tickFormatter={(v: unknown) => tickText(v, spec.yKind)} label={axisLabel(spec.yLabel, "insideLeft", -90)} />
          <Tooltip formatter={(v: unknown) => displayCell(typeof v === "number" ? v : null, spec.yKind)} labelFormatter={(l: unknown) => displayCell(typeof l === "string" ? l : null, spec.xKind)} />
          {spec.series.map((s, i) => (
            <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2} dot={data.length <= 30} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      );
    case "bar":
    case "hbar": {
      const horizontal = spec.type === "hbar";
      return (
        <BarChart data={data} margin={margin} layout={horizontal ? "vertical" : "horizontal"} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" vertical={horizontal} horizontal={!horizontal} />
          {horizontal ? (
            <>
              <XAxis type="number" tick={tick} {...valueAxis(spec, data)} tickFormatter={(v: unknown) => tickText(v, spec.yKind)} label={axisLabel(spec.yLabel, "insideBottom")} />
              <YAxis type="category" dataKey={spec.x} tick={tick} width={130} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey={spec.x} tick={tick} tickFormatter={(v: unknown) => tickText(v, spec.xKind)} minTickGap={12} label={axisLabel(spec.xLabel, "insideBottom")} />
              <YAxis tick={tick} width={56} {...valueAxis(spec, data)} tickFormatter={(v: unknown) => tickText(v, spec.yKind)} label={axisLabel(spec.yLabel, "insideLeft", -90)} />
            </>
          )}
          <Tooltip formatter={(v: unknown) => displayCell(typeof v === "number" ? v : null, spec.yKind)} labelFormatter={(l: unknown) => displayCell(typeof l === "string" ? l : null, spec.xKind)} />
          {spec.series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={PALETTE[i % PALETTE.length]} stackId={spec.stacked ? "s" : undefined} isAnimationActive={false} maxBarSize={36} />
          ))}
        </BarChart>
      );
    }
    case "calibration":
      return (
        <ScatterChart margin={margin} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" />
          <XAxis type="number" dataKey={spec.x} name={spec.xLabel} domain={[0, 1]} tick={tick} tickFormatter={(v: unknown) => tickText(v, "pct")} label={axisLabel(spec.xLabel, "insideBottom")} />
          <YAxis type="number" dataKey={spec.y} name={spec.yLabel} domain={[0, 1]} tick={tick} width={56} tickFormatter={(v: unknown) => tickText(v, "pct")} label={axisLabel(spec.yLabel, "insideLeft", -90)} />
          <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="#94a3b8" strokeDasharray="4 4" ifOverflow="extendDomain" label={{ value: "perfect calibration", position: "insideTopLeft", fill: "#64748b", fontSize: 11 }} />
          <Tooltip formatter={(v: unknown) => displayCell(typeof v === "number" ? v : null, "pct")} />
          <Scatter data={data} fill={PALETTE[0]} line={{ stroke: PALETTE[0] }} isAnimationActive={false} name="Band" />
        </ScatterChart>
      );
    case "interval": {
      const withErr = data.map((r) => {
        const v = typeof r[spec.value] === "number" ? (r[spec.value] as number) : null;
        const lo = typeof r[spec.lower] === "number" ? (r[spec.lower] as number) : null;
        const hi = typeof r[spec.upper] === "number" ? (r[spec.upper] as number) : null;
        return { ...r, __err: v !== null && lo !== null && hi !== null ? [v - lo, hi - v] : [0, 0] };
      });
      // The axis spans every interval and zero: in whole 5-point steps for points, else rounded outwards to a tenth of the span.
      const kind = spec.kind ?? "pts";
      const bounds = data.flatMap((r) => [r[spec.lower], r[spec.upper]]).filter((v): v is number => typeof v === "number");
      const min = Math.min(0, ...bounds);
      const max = Math.max(0, ...bounds);
      let step = kind === "pts" ? 0.05 : niceStep((max - min) / 8);
      while ((max - min) / step > 8) step *= 2;
      const lo = Math.floor(min / step - 1e-9) * step;
      const hi = Math.ceil(max / step - 1e-9) * step;
      const ticks = Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => Math.round((lo + i * step) * 1e6) / 1e6);
      return (
        <BarChart data={withErr} margin={margin} layout="vertical" accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" vertical />
          <XAxis type="number" tick={tick} tickFormatter={(v: unknown) => tickText(v, kind)} domain={[lo, hi]} ticks={ticks} allowDataOverflow label={axisLabel(spec.xLabel, "insideBottom")} />
          <YAxis type="category" dataKey={spec.category} tick={tick} width={spec.categoryKind && spec.categoryKind !== "text" ? 72 : 130} interval={0} tickFormatter={(v: unknown) => tickText(v, spec.categoryKind ?? "text")} />
          <ReferenceLine x={0} stroke="#0f172a" />
          <Tooltip
            formatter={(v: unknown) => (Array.isArray(v) ? "" : displayCell(typeof v === "number" ? v : null, kind))}
            labelFormatter={(l: unknown) => displayCell(typeof l === "string" ? l : null, spec.categoryKind ?? "text")}
          />
          <Bar dataKey={spec.value} name={spec.yLabel} fill={PALETTE[0]} isAnimationActive={false} maxBarSize={18}>
            <ErrorBar dataKey="__err" width={6} strokeWidth={1.5} stroke="#0f172a" direction="x" isAnimationActive={false} />
          </Bar>
        </BarChart>
      );
    }
  }
}
