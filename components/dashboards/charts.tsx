"use client";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  Legend,
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

/**
 * Renders a ChartSpec with Recharts. The chart is hidden from assistive
 * technology (its numbers are in the card's table), so Recharts' keyboard layer
 * is off: a focusable element inside aria-hidden would be a trap.
 */
export function Chart({ spec, data, height }: { spec: ChartSpec; data: Row[]; height: number }) {
  return (
    <div style={{ width: "100%", height }} aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        {render(spec, data)}
      </ResponsiveContainer>
    </div>
  );
}

/** Round percentage ticks (0, 10%, 20%...) up to just above the data, unless the spec fixes the maximum. */
function pctAxis(spec: { yKind: string; yMax?: number; series: { key: string }[]; stacked?: boolean }, data: Row[]) {
  if (spec.yMax !== undefined || spec.yKind !== "pct") return { domain: [0, spec.yMax ?? "auto"] as [number, number | "auto"] };
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const max = Math.max(0.01, ...data.map((r) => (spec.stacked ? spec.series.reduce((s, x) => s + num(r[x.key]), 0) : Math.max(...spec.series.map((x) => num(r[x.key]))))));
  const step = max <= 0.2 ? 0.05 : max <= 0.6 ? 0.1 : 0.2;
  const top = Math.min(1, Math.ceil(max / step - 1e-9) * step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => Math.round(i * step * 100) / 100);
  return { domain: [0, top] as [number, number], ticks };
}

function render(spec: ChartSpec, data: Row[]) {
  const margin = { top: 8, right: 16, bottom: 28, left: 16 };
  switch (spec.type) {
    case "line":
      return (
        <LineChart data={data} margin={margin} accessibilityLayer={false}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey={spec.x} tick={tick} tickFormatter={(v: unknown) => tickText(v, spec.xKind)} minTickGap={24} label={axisLabel(spec.xLabel, "insideBottom")} />
          <YAxis tick={tick} width={56} {...pctAxis(spec, data)} tickFormatter={(v: unknown) => tickText(v, spec.yKind)} label={axisLabel(spec.yLabel, "insideLeft", -90)} />
          <Tooltip formatter={(v: unknown) => displayCell(typeof v === "number" ? v : null, spec.yKind)} labelFormatter={(l: unknown) => displayCell(typeof l === "string" ? l : null, spec.xKind)} />
          {spec.series.length > 1 ? <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} /> : null}
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
              <XAxis type="number" tick={tick} {...pctAxis(spec, data)} tickFormatter={(v: unknown) => tickText(v, spec.yKind)} label={axisLabel(spec.yLabel, "insideBottom")} />
              <YAxis type="category" dataKey={spec.x} tick={tick} width={130} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey={spec.x} tick={tick} tickFormatter={(v: unknown) => tickText(v, spec.xKind)} minTickGap={12} label={axisLabel(spec.xLabel, "insideBottom")} />
              <YAxis tick={tick} width={56} {...pctAxis(spec, data)} tickFormatter={(v: unknown) => tickText(v, spec.yKind)} label={axisLabel(spec.yLabel, "insideLeft", -90)} />
            </>
          )}
          <Tooltip formatter={(v: unknown) => displayCell(typeof v === "number" ? v : null, spec.yKind)} labelFormatter={(l: unknown) => displayCell(typeof l === "string" ? l : null, spec.xKind)} />
          {spec.series.length > 1 ? <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} /> : null}
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
