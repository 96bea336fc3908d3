// npm run bench:dashboards [-- --allow-small] [--iterations=N] [--seconds=S] [--team=<name>] [--only=<name prefix>] [--served-only] [--no-refresh]
//                           [--reference[=R]]
// Times each manager dashboard's data functions in-process (the aggregate SQL
// behind /dashboards/adoption, /conversion and /model, for the default view:
// last 90 days, all action types), and the business KPI queries
// (lib/data/kpis.ts: programKpi, actionKpis, adopterTiers for conversion and
// revenue per customer, all teams and one team), against a baseline `SELECT 1`
// through the same Prisma client. Then the pages' figures as served
// (lib/services/dashboard-views.ts: a figure set that took at least
// DASHBOARD_LIVE_BUDGET_MS to compute comes from its copy computed ahead),
// after one forced refresh of those copies, timed (--no-refresh: use the
// stored ones; --served-only: skip the live figures). --only runs the figures whose name starts so. Needs DATABASE_URL pointing at the large data set
// (npm run seed:large: at least 1,000,000 events and 300,000 feedback rows);
// --allow-small runs on a smaller database and labels the figures as such.
// --reference[=R] only compares, for the KPIs read from the events (lifetime value, retention, churn, email clicks,
// web visits), the program and adopter-tier figures as the pages compute them with the reference path (source
// "events": retention by joining every purchase to every bucket, no narrowing to the team's customers), alternating
// (and alternating which of the two goes first),
// R rounds (default 3), all teams and one team; medians, and the figures of both checked equal.
// Method (BENCH.md): warm-up of at least 20 iterations or 2 s, then at least
// 200 iterations or 30 s, whichever ends first; median and p95.
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { db, disconnectDb } from "@/lib/data/db";
import { conversionMetrics, modelMetrics, type MetricsScope } from "@/lib/data/metrics";
import { actionKpis, adopterTiers, programKpi } from "@/lib/data/kpis";
import { engagementMetrics } from "@/lib/data/engagement";
import { listTargets, loadPulseEveryWeeks } from "@/lib/data/engagement-inputs";
import { adoptionFigures, impactFigures, modelFigures, refreshDashboardSnapshots, reviewFigures, reviewOpeningPeriods, slowestSet, type Served } from "@/lib/services/dashboard-views";
import { dashboardSnapshotSettings } from "@/lib/config/env";
import { adoptionMetrics } from "@/lib/data/usage";
import { KPI_KEYS, type KpiKey } from "@/lib/metrics/kpi-definitions";
import { percentile } from "@/lib/metrics/summary";
import { filterRange, parseDashboardFilters } from "@/lib/validation/dashboard-filters";

const MIN_EVENTS = 1_000_000;
const MIN_FEEDBACK = 300_000;

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=").slice(1).join("=");
}

async function time(fn: () => Promise<unknown>, opts: { iterations: number; seconds: number }): Promise<{ median: number; p95: number; n: number }> {
  // Warm-up: at least 20 iterations or 2 seconds.
  const warmStart = performance.now();
  for (let i = 0; i < 20 || performance.now() - warmStart < 2000; i++) {
    await fn();
    if (i >= 20 && performance.now() - warmStart >= 2000) break;
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < opts.iterations && performance.now() - start < opts.seconds * 1000) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { median: percentile(samples, 0.5) ?? 0, p95: percentile(samples, 0.95) ?? 0, n: samples.length };
}

