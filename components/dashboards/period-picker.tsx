"use client";
import { addPeriods, isWholePeriod, lastCompletePeriod, periodName, periodRange, periodStartOf, rangeName } from "@/lib/metrics/periods";
import { dayStart, type DashboardFilters } from "@/lib/validation/dashboard-filters";
import { fieldClass, useFilterNavigation } from "./filter-bar";

const CHOICES = 8;

/** The review's period: one of the last complete weeks, months or quarters (the current one so far first), or the custom range in the URL. */
export function PeriodPicker({ filters, today }: { filters: DashboardFilters; today: string }) {
  const { go } = useFilterNavigation(filters);
  const g = filters.grain;
  const now = dayStart(today);
  const last = periodStartOf(g, dayStart(lastCompletePeriod(g, now).from));
  const current = periodStartOf(g, now);
  const options = [
    { ...periodRange(g, current), to: today, label: `${periodName(g, current)} (so far)` },
    ...Array.from({ length: CHOICES }, (_, i) => {
      const start = addPeriods(g, last, -i);
      return { ...periodRange(g, start), label: periodName(g, start) };
    }),
  ];
  const value = `${filters.from}|${filters.to}`;
  const custom = !options.some((o) => `${o.from}|${o.to}` === value);
  return (
    <label className="block text-xs font-medium text-slate-700">
      Period
      <select
        className={`${fieldClass} font-medium`}
        value={value}
        onChange={(e) => {
          const [from, to] = e.target.value.split("|");
          if (from && to) go({ from, to });
        }}
      >
        {custom ? <option value={value}>{isWholePeriod(g, filters) ? rangeName(g, filters) : `Custom: ${rangeName(g, filters)}`}</option> : null}
        {options.map((o) => (
          <option key={o.from} value={`${o.from}|${o.to}`}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
