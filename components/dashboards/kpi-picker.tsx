"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";
import { fieldClass } from "./filter-bar";

/** One control for the business KPI a page compares (URL parameter `kpi`), keeping the other filters. */
export function KpiPicker({ value, options }: { value: string; options: { value: string; label: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, start] = useTransition();
  return (
    <label className="block text-xs font-medium text-slate-700">
      Business KPI
      <select
        className={`${fieldClass} font-medium`}
        value={value}
        aria-busy={pending}
        onChange={(e) => {
          const q = new URLSearchParams(params.toString());
          q.set("kpi", e.target.value);
          start(() => router.push(`${pathname}?${q.toString()}`));
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
