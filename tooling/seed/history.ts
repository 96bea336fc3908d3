// Recommendation history: one batch a week for six months, decided by the
// real engine (signals, rules, consent, cool-down, scoring, reasons, message,
// holdout, per-rep caps) and learning from the reactions so far. How reps and
// customers react is the seed's own behaviour model: hidden "true" acceptance
// rates by action, segment and rep that the learning loop should discover,
// and a real purchase uplift after an acted-on suggestion.
import {
  buildQueues,
  buildStatsTable,
  compareCandidates,
  decisionLog,
  deriveSignals,
  evaluateActions,
  explainCandidate,
  type Evaluation,
  holdoutDraw,
  inGlobalHoldout,
  seededDrawSalt,
  type ActionDefinition,
  type Candidate,
  type StatsRow,
} from "@/lib/engine";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { DismissReason, EventType, RecommendationStatus } from "@/lib/generated/prisma/enums";
import { DEMO_CATALOG, catalogDefinitions, type ActionKey, type CatalogEntry, type Segment } from "./catalog";
import { addEvent, customerAt, eventsAsOf } from "./customers";
import { REPS, ownerAt, type RepSpec } from "./people";
import type { Rng } from "./random";
import {
  DAY_MS,
  HISTORY_DAYS,
  HOUR_MS,
  MINUTE_MS,
  clamp,
  dayStart,
  round,
  timeOnDay,
  toWorkingDay,
  type Cust,
  type World,
} from "./world";

/** Purchases this long after a suggestion count towards its conversion (as in lib/data's ATTRIBUTION_WINDOW_DAYS). */
const ATTRIBUTION_DAYS = 14;

/** The "truth" the learning loop should discover: acceptance given shown, by action... */
const TRUE_ACCEPT: Record<ActionKey, number> = {
  discount_offer: 0.2,
  book_meeting: 0.34,
  birthday_note: 0.62,
  renewal_checkin: 0.5,
  winback_call: 0.24,
  cross_sell: 0.28,
  support_followup: 0.58,
};

/** ...and by segment. */
const SEGMENT_ACCEPT: Record<Segment, Partial<Record<ActionKey, number>> & { default: number }> = {
  SMB: { default: 0.92, discount_offer: 1.35, winback_call: 1.15, book_meeting: 0.7 },
  MID_MARKET: { default: 1.0, cross_sell: 1.1 },
  ENTERPRISE: { default: 1.05, discount_offer: 0.5, book_meeting: 1.3, cross_sell: 1.45, renewal_checkin: 1.2 },
};

/** Extra chance of a purchase within 14 days after an accepted/done recommendation (the real uplift). */
const ACCEPTED_PURCHASE_UPLIFT = 0.09;

const DISMISS_REASONS: Record<ActionKey | "default", readonly (readonly [DismissReason, number])[]> = {
  default: [["NOT_RELEVANT", 30], ["ALREADY_DONE", 20], ["BAD_TIMING", 25], ["CUSTOMER_DECLINED", 15], ["OTHER", 10]],
  discount_offer: [["CUSTOMER_DECLINED", 35], ["NOT_RELEVANT", 30], ["BAD_TIMING", 20], ["ALREADY_DONE", 5], ["OTHER", 10]],
  birthday_note: [["ALREADY_DONE", 45], ["NOT_RELEVANT", 30], ["BAD_TIMING", 10], ["OTHER", 15]],
  renewal_checkin: [["ALREADY_DONE", 40], ["BAD_TIMING", 30], ["NOT_RELEVANT", 15], ["OTHER", 15]],
  winback_call: [["CUSTOMER_DECLINED", 30], ["NOT_RELEVANT", 30], ["BAD_TIMING", 25], ["OTHER", 15]],
  cross_sell: [["NOT_RELEVANT", 40], ["CUSTOMER_DECLINED", 30], ["BAD_TIMING", 20], ["OTHER", 10]],
  support_followup: [["ALREADY_DONE", 55], ["NOT_RELEVANT", 25], ["OTHER", 20]],
  book_meeting: [["BAD_TIMING", 35], ["CUSTOMER_DECLINED", 25], ["NOT_RELEVANT", 25], ["OTHER", 15]],
};

