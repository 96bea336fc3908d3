import { z } from "zod";
import { KPI_KEYS, KPIS, type KpiKey } from "@/lib/metrics/kpi-definitions";

// The business KPI a dashboard compares, from the URL (?kpi=orderValue). Like
// the other filters, a bad value falls back to the default with a note the
// page shows; it never breaks the page.

export const DEFAULT_KPI: KpiKey = "conversion";
export const kpiParamSchema = z.enum(KPI_KEYS);

export function parseKpiParam(params: Record<string, string | string[] | undefined>): { kpi: KpiKey; notes: string[] } {
  const raw = Array.isArray(params.kpi) ? params.kpi[0] : params.kpi;
  if (raw === undefined || raw === "") return { kpi: DEFAULT_KPI, notes: [] };
  const r = kpiParamSchema.safeParse(raw);
  if (r.success) return { kpi: r.data, notes: [] };
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return { kpi: DEFAULT_KPI, notes: [`Ignored KPI "${shown}" (not one of the business KPIs); showing ${KPIS[DEFAULT_KPI].label.toLowerCase()}.`] };
}
