import { ChartCard } from "@/components/dashboards/chart-card";
import { Wide } from "@/components/dashboards/dashboard-frame";
import { displayCell, type Column, type Row } from "@/components/dashboards/format";
import { Kpi, KpiGrid } from "@/components/dashboards/kpi";
import { EmptyState } from "@/components/ui/empty-state";
import { COMMENT_LIMIT, type FeedbackComment, type SentimentCounts, type SentimentData } from "@/lib/data/sentiment";
import { csatInterval, FLAG_MIN_VERDICTS, FLAG_WINDOW_DAYS, share, type IntrusiveFlag } from "@/lib/metrics/sentiment";
import { formatDate } from "@/lib/format";
import type { Grain } from "@/lib/validation/dashboard-filters";
import { day } from "../load-dashboard";
import { TrendMultiples, type TrendPanel } from "./trend-multiples";

export type ActionFlag = IntrusiveFlag & { actionKey: string; actionName: string };

const GRAIN_LABEL: Record<Grain, string> = { week: "Week starting", month: "Month starting", quarter: "Quarter starting" };
const VERDICT_LABEL = { HELPFUL: "Helpful", RELEVANT: "Relevant", INTRUSIVE: "Intrusive" } as const;
const UNLINKED = "Not linked to a suggestion";
/** A period's share is drawn only from this many responses with a verdict (it is in the table either way). */
const MIN_POINT_VERDICTS = 3;

/** Shares and mean CSAT of one group of responses, as table cells. */
function figures(c: SentimentCounts): Row {
  const ci = c.csatMean === null ? null : csatInterval(c.csatN, c.csatMean, c.csatSd ?? NaN);
  const intrusive = share(c.intrusive, c.verdictN);
  return {
    responses: c.n,
    csatN: c.csatN,
    csat: c.csatMean,
    csatLow: ci?.lower ?? null,
    csatHigh: ci?.upper ?? null,
    verdictN: c.verdictN,
    helpful: share(c.helpful, c.verdictN).share,
    relevant: share(c.relevant, c.verdictN).share,
    intrusive: intrusive.share,
    intrusiveLow: intrusive.ci?.lower ?? null,
    intrusiveHigh: intrusive.ci?.upper ?? null,
  };
}

const FIGURE_COLUMNS: Column[] = [
  { key: "responses", label: "Responses", kind: "int" },
  { key: "csatN", label: "With CSAT", kind: "int" },
  { key: "csat", label: "Mean CSAT (1–5)", kind: "num1" },
  { key: "csatLow", label: "CSAT low", kind: "num1" },
  { key: "csatHigh", label: "CSAT high", kind: "num1" },
  { key: "verdictN", label: "With verdict", kind: "int" },
  { key: "helpful", label: "Helpful", kind: "pct" },
  { key: "relevant", label: "Relevant", kind: "pct" },
  { key: "intrusive", label: "Intrusive", kind: "pct" },
  { key: "intrusiveLow", label: "Intrusive low", kind: "pct" },
  { key: "intrusiveHigh", label: "Intrusive high", kind: "pct" },
];

/** One small chart per action type (linked feedback), every period of the range on the x axis. */
function trendPanels(data: SentimentData, flagged: Set<string>): TrendPanel[] {
  const buckets = data.byBucket.map((b) => day(b.bucket));
  const panels = new Map<string, TrendPanel>();
  for (const a of data.byAction) {
    if (a.actionKey) panels.set(a.actionKey, { actionKey: a.actionKey, actionName: a.actionName ?? a.actionKey, verdicts: a.verdictN, flagged: flagged.has(a.actionKey), points: buckets.map((bucket) => ({ bucket, intrusive: null, helpful: null, n: 0 })) });
  }
  for (const c of data.byActionBucket) {
    const point = panels.get(c.actionKey)?.points[buckets.indexOf(day(c.bucket))];
    if (!point) continue;
    point.n = c.verdictN;
    if (c.verdictN >= MIN_POINT_VERDICTS) {
      point.intrusive = c.intrusive / c.verdictN;
      point.helpful = c.helpful / c.verdictN;
    }
  }
  return [...panels.values()].filter((p) => p.verdicts > 0);
}