const DISMISS_NOTES = [
  "Customer is mid-migration, revisit next quarter",
  "Handled by their account manager",
  "Waiting on legal review",
  "Duplicate of a task already in the CRM",
  "Spoke to them last week by phone",
] as const;

export type RecRow = Prisma.RecommendationCreateManyInput & { id: string; createdAt: Date; status: RecommendationStatus };
export type FeedbackRow = Prisma.FeedbackCreateManyInput & { createdAt: Date };

interface RecOutcome {
  rec: RecRow;
  key: ActionKey;
  customer: Cust;
  shown: boolean;
  positive: boolean;
  createdAt: number;
  decidedAt: number | null;
}

export interface HistoryResult {
  recs: RecRow[];
  feedback: FeedbackRow[];
  outcomes: RecOutcome[];
  /** Global holdout draws (quarters) the history ran under, and each customer's arm in each. */
  draws: SeedDraw[];
  arms: { drawKey: string; customerId: string; heldOut: boolean }[];
}

export interface SeedDraw {
  key: string;
  startsAt: Date;
  endsAt: Date;
  pct: number;
  salt: string;
}

export interface HoldoutOptions {
  /** The seed the final batch is run with (its draw salt is derived from it the same way). */
  seed: string;
  /** Global holdout share, percent (the program settings'). */
  pct: number;
}

const ENTRIES: ReadonlyMap<string, CatalogEntry> = new Map(DEMO_CATALOG.map((e) => [e.key, e]));

/** The demo catalog as the engine's batch loads it, with this world's ids. */
function actionDefinitions(w: World): ActionDefinition[] {
  return catalogDefinitions((key) => w.actionIds.get(key) ?? "");
}

/**
 * The hidden truth: P(accept | shown) for this action, segment and rep. Urgent
 * cases (the engine's context weight, 1-2) are a little likelier to be acted on.
 */
function trueAcceptRate(key: ActionKey, segment: Segment, rep: RepSpec, contextWeight: number): number {
  const seg = SEGMENT_ACCEPT[segment];
  return clamp(TRUE_ACCEPT[key] * (seg[key] ?? seg.default) * rep.skill * (Math.sqrt(contextWeight) / 1.2), 0.02, 0.92);
}

function purchasedWithin(c: Cust, from: number, days: number): boolean {
  const to = from + days * DAY_MS;
  return c.events.some((e) => e.type === "PURCHASE" && e.occurredAt.getTime() > from && e.occurredAt.getTime() <= to);
}