async function main() {
  if (!process.env.DATABASE_URL) {
    console.error("bench:dashboards needs a real Postgres: set DATABASE_URL to the large data set (npm run seed:large). It never runs on the embedded database.");
    process.exit(2);
  }
  const allowSmall = process.argv.includes("--allow-small");
  const iterations = Number(arg("iterations") ?? 200);
  const seconds = Number(arg("seconds") ?? 30);
  const [sizes] = await db().$queryRaw<{ events: number; feedback: number; recs: number; customers: number; reps: number; usage: number; version: string }[]>`
    SELECT (SELECT COUNT(*) FROM "CustomerEvent")::int AS events, (SELECT COUNT(*) FROM "Feedback")::int AS feedback,
           (SELECT COUNT(*) FROM "Recommendation")::int AS recs, (SELECT COUNT(*) FROM "Customer")::int AS customers,
           (SELECT COUNT(*) FROM "User" WHERE role = 'REP')::int AS reps, (SELECT COUNT(*) FROM "UsageEvent")::int AS usage,
           current_setting('server_version') AS version`;
  if (!sizes) throw new Error("could not read table sizes");
  const small = sizes.events < MIN_EVENTS || sizes.feedback < MIN_FEEDBACK;
  if (small && !allowSmall) {
    console.error(
      `The database is too small for this bench: ${sizes.events.toLocaleString("en-US")} events and ${sizes.feedback.toLocaleString("en-US")} feedback rows ` +
        `(needs at least ${MIN_EVENTS.toLocaleString("en-US")} and ${MIN_FEEDBACK.toLocaleString("en-US")}). Build the large data set first (npm run seed:large), ` +
        `or pass --allow-small for a smoke run whose figures are not comparable with the targets.`,
    );
    process.exit(2);
  }

  // The view a manager opens first: the last 90 days ending at the newest recommendation.
  const [{ latest } = { latest: new Date() }] = await db().$queryRaw<{ latest: Date }[]>`SELECT COALESCE(MAX("createdAt"), now()::timestamp) AS latest FROM "Recommendation"`;
  const now = new Date(Math.max(latest.getTime(), Date.now()));
  const { filters } = parseDashboardFilters({}, latest);
  const range = filterRange(filters);
  const teamName = arg("team");
  const team = teamName ? await db().team.findFirst({ where: { name: teamName }, select: { id: true } }) : null;
  if (teamName && !team) throw new Error(`no team named ${teamName}`);
  const scope: MetricsScope = { from: range.from, toExclusive: range.toExclusive, teamId: team?.id ?? null, actionKey: null, segment: null, grain: "week", now };

  let git = "unknown";
  try {
    git = execFileSync("git", ["rev-parse", "--short", "HEAD"]).toString().trim();
  } catch {
    /* not a checkout */
  }
  console.log(
    `# bench:dashboards ${new Date().toISOString()} · commit ${git} · nproc ${availableParallelism()} · node ${process.version} · postgres ${sizes.version}\n` +
      `# data: ${sizes.customers} customers, ${sizes.reps} reps, ${sizes.events} events, ${sizes.recs} recommendations, ${sizes.feedback} feedback, ${sizes.usage} usage events` +
      `${small ? " (SMALLER than the large data set: smoke run, not comparable with the targets)" : ""}\n` +
      `# view: ${filters.from} to ${filters.to}, ${teamName ? `team ${teamName}` : "all teams (admin)"}, all action types; in-process data functions (no HTTP, no rendering)`,
  );

  const baseline = await time(() => db().$queryRaw`SELECT 1`, { iterations, seconds });
  const line = (name: string, r: { median: number; p95: number; n: number }) =>
    console.log(`${name}: median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, n=${r.n} (baseline p95 ${baseline.p95.toFixed(2)} ms, ratio ${(r.p95 / baseline.p95).toFixed(1)})`);
  console.log(`SELECT 1 baseline: median ${baseline.median.toFixed(2)} ms, p95 ${baseline.p95.toFixed(2)} ms, n=${baseline.n}`);
  const only = arg("only");
  const servedOnly = process.argv.includes("--served-only");
  const run = async (name: string, fn: () => Promise<unknown>) => {
    if (!servedOnly && (!only || name.startsWith(only))) line(name, await time(fn, { iterations, seconds }));
  };
  // What app/(manager)/dashboards/adoption/page.tsx loads at once: usage, engagement (sessions, retention, speed) and targets.
  await run("adoption dashboard", () => Promise.all([adoptionMetrics(scope), engagementMetrics(scope), listTargets(scope.teamId), loadPulseEveryWeeks()]));
  await run("adoption usage only", () => adoptionMetrics(scope));
  await run("adoption engagement only", () => engagementMetrics(scope));
  await run("conversion dashboard", () => conversionMetrics(scope));
  await run("model dashboard", () => modelMetrics(scope));

  // Business KPIs: the view's scope, and one team (the first by name) when the view is all teams.
  const [holdout] = await db().$queryRaw<{ draws: number; units: number }[]>`
    SELECT (SELECT COUNT(*) FROM "HoldoutPeriod")::int AS draws, (SELECT COUNT(*) FROM "HoldoutAssignment")::int AS units`;
  console.log(`# KPIs: ${holdout?.draws ?? 0} holdout draws, ${holdout?.units ?? 0} holdout assignments; grain ${scope.grain}`);
  const firstTeam = team ? null : await db().team.findFirst({ orderBy: { name: "asc" }, select: { id: true, name: true } });
  const scopes: [string, MetricsScope][] = [[teamName ? `team ${teamName}` : "all teams", scope]];
  if (firstTeam) scopes.push([`team ${firstTeam.name}`, { ...scope, teamId: firstTeam.id }]);
  if (process.argv.includes("--reference") || arg("reference")) {
    await compareReference(scopes, Number(arg("reference") ?? 3));
    return;
  }
  const kpis: KpiKey[] = ["conversion", "revenuePerCustomer"];
  for (const [label, sc] of scopes) {
    for (const kpi of kpis) {
      await run(`kpi program ${kpi}, ${label}`, () => programKpi(sc, kpi));
      await run(`kpi per action ${kpi}, ${label}`, () => actionKpis(sc, kpi));
      await run(`kpi adopter tiers ${kpi}, ${label}`, () => adopterTiers(sc, kpi));
      // The conversion page (app/(manager)/dashboards/conversion/page.tsx) runs these three and the conversion aggregate at once.
      await run(`kpi impact dashboard ${kpi}, ${label}`, () => Promise.all([programKpi(sc, kpi), actionKpis(sc, kpi), adopterTiers(sc, kpi), conversionMetrics(sc)]));
    }
  }

  // As the pages serve them: the default view at this moment (the last 90 days ending today), after one refresh.
  const settings = dashboardSnapshotSettings();
  const servedAt = new Date();
  if (!process.argv.includes("--no-refresh")) {
    const r = await refreshDashboardSnapshots({ now: servedAt, force: true });
    if (!r) throw new Error("a forced refresh always runs");
    const slowest = slowestSet(r);
    console.log(
      `dashboard figures computed ahead: ${r.sets} figure sets in ${(r.ms / 1000).toFixed(1)} s` +
        `${slowest ? ` (slowest: ${slowest.set}, ${slowest.teamId ? "one team" : "all teams"}, ${slowest.ms} ms)` : ""}; live budget ${settings.liveBudgetMs} ms, refresh every ${settings.refreshMs / 60_000} min`,
    );
    const allTeams = r.timings.filter((t) => t.teamId === null);
    console.log(`# computed ahead, all teams, ms: ${allTeams.map((t) => `${t.set} ${t.ms}`).join(", ")}`);
    for (const f of r.failed) console.log(`# FAILED to compute ahead: ${f.set}, ${f.teamId ? "one team" : "all teams"}: ${f.error}`);
    const over = r.timings.filter((t) => t.ms >= settings.liveBudgetMs).length;
    console.log(`# figure sets over the live budget (served from their copies): ${over} of ${r.timings.length}`);
  }
  const { filters: today } = parseDashboardFilters({}, servedAt);
  const todayRange = filterRange(today);
  const served = (sc: MetricsScope): MetricsScope => ({ ...sc, from: todayRange.from, toExclusive: todayRange.toExclusive, grain: today.grain, now: new Date() });
  console.log(`# served: ${today.from} to ${today.to} (the default view today)`);
  // The periodic review's opening view: the last complete period at the default grain, against the one before.
  const review = reviewOpeningPeriods(servedAt);
  const reviewed = (sc: MetricsScope, r: { from: Date; toExclusive: Date }): MetricsScope => ({ ...sc, from: r.from, toExclusive: r.toExclusive, grain: review.grain, now: new Date() });
  console.log(`# periodic review: ${review.current.from.toISOString().slice(0, 10)} to ${new Date(review.current.toExclusive.getTime() - 86_400_000).toISOString().slice(0, 10)}, against the period before`);
  const runServed = async (name: string, fn: () => Promise<Served<object>>) => {
    if (only && !name.startsWith(only)) return;
    const first = await fn();
    const r = await time(fn, { iterations, seconds });
    const how = first.unavailable
      ? `, not available: ${first.unavailable.state === "computing" ? "being computed in the background" : "its background computation failed"}`
      : first.asOf
        ? `, computed ahead at ${first.asOf.toISOString().slice(11, 19)} UTC`
        : ", live";
    line(`${name} (served${how})`, r);
  };
  for (const [label, sc] of scopes) {
    const suffix = label === "all teams" ? "" : `, ${label}`;
    await runServed(`adoption dashboard${suffix}`, async () => {
      const [f] = await Promise.all([adoptionFigures(served(sc)), listTargets(sc.teamId), loadPulseEveryWeeks()]);
      return f;
    });
    await runServed(`model dashboard${suffix}`, () => modelFigures(served(sc)));
    // Every KPI the Impact page offers (the live lines above time two of them).
    for (const kpi of KPI_KEYS) await runServed(`kpi impact dashboard ${kpi}, ${label}`, () => impactFigures(served(sc), kpi));
    await runServed(`periodic review${suffix}`, () => reviewFigures(reviewed(sc, review.current), reviewed(sc, review.prior)));
  }
}

