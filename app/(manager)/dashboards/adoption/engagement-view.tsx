import { ChartCard } from "@/components/dashboards/chart-card";
import { Wide } from "@/components/dashboards/dashboard-frame";
import { displayCell, periodColumn, type Column, type Row } from "@/components/dashboards/format";
import { Kpi, KpiGrid } from "@/components/dashboards/kpi";
import { TargetsForm } from "@/components/dashboards/targets-form";
import type { EngagementData } from "@/lib/data/engagement";
import type { AdoptionData } from "@/lib/data/usage";
import { adoptionSpeed, csat, HABIT_DAYS, HABIT_WEEKS, npsInterval, RETENTION_OFFSETS, retentionCohorts, SESSION_BUCKET_LABELS, SESSION_IDLE_MINUTES } from "@/lib/metrics/engagement";
import { figures, formatThreshold, resolveTarget, STATUS_LABEL, TARGET_INFO, TARGET_METRICS, targetStatus, type FigureRep, type TargetMetric, type TargetRow } from "@/lib/metrics/targets";
import { rate } from "@/lib/metrics/summary";
import type { Grain } from "@/lib/validation/dashboard-filters";
import { day } from "../load-dashboard";

const DAY_MS = 86_400_000;
const TOUR_LABEL = { finished: "Finished", skipped: "Skipped", started: "Started" } as const;

interface Props {
  adoption: AdoptionData;
  data: EngagementData;
  targets: TargetRow[];
  teams: { id: string; name: string }[];
  /** The team in view; null: all teams (admins). */
  teamId: string | null;
  grain: Grain;
  from: Date;
  asOf: Date;
  lastDay: string;
  viewer: { role: "MANAGER" | "ADMIN"; teamId: string | null };
  pulseEveryWeeks: number;
}

