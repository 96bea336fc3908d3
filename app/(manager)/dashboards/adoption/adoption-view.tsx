import { ChartCard } from "@/components/dashboards/chart-card";
import { Wide } from "@/components/dashboards/dashboard-frame";
import { PERIOD_LABEL, periodColumn, type Column, type Row } from "@/components/dashboards/format";
import { Kpi, KpiGrid } from "@/components/dashboards/kpi";
import { activeRepsHeadline, repUsageStatus, STOPPED_AFTER_DAYS } from "@/lib/metrics/adoption";
import { rate } from "@/lib/metrics/summary";
import type { AdoptionData } from "@/lib/data/usage";
import type { Grain } from "@/lib/validation/dashboard-filters";
import { DISMISS_REASON_LABELS, DISMISS_REASONS } from "@/lib/validation/feedback";
import { displayCell } from "@/components/dashboards/format";
import { day } from "../load-dashboard";

const STATUS_LABEL = { active: "Active", stopped: "Stopped", never: "Never signed in", deactivated: "Deactivated" } as const;

/** The adoption dashboard's cards, from the aggregates. */
export function AdoptionView({ data, periodEnd, grain }: { data: AdoptionData; periodEnd: Date; grain: Grain }) {
  const periodCol = periodColumn(grain, "week");
  const r = data.reactions;
  const headline = activeRepsHeadline(data.reps);

  const daily: Row[] = data.daily.map((d) => ({ day: day(d.bucket), activeReps: d.activeReps, teamReps: d.teamReps, share: rate(d.activeReps, d.teamReps) }));
  const weekly: Row[] = data.weekly.map((w) => ({
    week: day(w.bucket),
    activeReps: w.activeReps,
    teamReps: w.teamReps,
    share: rate(w.activeReps, w.teamReps),
    sessions: w.sessions,
    queueViews: w.queueViews,
    sessionsPerRep: rate(w.sessions, w.teamReps),
    queueViewsPerRep: rate(w.queueViews, w.teamReps),
  }));
  const outcomes: Row[] = data.byAction.map((a) => ({
    action: a.actionName,
    shown: a.shown,
    reacted: rate(a.reacted, a.shown),
    accepted: rate(a.accepted, a.shown),
    dismissed: rate(a.dismissed, a.shown),
    snoozed: rate(a.snoozed, a.shown),
    open: rate(a.shown - a.accepted - a.dismissed - a.snoozed, a.shown),
    medianMinutes: a.medianMinutes,
  }));
  const reasonKeys = DISMISS_REASONS.filter((k) => data.dismissReasons.some((d) => d.reason === k));
  const reasonsByAction = new Map<string, Row>();
  for (const d of data.dismissReasons) {
    const row = reasonsByAction.get(d.actionKey) ?? { action: d.actionName, ...Object.fromEntries(reasonKeys.map((k) => [k, 0])), total: 0 };
    row[d.reason] = d.count;
    row.total = (row.total as number) + d.count;
    reasonsByAction.set(d.actionKey, row);
  }
  const curveReps = [...new Map(data.curve.map((c) => [c.repId, c.repName])).entries()];
  const curveRows: Row[] = [];
  for (const c of data.curve) {
    const row = curveRows[c.week] ?? (curveRows[c.week] = { week: c.week + 1 });
    row[c.repId] = c.activeDays;
  }
  const repRows: Row[] = data.reps.map((x) => ({
    name: x.name,
    status: STATUS_LABEL[repUsageStatus({ accountActive: x.accountActive, lastActiveAt: x.lastActive, periodEnd })],
    lastActive: x.lastActive ? day(x.lastActive) : null,
    firstSignIn: x.firstSignIn ? day(x.firstSignIn) : null,
    activeDays: x.activeDays,
    sessions: x.sessions,
    queueViews: x.queueViews,
    shown: x.shown,
    reacted: rate(x.reacted, x.shown),
    accepted: rate(x.accepted, x.shown),
    medianMinutes: x.medianMinutes,
  }));
  const stopped = repRows.filter((x) => x.status === "Stopped").length;

  return (
    <>
      <Wide>
        <KpiGrid label="Adoption summary">
          <Kpi
            label="Reps active in period"
            value={`${headline.active} of ${headline.onTeam}`}
            detail={[
              stopped ? `${stopped} stopped (no use in ${STOPPED_AFTER_DAYS} days)` : null,
              headline.deactivated ? `${headline.deactivated} deactivated since` : null,
            ]
              .filter(Boolean)
              .join(" · ") || "reps on the team in the period"}
          />
          <Kpi label="Recommendations shown" value={displayCell(r.shown, "int")} detail="non-control, generated in period" />
          <Kpi label="Median time to reaction" value={displayCell(r.medianMinutes, "minutes")} detail="from shown to first reaction; estimated within 1 %" />
          <Kpi label="Dismissed" value={displayCell(rate(r.dismissed, r.shown), "pct")} detail="share of shown (reaction and accepted shares: above, with their targets)" />
          <Kpi label="Snoozed" value={displayCell(rate(r.snoozed, r.shown), "pct")} detail="still snoozed or expired after a snooze" />
        </KpiGrid>
      </Wide>
      <Wide>
        <ChartCard
          title="Active reps, last 7 days (% of team)"
          description="Each day: the share of the team's reps who signed in, viewed the queue or a customer, or reacted in the 7 days ending that day (a weekly active share, so weekends do not drop it to zero)."
          spec={{ type: "line", x: "day", xKind: "date", xLabel: "Day", yKind: "pct", yLabel: "% of team active", yMax: 1, series: [{ key: "share", label: "Active reps, last 7 days (% of team)" }] }}
          columns={[
            { key: "day", label: "Day", kind: "date" },
            { key: "activeReps", label: "Active in the 7 days", kind: "int" },
            { key: "teamReps", label: "Reps on team", kind: "int" },
            { key: "share", label: "Active share", kind: "pct" },
          ]}
          rows={daily}
          csvName="active-reps-per-day"
        />
      </Wide>
      <ChartCard
        title={`Active reps per ${grain} (% of team)`}
        description={`Reps with any activity in the ${grain} (weeks start Monday; the first and last ${grain} are cut to the date range).`}
        spec={{ type: "bar", x: "week", xKind: grain, xLabel: PERIOD_LABEL[grain], yKind: "pct", yLabel: "% of team active", yMax: 1, series: [{ key: "share", label: "Active reps (% of team)" }] }}
        columns={[
          periodCol,
          { key: "activeReps", label: "Active reps", kind: "int" },
          { key: "teamReps", label: "Reps on team", kind: "int" },
          { key: "share", label: "Active share", kind: "pct" },
        ]}
        rows={weekly}
        csvName={`active-reps-per-${grain}`}
      />
      <ChartCard
        title={`Sign-ins and queue views per rep per ${grain} (count)`}
        description={`Sign-ins and queue views in the ${grain}, divided by the reps on the team (sessions, which also end after idle time, are counted above).`}
        spec={{
          type: "line",
          x: "week",
          xKind: grain,
          xLabel: PERIOD_LABEL[grain],
          yKind: "num1",
          yLabel: "Per rep",
          series: [
            { key: "sessionsPerRep", label: "Sign-ins per rep" },
            { key: "queueViewsPerRep", label: "Queue views per rep" },
          ],
        }}
        columns={[
          periodCol,
          { key: "sessions", label: "Sign-ins", kind: "int" },
          { key: "queueViews", label: "Queue views", kind: "int" },
          { key: "teamReps", label: "Reps on team", kind: "int" },
          { key: "sessionsPerRep", label: "Sign-ins per rep", kind: "num1" },
          { key: "queueViewsPerRep", label: "Queue views per rep", kind: "num1" },
        ]}
        rows={weekly}
        csvName={`sessions-per-rep-per-${grain}`}
      />
      <ChartCard
        title="What reps did with shown recommendations, by action type (% of shown)"
        description="Final state: accepted or done, dismissed, snoozed (not decided since), or no decision yet (pending, expired or undone)."
        spec={{
          type: "hbar",
          stacked: true,
          x: "action",
          xKind: "text",
          xLabel: "Action type",
          yKind: "pct",
          yLabel: "% of shown recommendations",
          yMax: 1,
          series: [
            { key: "accepted", label: "Accepted" },
            { key: "dismissed", label: "Dismissed" },
            { key: "snoozed", label: "Snoozed" },
            { key: "open", label: "No decision" },
          ],
        }}
        columns={[
          { key: "action", label: "Action type", kind: "text" },
          { key: "shown", label: "Shown", kind: "int" },
          { key: "reacted", label: "Got a reaction", kind: "pct" },
          { key: "accepted", label: "Accepted", kind: "pct" },
          { key: "dismissed", label: "Dismissed", kind: "pct" },
          { key: "snoozed", label: "Snoozed", kind: "pct" },
          { key: "open", label: "No decision", kind: "pct" },
          { key: "medianMinutes", label: "Median time to reaction", kind: "minutes" },
        ]}
        rows={outcomes}
        csvName="outcomes-by-action-type"
        height={300}
      />
      <ChartCard
        title="Dismiss reasons by action type (count of dismissals)"
        description="The reason given when each dismissed recommendation was dismissed."
        spec={{
          type: "hbar",
          stacked: true,
          x: "action",
          xKind: "text",
          xLabel: "Action type",
          yKind: "int",
          yLabel: "Dismissed recommendations",
          series: reasonKeys.map((k) => ({ key: k, label: DISMISS_REASON_LABELS[k] })),
        }}
        columns={[
          { key: "action", label: "Action type", kind: "text" },
          ...reasonKeys.map((k): Column => ({ key: k, label: DISMISS_REASON_LABELS[k], kind: "int" })),
          { key: "total", label: "Total", kind: "int" },
        ]}
        rows={[...reasonsByAction.values()]}
        csvName="dismiss-reasons-by-action-type"
        emptyText="No dismissals in this period."
        height={300}
      />
      <Wide>
        <ChartCard
          title="Adoption curve: active days per week since each rep's first sign-in (days, 0–7)"
          description="Week 1 is the rep's first seven days from first sign-in; history up to the end date. A falling line is a rep drifting away."
          spec={{ type: "line", x: "week", xKind: "int", xLabel: "Week since first sign-in", yKind: "int", yLabel: "Active days", yMax: 7, series: curveReps.map(([id, name]) => ({ key: id, label: name })) }}
          columns={[{ key: "week", label: "Week since first sign-in", kind: "int" }, ...curveReps.map(([id, name]): Column => ({ key: id, label: name, kind: "int" }))]}
          rows={curveRows}
          csvName="adoption-curve"
          emptyText="No rep has signed in yet."
          height={300}
        />
      </Wide>
      <Wide>
        <ChartCard
          title="Reps: usage and reactions in the period"
          description={`Sort by any column. "Stopped" = used Nudge before but not in the ${STOPPED_AFTER_DAYS} days before the end date.`}
          tableOnly
          sortable
          columns={[
            { key: "name", label: "Rep", kind: "text" },
            { key: "status", label: "Status", kind: "text" },
            { key: "lastActive", label: "Last active", kind: "date" },
            { key: "firstSignIn", label: "First sign-in", kind: "date" },
            { key: "activeDays", label: "Days active", kind: "int" },
            { key: "sessions", label: "Sign-ins", kind: "int" },
            { key: "queueViews", label: "Queue views", kind: "int" },
            { key: "shown", label: "Shown", kind: "int" },
            { key: "reacted", label: "Reacted", kind: "pct" },
            { key: "accepted", label: "Accepted", kind: "pct" },
            { key: "medianMinutes", label: "Median to react", kind: "minutes" },
          ]}
          rows={repRows}
          csvName="reps"
          emptyText="No reps on this team yet."
        />
      </Wide>
    </>
  );
}