/** --reference: the KPIs read from the events, as computed against the reference path, alternating (see the header). */
async function compareReference(scopes: [string, MetricsScope][], rounds: number): Promise<void> {
  const median = (xs: number[]) => percentile(xs, 0.5) ?? 0;
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const v = await fn();
    return [v, performance.now() - t];
  };
  console.log(`# reference comparison: ${rounds} rounds, reference and as computed, alternating which goes first; ms`);
  for (const [label, sc] of scopes) {
    for (const kpi of ["lifetimeValue", "retention", "churn", "emailClicks", "webVisits"] as const) {
      const paths: [string, (source: "events" | "facts") => Promise<unknown>][] = [
        ["program", (source) => programKpi(sc, kpi, { source })],
        ["adopter tiers", (source) => adopterTiers(sc, kpi, { source })],
      ];
      for (const [what, fn] of paths) {
        const ref: number[] = [];
        const now: number[] = [];
        let same = true;
        for (let i = 0; i < rounds; i++) {
          // Which goes first alternates too (the first of a pair warms the cache for the second).
          const pair: Record<"events" | "facts", [unknown, number]> = { events: [null, 0], facts: [null, 0] };
          for (const source of i % 2 === 0 ? (["events", "facts"] as const) : (["facts", "events"] as const)) pair[source] = await timed(() => fn(source));
          const [[a, ta], [b, tb]] = [pair.events, pair.facts];
          ref.push(ta);
          now.push(tb);
          // Both sum the same float8 values in different orders: equal to 1e-9 relative.
          same &&= JSON.stringify(a, (_k, v: unknown) => (typeof v === "number" ? Number(v.toPrecision(9)) : v)) === JSON.stringify(b, (_k, v: unknown) => (typeof v === "number" ? Number(v.toPrecision(9)) : v));
        }
        console.log(
          `kpi ${what} ${kpi}, ${label}: reference median ${median(ref).toFixed(0)} ms [${ref.map((x) => x.toFixed(0)).join(" ")}], ` +
            `as computed median ${median(now).toFixed(0)} ms [${now.map((x) => x.toFixed(0)).join(" ")}], ratio ${(median(now) / median(ref)).toFixed(2)}${same ? "" : " (FIGURES DIFFER)"}`,
        );
      }
    }
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
