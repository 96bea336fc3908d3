// Engagement rules behind the adoption page's newer figures, pure, so the page,
// the pulse survey and their tests agree: sessions, habitual use, retention by
// cohort, adoption speed, NPS and CSAT with their intervals, the pulse's
// cadence, and targets. Every definition here is also written on the page.
import { median } from "./summary";
import { wilson, Z95, type Interval } from "./proportions";

const DAY_MS = 86_400_000;

/** A session ends after this many minutes without activity; a sign-in always starts a new one. */
export const SESSION_IDLE_MINUTES = 30;
/** Upper bounds (minutes, exclusive) of the session-length buckets; the last bucket is open. */
export const SESSION_BUCKETS = [1, 5, 15, 30, 60] as const;
export const SESSION_BUCKET_LABELS = ["under 1 min", "1–5 min", "5–15 min", "15–30 min", "30–60 min", "60 min or more"] as const;

/** Habitual use: at least HABIT_DAYS active days in each of HABIT_WEEKS consecutive calendar weeks (Monday to Sunday). */
export const HABIT_DAYS = 3;
export const HABIT_WEEKS = 2;
/** Weeks after the cohort's week at which retention is read. */
export const RETENTION_OFFSETS = [1, 2, 4, 8, 12] as const;

/** The first week after a user's first use in which no pulse question is asked. */
export const PULSE_GRACE_DAYS = 7;
export const MIN_PULSE_WEEKS = 1;
export const MAX_PULSE_WEEKS = 52;

/** Index of the SESSION_BUCKETS bucket a session of `minutes` falls in. */
export function sessionBucket(minutes: number): number {
  const i = SESSION_BUCKETS.findIndex((b) => minutes < b);
  return i === -1 ? SESSION_BUCKETS.length : i;
}

/** Whole UTC days from a to b (dates or ISO days). */
export function daysBetween(a: Date | string, b: Date | string): number {
  const d = (x: Date | string) => Date.parse(typeof x === "string" ? `${x.slice(0, 10)}T00:00:00Z` : x.toISOString().slice(0, 10) + "T00:00:00Z");
  return Math.round((d(b) - d(a)) / DAY_MS);
}

/** Monday (UTC) of the week holding `day`, as an ISO day. */
export function weekOf(day: Date | string): string {
  const t = Date.parse(typeof day === "string" ? `${day.slice(0, 10)}T00:00:00Z` : day.toISOString().slice(0, 10) + "T00:00:00Z");
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * DAY_MS).toISOString().slice(0, 10);
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** One rep's activity, week by week (calendar weeks starting Monday), from UsageDay. */
export interface RepWeeks {
  repId: string;
  /** First day with any activity; null: never used. */
  firstActive: string | null;
  firstSignIn: string | null;
  firstReaction: string | null;
  /** Weeks with at least one active day: Monday -> (active days, the HABIT_DAYS-th active day of the week or null). */
  weeks: { week: string; activeDays: number; habitDay: string | null }[];
}

/**
 * The day a rep's use became habitual: the HABIT_DAYS-th active day of the
 * second of HABIT_WEEKS consecutive weeks with at least HABIT_DAYS active days
 * each (the day the condition first held); null if it never did.
 */
export function habitReachedOn(weeks: RepWeeks["weeks"]): string | null {
  const sorted = [...weeks].sort((a, b) => a.week.localeCompare(b.week));
  let run = 0;
  let prev: string | null = null;
  for (const w of sorted) {
    const qualifies = w.activeDays >= HABIT_DAYS;
    run = qualifies ? (prev !== null && addDays(prev, 7) === w.week && run > 0 ? run + 1 : 1) : 0;
    prev = w.week;
    if (run >= HABIT_WEEKS) return w.habitDay;
  }
  return null;
}

export interface AdoptionSpeed {
  /** Reps with a first sign-in (the population). */
  signedIn: number;
  reacted: number;
  /** Median whole days from first sign-in to first reaction, over reps who reacted. */
  medianDaysToReaction: number | null;
  habitual: number;
  /** Median whole days from first sign-in to the day use became habitual, over reps who got there. */
  medianDaysToHabit: number | null;
  /** Per rep (in input order): days to first reaction and to habit (null: not yet). */
  perRep: { repId: string; daysToReaction: number | null; daysToHabit: number | null }[];
}

/** Days from first sign-in to first reaction and to habitual use. A reaction before the first sign-in counts as day 0. */
export function adoptionSpeed(reps: readonly RepWeeks[]): AdoptionSpeed {
  const perRep = reps.map((r) => {
    const habit = habitReachedOn(r.weeks);
    return {
      repId: r.repId,
      daysToReaction: r.firstSignIn && r.firstReaction ? Math.max(0, daysBetween(r.firstSignIn, r.firstReaction)) : null,
      daysToHabit: r.firstSignIn && habit ? Math.max(0, daysBetween(r.firstSignIn, habit)) : null,
    };
  });
  const signedIn = reps.filter((r) => r.firstSignIn);
  const toReaction = perRep.flatMap((p) => (p.daysToReaction === null ? [] : [p.daysToReaction]));
  const toHabit = perRep.flatMap((p) => (p.daysToHabit === null ? [] : [p.daysToHabit]));
  return { signedIn: signedIn.length, reacted: toReaction.length, medianDaysToReaction: median(toReaction), habitual: toHabit.length, medianDaysToHabit: median(toHabit), perRep };
}