export function simulateHistory(w: World, holdout: HoldoutOptions): HistoryResult {
  const rng = w.rng.fork("history");
  const explore = w.rng.fork("explore");
  const logRng = w.rng.fork("decision-log");
  const T = w.today;
  const actions = actionDefinitions(w);
  const byId = new Map(w.custs.map((c) => [c.id, c]));
  const recs: RecRow[] = [];
  const feedback: FeedbackRow[] = [];
  const outcomes: RecOutcome[] = [];
  /** What the model has learned so far, per action and segment. */
  const learned = new Map<string, StatsRow>();
  // The global holdout, as lib/services/generation.ts runs it: quarterly draws,
  // each customer's arm stored the first time a batch meets them in a draw.
  const draws = new Map<string, SeedDraw>();
  const arms = new Map<string, { drawKey: string; customerId: string; heldOut: boolean }>();
  /** When each customer's latest control-group suggestion was made: it holds their slot for the attribution window. */
  const lastControlAt = new Map<string, number>();

  for (let wk = Math.floor(HISTORY_DAYS / 7); wk >= 1; wk--) {
    const genDay = T - wk * 7 * DAY_MS;
    const genAt = genDay + 6 * HOUR_MS;
    const now = new Date(genAt);
    const genDayIdx = Math.round((genDay - w.historyStart) / DAY_MS);
    const stats = buildStatsTable([...learned.values()]);

    const d = holdoutDraw(now, "QUARTER");
    let draw = draws.get(d.key);
    if (!draw) draws.set(d.key, (draw = { ...d, pct: holdout.pct, salt: seededDrawSalt(holdout.seed, d.key) }));

    // Each customer's best action, grouped by the rep who owned them then.
    const byRep = new Map<string, Map<string, Candidate[]>>();
    const evaluations = new Map<string, Evaluation>();
    for (const c of w.custs) {
      if (c.createdAt.getTime() > genAt) continue;
      const armKey = `${draw.key}|${c.id}`;
      let arm = arms.get(armKey);
      if (!arm) arms.set(armKey, (arm = { drawKey: draw.key, customerId: c.id, heldOut: inGlobalHoldout(c.id, draw.salt, draw.pct) }));
      if (arm.heldOut) continue;
      if (genAt - (lastControlAt.get(c.id) ?? -Infinity) < ATTRIBUTION_DAYS * DAY_MS) continue;
      const customer = customerAt(c, genAt, w.repIds[ownerAt(c, genAt, T)] as string);
      const signals = deriveSignals(customer, eventsAsOf(c.events, genAt), now);
      const evaluation = evaluateActions({ customer, signals, actions, history: c.recHistory, stats, now, rng: () => explore.next() });
      const best = evaluation.candidates.slice(0, 1).map((b) => explainCandidate(b, actions.find((a) => a.key === b.actionKey)!, customer, signals));
      if (best.length === 0) continue;
      evaluations.set(c.id, evaluation);
      const mine = byRep.get(customer.ownerId) ?? new Map<string, Candidate[]>();
      mine.set(c.id, best);
      byRep.set(customer.ownerId, mine);
    }

    const weekOutcomes: RecOutcome[] = [];
    REPS.forEach((rep, repIdx) => {
      const repId = w.repIds[repIdx] as string;
      const mine = byRep.get(repId);
      const queue = mine && buildQueues(mine, { perRepDailyCap: rep.cap }).get(repId);
      if (!queue) return;
      for (const cand of [...queue.visible, ...queue.control].sort(compareCandidates)) {
        const c = byId.get(cand.customerId);
        if (!c) throw new Error(`Unknown customer ${cand.customerId}`);
        const o = simulateRecommendation(w, rng, cand, c, repIdx, genAt, genDayIdx, feedback);
        // Logged as the live batch logs it (lib/engine/pipeline.ts decisionLog), for off-policy estimates.
        const evaluation = evaluations.get(c.id);
        if (evaluation) {
          const log = decisionLog(evaluation, cand, () => logRng.next());
          o.rec.pickProbability = log.pickProbability;
          o.rec.candidates = log.candidates;
        }
        recs.push(o.rec);
        outcomes.push(o);
        weekOutcomes.push(o);
        if (o.rec.isControl) lastControlAt.set(c.id, genAt);
        // Final statuses: one still open today blocks the pair for good, as the database's unique index requires.
        c.recHistory.push({ actionKey: o.key, createdAt: o.rec.createdAt, status: o.rec.status, decidedAt: o.decidedAt === null ? null : new Date(o.decidedAt) });
      }
    });

    // The model learns from this week's reactions before the next batch.
    for (const o of weekOutcomes) {
      if (!o.shown || o.rec.isControl) continue;
      const k = `${o.key}|${o.customer.segment}`;
      const row = learned.get(k) ?? { actionKey: o.key, segment: o.customer.segment, shown: 0, accepted: 0, converted: 0 };
      row.shown++;
      if (o.positive) {
        row.accepted++;
        if (purchasedWithin(o.customer, o.decidedAt ?? o.createdAt, ATTRIBUTION_DAYS)) row.converted++;
      }
      learned.set(k, row);
    }
  }
  return { recs, feedback, outcomes, draws: [...draws.values()], arms: [...arms.values()] };
}

