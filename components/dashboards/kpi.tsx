import { STATUS_LABEL, type TargetStatus } from "@/lib/metrics/targets";

const STATUS_CLASS: Record<TargetStatus, string> = {
  met: "bg-emerald-50 text-emerald-900",
  below: "bg-red-50 text-red-900",
  "no-data": "bg-slate-100 text-slate-700",
  "no-target": "bg-slate-100 text-slate-700",
};

/** A target's status as a word (never colour alone). */
export function TargetBadge({ status, threshold }: { status: TargetStatus; threshold?: string | null }) {
  return (
    <span className={`inline-block rounded px-1.5 py-0.5 text-[11px] font-medium ${STATUS_CLASS[status]}`}>
      {STATUS_LABEL[status]}
      {threshold ? ` (≥ ${threshold})` : ""}
    </span>
  );
}

/** A headline figure: what it is, the number, how it was counted, and (optionally) its target and status. */
export function Kpi({ label, value, detail, target }: { label: string; value: string; detail?: string; target?: { status: TargetStatus; threshold: string | null } }) {
  return (
    <div className={`rounded-lg border bg-white px-3 py-2.5 ${target?.status === "below" ? "border-red-300" : "border-slate-200"}`}>
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-xl font-semibold tabular-nums text-slate-900">{value}</dd>
      {detail ? <dd className="mt-0.5 text-xs text-slate-600">{detail}</dd> : null}
      {target ? (
        <dd className="mt-1">
          <TargetBadge status={target.status} threshold={target.threshold} />
        </dd>
      ) : null}
    </div>
  );
}

export function KpiGrid({ children, label }: { children: React.ReactNode; label: string }) {
  return (
    <dl aria-label={label} className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
      {children}
    </dl>
  );
}