export interface CohortRow {
  /** Monday of the week of first use. */
  cohort: string;
  reps: number;
  /** Per RETENTION_OFFSETS entry: reps active in week cohort + k (null: that week has not ended yet). */
  retained: (number | null)[];
}

/**
 * Retention by cohort: reps grouped by the week of their first activity; for
 * each offset k, how many had any active day in the calendar week k weeks
 * after the cohort's week. A week that has not ended by `asOf` is not counted.
 */
export function retentionCohorts(reps: readonly RepWeeks[], asOf: Date): CohortRow[] {
  const byCohort = new Map<string, RepWeeks[]>();
  for (const r of reps) {
    if (!r.firstActive) continue;
    const c = weekOf(r.firstActive);
    byCohort.set(c, [...(byCohort.get(c) ?? []), r]);
  }
  return [...byCohort.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cohort, members]) => ({
      cohort,
      reps: members.length,
      retained: RETENTION_OFFSETS.map((k) => {
        const week = addDays(cohort, 7 * k);
        if (Date.parse(`${addDays(week, 7)}T00:00:00Z`) > asOf.getTime()) return null;
        return members.filter((m) => m.weeks.some((w) => w.week === week && w.activeDays > 0)).length;
      }),
    }));
}

export interface NpsResult {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Percent promoters minus percent detractors, -100..100; null without answers. */
  nps: number | null;
  /** 95% interval (adjusted Wald: see npsInterval); null without answers. */
  interval: Interval | null;
}

/** Promoters score 9-10, passives 7-8, detractors 0-6. */
export function npsCategory(score: number): "promoter" | "passive" | "detractor" {
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

/**
 * NPS with a 95% interval. Each answer is +1 (promoter), 0 or -1; NPS is 100
 * times their mean and its variance (p + d - (p - d)^2) / n. The interval is
 * the adjusted Wald of Rocks (2016): 3/4 of an answer added to promoters and
 * to detractors and 3/2 to passives before computing the variance, which keeps
 * its coverage near 95% down to small samples and at extreme scores (checked by
 * simulation in tests/unit/metrics/engagement.test.ts). Clamped to -100..100.
 */
export function npsInterval(counts: { promoters: number; passives: number; detractors: number }, z = Z95): NpsResult {
  const { promoters, passives, detractors } = counts;
  const n = promoters + passives + detractors;
  if (n === 0) return { n, promoters, passives, detractors, nps: null, interval: null };
  const nps = (100 * (promoters - detractors)) / n;
  const na = n + 3;
  const p = (promoters + 0.75) / na;
  const d = (detractors + 0.75) / na;
  const centre = p - d;
  const se = Math.sqrt((p + d - centre * centre) / na);
  return {
    n,
    promoters,
    passives,
    detractors,
    nps,
    interval: { lower: Math.max(-100, 100 * (centre - z * se)), upper: Math.min(100, 100 * (centre + z * se)) },
  };
}

export function npsFromScores(scores: readonly number[]): NpsResult {
  const c = { promoters: 0, passives: 0, detractors: 0 };
  for (const s of scores) c[`${npsCategory(s)}s` as keyof typeof c]++;
  return npsInterval(c);
}

export interface CsatResult {
  n: number;
  /** Answers of 4 or 5 on the 1-5 scale. */
  satisfied: number;
  share: number | null;
  interval: Interval | null;
}

/** CSAT: the share of answers of 4 or 5 on a 1-5 scale, with its Wilson interval. */
export function csat(n: number, satisfied: number): CsatResult {
  return n === 0 ? { n, satisfied, share: null, interval: null } : { n, satisfied, share: satisfied / n, interval: wilson(satisfied, n) };
}

/**
 * Whether a pulse question is due: never before the user's first use is
 * PULSE_GRACE_DAYS old, and at most once per `everyWeeks` weeks since they last
 * answered or dismissed that question.
 */
export function pulseDue(opts: { now: Date; firstActiveAt: Date | null; lastAskedAt: Date | null; everyWeeks: number }): boolean {
  if (!opts.firstActiveAt) return false;
  if (opts.now.getTime() - opts.firstActiveAt.getTime() < PULSE_GRACE_DAYS * DAY_MS) return false;
  return !opts.lastAskedAt || opts.now.getTime() - opts.lastAskedAt.getTime() >= opts.everyWeeks * 7 * DAY_MS;
}