/** Plays out one suggestion: shown on the rep's next active day (unless control), then accepted, done, dismissed, snoozed or left. */
function simulateRecommendation(
  w: World,
  rng: Rng,
  cand: Candidate,
  c: Cust,
  repIdx: number,
  genAt: number,
  genDayIdx: number,
  feedback: FeedbackRow[],
): RecOutcome {
  const T = w.today;
  const entry = ENTRIES.get(cand.actionKey);
  if (!entry) throw new Error(`Unknown action key ${cand.actionKey}`);
  const key = entry.key;
  const rep = REPS[repIdx] as RepSpec;
  // Nothing the rep does happens after they stopped using Nudge or left.
  const repEnd = T - (rep.stoppedDaysAgo ?? rep.deactivatedDaysAgo ?? 0) * DAY_MS;
  const id = w.ids.uuid();
  const isControl = cand.isControl;
  let expiresAt = cand.expiresAt.getTime();
  const fb = (kind: FeedbackRow["kind"], previousStatus: RecommendationStatus, at: number, extra?: Partial<FeedbackRow>) =>
    feedback.push({ recommendationId: id, userId: cand.repId, kind, previousStatus, createdAt: new Date(at), ...extra });

  let status: RecommendationStatus = expiresAt <= T ? "EXPIRED" : "PENDING";
  let shownAt: number | null = null;
  let decidedAt: number | null = null;
  let snoozedUntil: number | null = null;
  let positive = false;
  let positiveAt = 0;

  if (!isControl) {
    const activity = w.activeDays[repIdx] ?? [];
    for (let d = genDayIdx; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      if (day >= expiresAt) break;
      if (activity[d]) {
        const at = timeOnDay(rng, day, 8, 17);
        if (at > genAt && at < expiresAt) shownAt = at;
        break;
      }
    }
  }

  if (shownAt !== null) {
    const p = trueAcceptRate(key, c.segment, rep, cand.contextWeight);
    const u = rng.next();
    if (u < p) {
      positive = true;
      if (rng.chance(0.65)) {
        const acceptAt = shownAt + rng.int(2, 180) * MINUTE_MS;
        fb("ACCEPT", "PENDING", acceptAt);
        let doneAt = rng.chance(0.4)
          ? acceptAt + rng.int(10, 240) * MINUTE_MS
          : timeOnDay(rng, toWorkingDay(dayStart(acceptAt) + rng.int(1, rng.chance(0.2) ? 12 : 3) * DAY_MS), 8, 18);
        if (doneAt >= repEnd) doneAt = acceptAt + rng.int(10, 240) * MINUTE_MS;
        if (doneAt < T && doneAt > acceptAt) {
          fb("DONE", "ACCEPTED", doneAt);
          status = "DONE";
          decidedAt = doneAt;
        } else {
          status = "ACCEPTED";
          decidedAt = acceptAt;
        }
        positiveAt = Math.min(doneAt, T - HOUR_MS);
      } else {
        const doneAt = shownAt + rng.int(5, 240) * MINUTE_MS;
        fb("DONE", "PENDING", doneAt);
        status = "DONE";
        decidedAt = doneAt;
        positiveAt = doneAt;
      }
    } else {
      const rest = (u - p) / (1 - p);
      if (rest < 0.55) {
        const at = shownAt + rng.int(1, 120) * MINUTE_MS;
        const reason = rng.weighted(DISMISS_REASONS[key] ?? DISMISS_REASONS.default);
        fb("DISMISS", "PENDING", at, { dismissReason: reason, note: reason === "OTHER" ? rng.pick(DISMISS_NOTES) : null });
        status = "DISMISSED";
        decidedAt = at;
      } else if (rest < 0.67) {
        const at = shownAt + rng.int(1, 60) * MINUTE_MS;
        const until = toWorkingDay(dayStart(at) + rng.int(2, 7) * DAY_MS) + 8 * HOUR_MS;
        fb("SNOOZE", "PENDING", at, { snoozeUntil: new Date(until) });
        decidedAt = at;
        // A snooze keeps the suggestion alive past its original expiry.
        expiresAt = Math.max(expiresAt, until + 3 * DAY_MS);
        if (until >= T) {
          status = "SNOOZED";
          snoozedUntil = until;
        } else if (rng.chance(0.5)) {
          const doneAt = until + rng.int(30, 300) * MINUTE_MS;
          if (doneAt < T && doneAt < repEnd) {
            fb("DONE", "SNOOZED", doneAt);
            status = "DONE";
            decidedAt = doneAt;
            positive = true;
            positiveAt = doneAt;
            snoozedUntil = until;
          } else {
            status = expiresAt <= T ? "EXPIRED" : "SNOOZED";
            snoozedUntil = until;
          }
        } else {
          status = expiresAt <= T ? "EXPIRED" : "SNOOZED";
          snoozedUntil = until;
        }
      } else {
        status = expiresAt <= T ? "EXPIRED" : "PENDING";
      }
    }
  }

  if (positive && positiveAt < T) {
    // Acting on it leaves a trace: a call, meeting or email, and sometimes an order.
    const contact: EventType =
      key === "book_meeting" ? "MEETING" : key === "winback_call" || key === "renewal_checkin" ? "CALL" : "EMAIL_SENT";
    const contactAt = key === "book_meeting" ? timeOnDay(rng, toWorkingDay(dayStart(positiveAt) + rng.int(2, 8) * DAY_MS), 9, 17) : positiveAt + rng.int(1, 30) * MINUTE_MS;
    const silent = c.silentFrom !== null && contactAt >= c.silentFrom;
    if (contactAt < T && !silent) addEvent(w, rng, c, contact, contactAt, { via: "nudge" });
    if (rng.chance(ACCEPTED_PURCHASE_UPLIFT)) {
      const buyAt = rng.float(positiveAt + 0.25 * DAY_MS, Math.max(positiveAt + 0.5 * DAY_MS, genAt + 13.5 * DAY_MS));
      if (buyAt < T && (c.silentFrom === null || buyAt < c.silentFrom)) addEvent(w, rng, c, "PURCHASE", Math.floor(buyAt));
    }
  }

  const rec: RecRow = {
    id,
    customerId: cand.customerId,
    actionTypeId: cand.actionId,
    actionTypeVersion: cand.version,
    repId: cand.repId,
    score: round(cand.score, 4),
    propensity: round(cand.propensity, 4),
    expectedValue: round(cand.expectedValue, 2),
    message: cand.message,
    reasons: cand.reasons,
    status,
    isControl,
    modelVersion: cand.modelVersion,
    createdAt: new Date(genAt),
    expiresAt: new Date(expiresAt),
    shownAt: shownAt === null ? null : new Date(shownAt),
    snoozedUntil: snoozedUntil === null ? null : new Date(snoozedUntil),
    decidedAt: decidedAt === null ? null : new Date(decidedAt),
  };
  return { rec, key, customer: c, shown: shownAt !== null, positive, createdAt: genAt, decidedAt };
}

/** Share of matured suggestions followed by a purchase within 14 days of creation: acted-on vs control. */
export function conversionSummary(outcomes: readonly RecOutcome[], today: number) {
  const rate = (list: readonly RecOutcome[]) => {
    const hit = list.filter((o) => purchasedWithin(o.customer, o.createdAt, ATTRIBUTION_DAYS)).length;
    return { n: list.length, rate: list.length ? round(hit / list.length, 4) : 0 };
  };
  const matured = outcomes.filter((o) => o.createdAt + ATTRIBUTION_DAYS * DAY_MS <= today);
  const accepted = rate(matured.filter((o) => !o.rec.isControl && o.positive));
  const control = rate(matured.filter((o) => o.rec.isControl));
  return { accepted: accepted.rate, control: control.rate, acceptedN: accepted.n, controlN: control.n };
}