/** The sentiment dashboard's cards. */
export function SentimentView({ data, comments, flags, grain }: { data: SentimentData; comments: FeedbackComment[]; flags: ActionFlag[]; grain: Grain }) {
  const t = data.total;
  const flagged = flags.filter((f) => f.flagged);
  const flagOf = new Map(flags.map((f) => [f.actionKey, f]));
  const csatCi = t.csatMean === null ? null : csatInterval(t.csatN, t.csatMean, t.csatSd ?? NaN);
  const intrusive = share(t.intrusive, t.verdictN);
  const helpful = share(t.helpful, t.verdictN);
  const relevant = share(t.relevant, t.verdictN);
  const ciText = (ci: { lower: number; upper: number } | null, kind: "pct" | "num1") => (ci ? `95% CI ${displayCell(ci.lower, kind)}–${displayCell(ci.upper, kind)}` : "too few for an interval");

  const banner = flagged.length ? (
    <Wide>
      <div role="note" aria-label="Flagged action types" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
        {flagged.map((f) => (
          <p key={f.actionKey} className="py-0.5">
            <strong>Customers find this intrusive: {f.actionName}.</strong> {f.summary}
          </p>
        ))}
      </div>
    </Wide>
  ) : null;

  if (t.n === 0) {
    return (
      <>
        {banner}
        <Wide>
          <EmptyState title="No customer feedback in this period">
            Feedback arrives as <code className="font-mono text-xs">CONTACT_FEEDBACK</code> events through <code className="font-mono text-xs">POST /api/v1/events</code>. Try a longer date range or
            another filter.
          </EmptyState>
        </Wide>
      </>
    );
  }

  const panels = trendPanels(data, new Set(flagged.map((f) => f.actionKey)));
  const trendRows: Row[] = data.byActionBucket.map((c) => ({ action: c.actionName, bucket: day(c.bucket), ...figures(c) }));
  const perAction: Row[] = data.byAction.map((a) => {
    const f = a.actionKey ? flagOf.get(a.actionKey) : undefined;
    return {
      action: a.actionName ?? UNLINKED,
      ...figures(a),
      flag: f ? (f.flagged ? "Customers find this intrusive" : f.why === "too-few" ? "Too few to judge" : "No rise") : a.actionKey ? "Too few to judge" : "—",
    };
  });
  const grainWord = grain === "week" ? "week" : grain === "month" ? "month" : "quarter";

  return (
    <>
      {banner}
      <Wide>
        <KpiGrid label="Sentiment summary">
          <Kpi label="Responses" value={displayCell(t.n, "int")} detail={`${displayCell(t.csatN, "int")} with CSAT, ${displayCell(t.verdictN, "int")} with a verdict`} />
          <Kpi label="Mean CSAT (1–5)" value={displayCell(t.csatMean, "num1")} detail={ciText(csatCi, "num1")} />
          <Kpi label="Intrusive" value={displayCell(intrusive.share, "pct")} detail={ciText(intrusive.ci, "pct")} />
          <Kpi label="Helpful" value={displayCell(helpful.share, "pct")} detail={ciText(helpful.ci, "pct")} />
          <Kpi label="Relevant" value={displayCell(relevant.share, "pct")} detail={ciText(relevant.ci, "pct")} />
          <Kpi label="Flagged actions" value={displayCell(flagged.length, "int")} detail={`intrusive share rising, last ${FLAG_WINDOW_DAYS} days`} />
        </KpiGrid>
      </Wide>
      <Wide>
        <ChartCard
          title="Verdicts by action type (% of responses with a verdict)"
          description={`Each response gives at most one verdict; low and high bound the 95% intervals (Student t for CSAT, Wilson for shares). Flag: intrusive share in the last ${FLAG_WINDOW_DAYS} days above the ${FLAG_WINDOW_DAYS} days before, 95% Newcombe interval of the rise above zero, at least ${FLAG_MIN_VERDICTS} responses with a verdict in each window (whatever the date range).`}
          spec={{
            type: "hbar",
            x: "action",
            xKind: "text",
            xLabel: "Action type",
            yKind: "pct",
            yLabel: "% of responses with a verdict",
            yMax: 1,
            stacked: true,
            series: [
              { key: "intrusive", label: "Intrusive" },
              { key: "relevant", label: "Relevant" },
              { key: "helpful", label: "Helpful" },
            ],
          }}
          chartData={perAction.filter((r) => (r.verdictN as number) > 0)}
          columns={[{ key: "action", label: "Action type", kind: "text" }, ...FIGURE_COLUMNS, { key: "flag", label: `Intrusive trend (${FLAG_WINDOW_DAYS} d)`, kind: "text" }]}
          rows={perAction}
          csvName="sentiment-by-action-type"
          height={Math.max(200, 48 + 32 * perAction.length)}
        />
      </Wide>
      <Wide>
        <ChartCard
          title={`Trend per action type: intrusive and helpful share by ${grainWord} (% of responses with a verdict)`}
          description={`Feedback linked to a suggestion, by when the customer gave it. A ${grainWord} with fewer than ${MIN_POINT_VERDICTS} responses with a verdict is not drawn; the table has every ${grainWord}, with mean CSAT.`}
          columns={[{ key: "action", label: "Action type", kind: "text" }, { key: "bucket", label: GRAIN_LABEL[grain], kind: "date" }, ...FIGURE_COLUMNS]}
          rows={panels.length ? trendRows : []}
          csvName="sentiment-by-action-and-period"
          emptyText="No feedback linked to a suggestion in this period."
          note={<TrendMultiples panels={panels} />}
        />
      </Wide>
      <Wide>
        <Comments comments={comments} />
      </Wide>
    </>
  );
}

function Comments({ comments }: { comments: FeedbackComment[] }) {
  return (
    <section aria-labelledby="sentiment-comments" className="min-w-0 rounded-lg border border-slate-200 bg-white p-3 sm:p-4">
      <h2 id="sentiment-comments" className="text-sm font-semibold text-slate-900">
        Latest comments
      </h2>
      <p className="mt-0.5 text-xs text-slate-600">Newest first, at most {COMMENT_LIMIT}; as the customer wrote them.</p>
      {comments.length === 0 ? (
        <p className="mt-3 rounded-md border border-dashed border-slate-300 px-3 py-6 text-center text-sm text-slate-600">No comments in this period.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100">
          {comments.map((c) => (
            <li key={c.id} className="py-2">
              <p className="text-sm whitespace-pre-line break-words text-slate-900">{c.comment}</p>
              <p className="mt-0.5 text-xs text-slate-500">
                {formatDate(c.occurredAt)} · {c.actionName ?? UNLINKED}
                {c.csat !== null ? ` · CSAT ${c.csat}` : ""}
                {c.verdict ? ` · ${VERDICT_LABEL[c.verdict]}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