/** The adoption page's engagement cards: targets, sessions and feature use, retention, adoption speed, the tour and the pulse survey. */
export function EngagementView({ adoption, data, targets, teams, teamId, grain, from, asOf, lastDay, viewer, pulseEveryWeeks }: Props) {
  const reactionsByRep = new Map(adoption.reps.map((r) => [r.id, r]));
  const names = new Map(adoption.reps.map((r) => [r.id, r.name]));
  const figureReps: FigureRep[] = data.reps.map((r) => {
    const x = reactionsByRep.get(r.repId);
    return { id: r.repId, teamId: r.teamId, accountActive: r.accountActive, lastActive: r.lastActive, activeLast7: r.activeLast7, shown: x?.shown ?? 0, reacted: x?.reacted ?? 0, accepted: x?.accepted ?? 0, tourFinished: data.tour.byRep.get(r.repId) === "finished" };
  });
  const nps = npsInterval(data.pulse.total);
  const overall = figures(figureReps, nps.nps, lastDay);
  const target = (metric: TargetMetric, team: string | null = teamId) => {
    const t = resolveTarget(targets, metric, team);
    return { status: targetStatus(overall.values[metric], t), threshold: t === null ? null : formatThreshold(metric, t) };
  };

  // Teams against their targets.
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const teamIds = teamId ? [teamId] : teams.map((t) => t.id);
  const teamRows: Row[] = teamIds.map((id) => {
    const pulse = data.pulse.byTeam.find((p) => p.teamId === id);
    const n = pulse ? npsInterval(pulse) : null;
    const f = figures(
      figureReps.filter((r) => r.teamId === id),
      n?.nps ?? null,
      lastDay,
    );
    const row: Row = { team: teamName.get(id) ?? "—", reps: f.tour.of, npsN: n?.n ?? 0 };
    let below = 0;
    for (const m of TARGET_METRICS) {
      const t = resolveTarget(targets, m, id);
      const st = targetStatus(f.values[m], t);
      if (st === "below") below++;
      row[m] = f.values[m] === null ? null : TARGET_INFO[m].unit === "pct" ? f.values[m] : Math.round(f.values[m] as number);
      row[`${m}Status`] = st === "no-target" ? "—" : `${STATUS_LABEL[st]}${t === null ? "" : ` (≥ ${formatThreshold(m, t)})`}`;
    }
    row.below = below ? `Below on ${below}` : "On target";
    return row;
  });
  teamRows.sort((a, b) => String(b.below).localeCompare(String(a.below)));

  // Sessions and key feature use per rep.
  const weeks = Math.max(1, (asOf.getTime() - from.getTime()) / (7 * DAY_MS));
  const sessionsByRep = new Map(data.sessions.byRep.map((s) => [s.repId, s]));
  const featuresByRep = new Map(data.features.map((f) => [f.repId, f]));
  const speed = adoptionSpeed(data.reps);
  const speedByRep = new Map(speed.perRep.map((p) => [p.repId, p]));
  const repRows: Row[] = data.reps
    .map((r) => {
      const s = sessionsByRep.get(r.repId);
      const f = featuresByRep.get(r.repId);
      const sp = speedByRep.get(r.repId);
      return {
        name: names.get(r.repId) ?? "—",
        signInsPerWeek: (f?.signIns ?? 0) / weeks,
        sessions: s?.sessions ?? 0,
        medianSession: s?.medianMinutes ?? null,
        accepts: f?.accepts ?? 0,
        dones: f?.dones ?? 0,
        snoozes: f?.snoozes ?? 0,
        dismisses: f?.dismisses ?? 0,
        customerViews: f?.customerViews ?? 0,
        searches: f?.searches ?? 0,
        keyboard: f?.keyboard ?? 0,
        tour: (() => {
          const t = data.tour.byRep.get(r.repId);
          return t ? TOUR_LABEL[t] : "Not started";
        })(),
        daysToReaction: sp?.daysToReaction ?? null,
        daysToHabit: sp?.daysToHabit ?? null,
      };
    })
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const signIns = data.features.reduce((a, f) => a + f.signIns, 0);
  const sessionRows: Row[] = SESSION_BUCKET_LABELS.map((label, i) => ({ bucket: label, sessions: data.sessions.total.buckets[i] ?? 0 }));

  const cohorts = retentionCohorts(data.reps, asOf);
  const cohortRows: Row[] = cohorts.map((c) => ({ cohort: c.cohort, reps: c.reps, ...Object.fromEntries(RETENTION_OFFSETS.map((k, i) => [`w${k}`, c.retained[i] === null ? null : rate(c.retained[i] as number, c.reps)])) }));

  const npsRows: Row[] = data.pulse.byPeriod.map((p) => {
    const r = npsInterval(p);
    return { period: day(p.bucket), n: r.n, nps: r.nps, lower: r.interval?.lower ?? null, upper: r.interval?.upper ?? null };
  });
  const npsTeamRows: Row[] = data.pulse.byTeam.map((p) => {
    const r = npsInterval(p);
    const c = csat(p.csatN, p.csatSatisfied);
    return { team: p.teamName ?? "No team", n: r.n, nps: r.nps, lower: r.interval?.lower ?? null, upper: r.interval?.upper ?? null, csatN: c.n, csat: c.share };
  });
  const cs = csat(data.pulse.total.csatN, data.pulse.total.csatSatisfied);
  const canSetProgram = viewer.role === "ADMIN";
  const formTeams = canSetProgram ? teams : teams.filter((t) => t.id === viewer.teamId);

  return (
    <>
      <Wide>
        <section aria-labelledby="engagement-h" className="space-y-2">
          <h2 id="engagement-h" className="text-sm font-semibold text-slate-900">
            Engagement and targets
          </h2>
          <KpiGrid label="Engagement and targets">
            <Kpi label="Weekly active reps" value={`${overall.weeklyActive.active} of ${overall.weeklyActive.of}`} detail={`active in the 7 days to ${lastDay}: ${displayCell(overall.values.weeklyActiveShare, "pct")}`} target={target("weeklyActiveShare")} />
            <Kpi label="Reaction share" value={displayCell(overall.values.reactionShare, "pct")} detail="shown recommendations with any reaction" target={target("reactionShare")} />
            <Kpi label="Accepted share" value={displayCell(overall.values.acceptShare, "pct")} detail="shown recommendations accepted or done" target={target("acceptShare")} />
            <Kpi
              label="NPS"
              value={nps.nps === null ? "–" : `${nps.nps > 0 ? "+" : ""}${nps.nps.toFixed(0)}`}
              detail={nps.interval ? `95% interval ${nps.interval.lower.toFixed(0)} to ${nps.interval.upper.toFixed(0)} · n = ${nps.n}` : "no answers in the period"}
              target={target("nps")}
            />
            <Kpi label="Tour finished" value={`${overall.tour.finished} of ${overall.tour.of}`} detail={`reps · in the period: ${data.tour.started} started, ${data.tour.finished} of them finished`} target={target("tourCompletion")} />
            <Kpi label="CSAT" value={displayCell(cs.share, "pct")} detail={cs.n ? `answers of 4–5 of 5 · n = ${cs.n}` : "no answers in the period"} />
            <Kpi label="Sign-ins per rep per week" value={displayCell(rate(signIns, Math.max(1, adoption.reps.length) * weeks), "num1")} detail={`${signIns} sign-ins, ${adoption.reps.length} reps`} />
            <Kpi label="Median session" value={displayCell(data.sessions.total.medianMinutes, "minutes")} detail={`${data.sessions.total.sessions} sessions`} />
            <Kpi label="Days to first reaction" value={speed.medianDaysToReaction === null ? "–" : `${speed.medianDaysToReaction} d`} detail={`median · ${speed.reacted} of ${speed.signedIn} reps who signed in have reacted`} />
            <Kpi label="Days to habitual use" value={speed.medianDaysToHabit === null ? "–" : `${speed.medianDaysToHabit} d`} detail={`median · ${speed.habitual} of ${speed.signedIn} reps got there`} />
          </KpiGrid>
          <details className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs text-slate-700">
            <summary className="cursor-pointer font-medium text-slate-900">How these figures are counted</summary>
            <ul className="mt-1 list-disc space-y-0.5 pl-4">
              {TARGET_METRICS.map((m) => (
                <li key={m}>
                  <strong>{TARGET_INFO[m].label}:</strong> {TARGET_INFO[m].definition}
                </li>
              ))}
              <li>
                <strong>NPS interval:</strong> 95%, adjusted Wald (3/4 of an answer added to promoters and detractors, 3/2 to passives), checked by simulation. <strong>CSAT:</strong> share of answers 4–5 to “How useful are today&apos;s suggestions?” asked after a reaction.
              </li>
              <li>
                <strong>Session:</strong> a rep&apos;s activity (sign-in, queue or customer view, reaction, tour, search, keyboard) with no gap over {SESSION_IDLE_MINUTES} minutes; a sign-in always starts a new one. Its length runs from its first to its last event (one event: 0 minutes); median lengths are estimated within 1 % of the exact median. Sign-ins per rep per week: sign-ins in the period divided by reps and by the period&apos;s weeks.
              </li>
              <li>
                <strong>Habitual use:</strong> at least {HABIT_DAYS} active days in each of {HABIT_WEEKS} consecutive calendar weeks; reached on the {HABIT_DAYS}rd active day of the second week. Days are counted from the first sign-in, over all history up to the end date.
              </li>
              <li>
                <strong>Retention:</strong> reps grouped by the week (Monday) of their first activity; for 1, 2, 4, 8 and 12 weeks later, the share with any active day in that calendar week (blank until that week is over).
              </li>
            </ul>
          </details>
        </section>
      </Wide>
      <Wide>
        <ChartCard
          title={teamId ? "Your team against its targets" : "Teams against their targets"}
          description="Each figure against the team's own target, else the program-wide one. Teams below target on any figure come first."
          tableOnly
          sortable
          dense
          columns={[
            { key: "team", label: "Team", kind: "text" },
            { key: "below", label: "Overall", kind: "text" },
            { key: "reps", label: "Reps", kind: "int" },
            ...TARGET_METRICS.flatMap((m): Column[] => [
              { key: m, label: TARGET_INFO[m].label, kind: TARGET_INFO[m].unit === "pct" ? "pct" : "int" },
              { key: `${m}Status`, label: `${TARGET_INFO[m].label}: status`, kind: "text" },
            ]),
            { key: "npsN", label: "NPS answers", kind: "int" },
          ]}
          rows={teamRows}
          csvName="teams-against-targets"
          emptyText="No team in view."
          note={teamRows.some((r) => String(r.below).startsWith("Below")) ? <p className="text-xs font-medium text-red-900">{teamRows.filter((r) => String(r.below).startsWith("Below")).length} below target on at least one figure.</p> : null}
        />
      </Wide>
      <Wide>
        <section aria-labelledby="targets-h" data-tour="targets" className="rounded-lg border border-slate-200 bg-white p-3">
          <h2 id="targets-h" className="text-sm font-semibold text-slate-900">
            Set targets
          </h2>
          <p className="mt-0.5 text-xs text-slate-600">{canSetProgram ? "Program-wide targets apply to every team without its own; a team's target overrides it." : "Targets for your team override the program-wide ones an admin set."}</p>
          <TargetsForm
            teams={formTeams}
            canSetProgram={canSetProgram}
            defaultTeamId={canSetProgram ? (teamId ?? null) : viewer.teamId}
            current={targets.map((t) => ({ teamId: t.teamId, metric: t.metric, threshold: t.threshold }))}
            pulseEveryWeeks={canSetProgram ? pulseEveryWeeks : null}
          />
        </section>
      </Wide>
      <ChartCard
        title="Session length (sessions)"
        description={`Sessions that started in the period, by length. A session ends after ${SESSION_IDLE_MINUTES} minutes without activity or at a new sign-in.`}
        spec={{ type: "bar", x: "bucket", xKind: "text", xLabel: "Session length", yKind: "int", yLabel: "Sessions", series: [{ key: "sessions", label: "Sessions" }] }}
        columns={[
          { key: "bucket", label: "Session length", kind: "text" },
          { key: "sessions", label: "Sessions", kind: "int" },
        ]}
        rows={data.sessions.total.sessions ? sessionRows : []}
        csvName="session-length"
        emptyText="No sessions in this period."
      />
      <ChartCard
        title={`NPS per ${grain} (points, 95% interval)`}
        description="Net Promoter Score of the pulse answers in each period, with its interval; a wide interval means few answers."
        spec={{ type: "interval", category: "period", value: "nps", lower: "lower", upper: "upper", xLabel: "NPS", yLabel: grain, kind: "num1", categoryKind: grain }}
        columns={[periodColumn(grain), { key: "n", label: "Answers", kind: "int" }, { key: "nps", label: "NPS", kind: "num1" }, { key: "lower", label: "Lower 95%", kind: "num1" }, { key: "upper", label: "Upper 95%", kind: "num1" }]}
        rows={npsRows}
        csvName={`nps-per-${grain}`}
        emptyText="No pulse answers in this period."
      />
      <Wide>
        <ChartCard
          title="Pulse survey by team: NPS and CSAT"
          description={`Answers by the team the rep was on when answering. Each rep is asked at most once every ${pulseEveryWeeks} weeks, never in their first week.`}
          tableOnly
          columns={[
            { key: "team", label: "Team", kind: "text" },
            { key: "n", label: "NPS answers", kind: "int" },
            { key: "nps", label: "NPS", kind: "num1" },
            { key: "lower", label: "Lower 95%", kind: "num1" },
            { key: "upper", label: "Upper 95%", kind: "num1" },
            { key: "csatN", label: "CSAT answers", kind: "int" },
            { key: "csat", label: "CSAT (4–5)", kind: "pct" },
          ]}
          rows={npsTeamRows}
          csvName="pulse-by-team"
          emptyText="No pulse answers in this period."
          note={data.pulse.dismissed ? <p className="text-xs text-slate-600">{data.pulse.dismissed} dismissed (“Not now”) in the period.</p> : null}
        />
      </Wide>
      <Wide>
        <section aria-labelledby="comments-h" className="rounded-lg border border-slate-200 bg-white p-3">
          <h2 id="comments-h" className="text-sm font-semibold text-slate-900">
            Pulse comments (latest 50, without names)
          </h2>
          {data.pulse.comments.length === 0 ? (
            <p className="mt-1 text-sm text-slate-600">No comments in this period.</p>
          ) : (
            <ul className="mt-1 divide-y divide-slate-100 text-sm">
              {data.pulse.comments.map((c, i) => (
                <li key={i} className="py-1.5">
                  <span className="mr-2 inline-block w-8 rounded bg-slate-100 text-center text-xs font-semibold tabular-nums text-slate-800" title="Score 0–10">
                    {c.score}
                  </span>
                  <span className="text-slate-900">{c.comment}</span>
                  <span className="ml-2 text-xs text-slate-600">
                    {day(c.at)}
                    {c.teamName ? ` · ${c.teamName}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </Wide>
      <Wide>
        <ChartCard
          title="Retention by cohort (% of the cohort active k weeks later)"
          description="Reps grouped by the week of their first activity; the share with any activity in the calendar week 1, 2, 4, 8 and 12 weeks later. Blank: that week is not over yet."
          tableOnly
          columns={[{ key: "cohort", label: "Cohort (week of first use)", kind: "week" }, { key: "reps", label: "Reps", kind: "int" }, ...RETENTION_OFFSETS.map((k): Column => ({ key: `w${k}`, label: `Week +${k}`, kind: "pct" }))]}
          rows={cohortRows}
          csvName="retention-cohorts"
          emptyText="No rep has used Nudge yet."
        />
      </Wide>
      <Wide>
        <ChartCard
          title="Reps: sessions, key features, tour and adoption speed"
          description="Counts in the period; days to first reaction and to habitual use over all history up to the end date."
          tableOnly
          sortable
          dense
          columns={[
            { key: "name", label: "Rep", kind: "text" },
            { key: "signInsPerWeek", label: "Sign-ins / week", kind: "num1" },
            { key: "sessions", label: "Sessions", kind: "int" },
            { key: "medianSession", label: "Median session", kind: "minutes" },
            { key: "accepts", label: "Accepts", kind: "int" },
            { key: "dones", label: "Done", kind: "int" },
            { key: "snoozes", label: "Snoozes", kind: "int" },
            { key: "dismisses", label: "Dismisses", kind: "int" },
            { key: "customerViews", label: "Customer pages", kind: "int" },
            { key: "searches", label: "Searches", kind: "int" },
            { key: "keyboard", label: "Keyboard", kind: "int" },
            { key: "tour", label: "Tour", kind: "text" },
            { key: "daysToReaction", label: "Days to 1st reaction", kind: "int" },
            { key: "daysToHabit", label: "Days to habit", kind: "int" },
          ]}
          rows={repRows}
          csvName="reps-engagement"
          emptyText="No reps on this team yet."
        />
      </Wide>
      <ChartCard
        title="Tour skipped, by step (count)"
        description="Where reps closed the first-run tour before its end, in the period."
        tableOnly
        columns={[
          { key: "step", label: "Step", kind: "int" },
          { key: "count", label: "Skipped", kind: "int" },
        ]}
        rows={data.tour.skippedAtStep.map((s) => ({ step: s.step, count: s.count }))}
        csvName="tour-skips"
        emptyText="Nobody skipped the tour in this period."
      />
    </>
  );
}
