// What the draft would do if saved now: counts, why others miss out, and a
// sample of customers with the reasons and message they would get.
import type { PreviewResult } from "@/lib/services/preview";
import { formatMoney } from "@/lib/format";

const BLOCK_TEXT: Record<string, string> = {
  NO_SERVICE_CONSENT: "no consent to service contact",
  NO_MARKETING_CONSENT: "no consent to marketing offers",
  OPEN_RECOMMENDATION: "already have it open",
  COOLDOWN: "in cool-down",
  INACTIVE: "inactive",
};

export function PreviewPanel({ result, stale }: { result: PreviewResult; stale: boolean }) {
  const blocked = Object.entries(result.blocked).filter(([, n]) => n);
  const missed = Object.entries(result.missed).filter(([, n]) => n);
  const MISS_TEXT: Record<string, string> = {
    OUTRANKED: "another action ranks higher",
    HAS_OPEN_SUGGESTION: "already have an open suggestion",
    GLOBAL_HOLDOUT: "in the global holdout (no suggestions this draw)",
    ACTION_HOLDOUT: "in another action's control group for now",
    REP_DAILY_CAP: "rep's queue is full",
    WEEKLY_CONTACT_CAP: "weekly contact limit",
  };
  return (
    <section aria-label="Preview" className="rounded-lg border border-brand-100 bg-white p-3" data-testid="preview">
      <div className="flex items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-900">Preview</h2>
        <span className="text-[11px] text-slate-500">
          {result.customers.toLocaleString("en-US")} customers · {result.ms} ms
        </span>
      </div>
      {stale ? <p className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-800">You changed the form since this preview. Preview again.</p> : null}
      <dl className="mt-2 grid grid-cols-3 gap-2 text-center">
        <Figure label="match the rule" value={result.ruleMatches} />
        <Figure label="eligible now" value={result.eligible} />
        <Figure label="would get it" value={result.wouldGet} strong />
      </dl>
      <p className="mt-2 text-xs text-slate-600">
        Would get it in the next run: {result.wouldGetShown} shown to reps, {result.wouldGetControl} held out as control.
      </p>
      {blocked.length ? (
        <p className="mt-1 text-xs text-slate-600">
          Rule met but not eligible: {blocked.map(([k, n]) => `${n} ${BLOCK_TEXT[k] ?? k.toLowerCase()}`).join(", ")}.
        </p>
      ) : null}
      {missed.length ? (
        <p className="mt-1 text-xs text-slate-600">
          Eligible but not chosen: {missed.map(([k, n]) => `${n} ${MISS_TEXT[k] ?? k}`).join(", ")}.
        </p>
      ) : null}
      {result.offPolicy ? <OffPolicy data={result.offPolicy} /> : null}
      {result.sample.length ? (
        <>
          <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Sample</h3>
          <ul className="mt-1 divide-y divide-slate-100" aria-label="Customers who would get it">
            {result.sample.map((s) => (
              <li key={s.customerId} className="py-2">
                <div className="flex items-baseline justify-between gap-2">
                  <span className="truncate text-sm font-medium text-slate-900">{s.customerName}</span>
                  <span className="shrink-0 text-xs tabular-nums text-slate-600">{formatMoney(s.expectedValue)} EV</span>
                </div>
                <p className="text-[11px] text-slate-500">
                  {s.repName} · {s.segment} · score {s.score.toFixed(0)}
                  {s.isControl ? " · control group" : ""}
                </p>
                <p className="mt-0.5 text-xs text-slate-700">{s.message}</p>
                <ul className="mt-1 flex flex-wrap gap-1" aria-label="Reasons">
                  {s.reasons.map((r) => (
                    <li key={r.code + r.text} className="rounded-full bg-slate-100 px-2 py-0.5 text-[11px] text-slate-700">
                      {r.text}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {result.missedSample.length ? (
        <>
          <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Eligible, not chosen</h3>
          <ul className="mt-1 space-y-1 text-xs text-slate-700">
            {result.missedSample.map((m) => (
              <li key={m.customerName + m.reason}>
                <span className="font-medium">{m.customerName}</span> ({m.repName}): {m.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The draft catalog's estimated acceptance on past decisions, labelled as an estimate. */
function OffPolicy({ data }: { data: NonNullable<PreviewResult["offPolicy"]> }) {
  const e = data.estimate;
  return (
    <div className="mt-3 rounded-md border border-slate-200 bg-slate-50 px-2 py-1.5" data-testid="off-policy">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Estimated acceptance (off-policy)</h3>
      <p className="mt-1 text-xs text-slate-700">
        {e.estimate === null ? (
          <>The draft would have made none of the {data.logged.toLocaleString("en-US")} logged decisions, so there is nothing to estimate from.</>
        ) : (
          <>
            With this draft: <span className="font-semibold tabular-nums">{pct(e.estimate)}</span>
            {e.ci ? (
              <span className="tabular-nums">
                {" "}
                (95 % interval {pct(e.ci.lower)} to {pct(e.ci.upper)})
              </span>
            ) : null}
            ; now: <span className="tabular-nums">{pct(data.loggedAcceptance)}</span> of {data.logged.toLocaleString("en-US")} decisions in the last 90 days.
          </>
        )}
      </p>
      <p className="mt-0.5 text-[11px] text-slate-500">
        {e.statement} {data.note}
      </p>
    </div>
  );
}

function Figure({ label, value, strong }: { label: string; value: number; strong?: boolean }) {
  return (
    <div className={`flex flex-col-reverse rounded-md px-1 py-1.5 ${strong ? "bg-brand-50" : "bg-slate-50"}`}>
      <dt className="text-[11px] leading-tight text-slate-600">{label}</dt>
      <dd className={`text-lg font-semibold tabular-nums ${strong ? "text-brand-700" : "text-slate-900"}`}>{value.toLocaleString("en-US")}</dd>
    </div>
  );
}
