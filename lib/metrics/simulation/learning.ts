// Does the engine learn, on what ships? Weekly rounds of fresh customers run
// through the REAL decision pipeline (lib/engine/pipeline.ts decideChunk +
// allocate: eligibility, consent, cool-downs, the global holdout, each
// action's control group, the per-rep daily and weekly contact caps) with the
// catalog passed in (the shipped demo catalog in sim:learning and its test).
// The hidden truth P(accept) depends on the segment AND an individual signal,
// and changes once (`changeAfterRound`). Before round 1 the engine has a
// history: `historyWeeks` weeks decided by the admin's priors alone (no
// exploration, as the catalog used to ship), under the same truth.
//
// Policies, each with its own learning state, meet the same customers and
// the same per-(customer, action) uniforms (common random numbers):
//   learned       the shipped engine: individual model, forgetting, bounded exploration;
//   segmentOnly   the same, with evidence grouped by segment only (no individual signal);
//   static        the admin's priors, never learning;
//   oracle        the pipeline's eligible candidates re-ranked by the true P(accept) and P(convert | accept).
// Acceptance of a round = mean TRUE P(accept) of the suggestions shown that
// round (the expected acceptance: lower variance than counting, and what the
// policy controls); outcomes the engine learns from are drawn from it.
import {
  acceptanceDrift,
  acceptanceEstimate,
  allocate,
  DRIFT_DISCOUNT,
  modelMetrics,
  populationStabilityIndex,
  shouldPromote,
  buildStatsTable,
  decayWeight,
  decideChunk,
  explainCandidate,
  featureKey,
  holdoutPeriod,
  inGlobalHoldout,
  seededRng,
  type ActionDefinition,
  type ScoredCandidate,
  type CustomerInput,
  type CustomerOutcome,
  type HistoryRecord,
  type Rng,
  type Signals,
  type StatsRow,
  type DriftThresholds,
  type StatsTable,
  type ModelMetrics,
} from "@/lib/engine";
import { DAY_MS } from "@/lib/engine/time";
import { logNormal } from "./random";

export const SIM_SEGMENTS = ["SMB", "MID_MARKET", "ENTERPRISE"] as const;
export type SimSegment = (typeof SIM_SEGMENTS)[number];
export const POLICIES = ["learned", "segmentOnly", "static", "oracle"] as const;
export type Policy = (typeof POLICIES)[number];

export type LearningSimOptions = {
  actions: readonly ActionDefinition[];
  seed: string;
  rounds: number;
  customersPerRound: number;
  /** The truth changes after this round (rounds are 1-based). */
  changeAfterRound: number;
  historyWeeks: number;
  reps: number;
  perRepDailyCap: number;
  weeklyContactCap: number;
  globalHoldoutPct: number;
  halfLifeDays: number | null;
  explorationShare: number;
  driftThresholds: DriftThresholds;
  /** Drift alarms retrain and shadow-evaluate a challenger (default true); false: forgetting alone. */
  driftRetrain?: boolean;
  /** Evaluate only these policies (default all). */
  policies?: readonly Policy[];
};

/** One drift alarm of a learning policy and what the shadow evaluation made of the retrained challenger. */
export type LifecycleEvent = {
  policy: Policy;
  round: number;
  /** "actionKey|segment". */
  actionKey: string;
  observed: number;
  predicted: number;
  z: number;
  champion: ModelMetrics | null;
  challenger: ModelMetrics | null;
  promoted: boolean;
};

export type RoundResult = { round: number; acceptance: Record<Policy, number>; shown: Record<Policy, number>; expectedValue: Record<Policy, number> };
export type LearningSimResult = {
  rounds: RoundResult[];
  historyTrials: number;
  lifecycle: LifecycleEvent[];
  /** Per round: PSI of the customers' feature keys against the history's. */
  psi: number[];
};

// ---------------------------------------------------------------- the truth

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * logit P(accept) = logit(base[action][segment]) + slope[action] × z(signal),
 * z a centred, scaled individual signal. Written so the admin's priors rank
 * wrongly in places, and so that within a segment the best action depends on
 * the customer: heavy web visitors take the discount, light ones do not.
 */
type Truth = { base: Record<string, Record<SimSegment, number>>; slope: Record<string, { signal: keyof Signals; centre: number; scale: number; slope: number }>; conversion: Record<string, number> };

const BEFORE: Truth = {
  base: {
    discount_offer: { SMB: 0.35, MID_MARKET: 0.25, ENTERPRISE: 0.05 },
    book_meeting: { SMB: 0.05, MID_MARKET: 0.35, ENTERPRISE: 0.3 },
    birthday_note: { SMB: 0.5, MID_MARKET: 0.45, ENTERPRISE: 0.3 },
    renewal_checkin: { SMB: 0.05, MID_MARKET: 0.12, ENTERPRISE: 0.5 },
    winback_call: { SMB: 0.3, MID_MARKET: 0.1, ENTERPRISE: 0.05 },
    cross_sell: { SMB: 0.1, MID_MARKET: 0.45, ENTERPRISE: 0.1 },
    support_followup: { SMB: 0.3, MID_MARKET: 0.2, ENTERPRISE: 0.35 },
  },
  slope: {
    discount_offer: { signal: "webVisitsLast7d", centre: 4, scale: 3, slope: 1.6 },
    book_meeting: { signal: "lifetimeValue", centre: 15_000, scale: 15_000, slope: 0.8 },
    cross_sell: { signal: "ordersLast90d", centre: 3, scale: 2, slope: 1.2 },
    winback_call: { signal: "daysSinceLastPurchase", centre: 150, scale: 80, slope: -0.9 },
    renewal_checkin: { signal: "emailClicksLast30d", centre: 2, scale: 2, slope: 0.9 },
  },
  conversion: { discount_offer: 0.35, book_meeting: 0.25, birthday_note: 0.1, renewal_checkin: 0.3, winback_call: 0.2, cross_sell: 0.3, support_followup: 0.15 },
};

/** After the change, each segment's favourite swaps: renewals stop landing in ENTERPRISE (meetings do), MID_MARKET tires of cross-sell (takes the discount), SMB of the discount (win-back calls land). */
const AFTER: Truth = {
  ...BEFORE,
  base: {
    ...BEFORE.base,
    discount_offer: { SMB: 0.08, MID_MARKET: 0.45, ENTERPRISE: 0.05 },
    book_meeting: { SMB: 0.05, MID_MARKET: 0.35, ENTERPRISE: 0.5 },
    renewal_checkin: { SMB: 0.05, MID_MARKET: 0.12, ENTERPRISE: 0.08 },
    winback_call: { SMB: 0.45, MID_MARKET: 0.1, ENTERPRISE: 0.05 },
    cross_sell: { SMB: 0.1, MID_MARKET: 0.1, ENTERPRISE: 0.1 },
  },
};

export function trueAcceptance(truth: Truth, actionKey: string, segment: string, signals: Signals): number {
  const base = truth.base[actionKey]?.[segment as SimSegment] ?? 0.1;
  const s = truth.slope[actionKey];
  let z = logit(base);
  if (s) {
    const raw = signals[s.signal];
    const v = typeof raw === "number" ? raw : s.centre + 2 * s.scale;
    z += s.slope * clamp((v - s.centre) / s.scale, -2, 2);
  }
  return clamp(sigmoid(z), 0.01, 0.95);
}

export function truthAt(round: number, changeAfterRound: number): Truth {
  return round > changeAfterRound ? AFTER : BEFORE;
}

// ---------------------------------------------------------------- customers

type SimCustomer = CustomerInput & { segment: SimSegment };

function randomSignals(rng: Rng, segment: SimSegment): Signals {
  const big = segment === "ENTERPRISE" ? 3 : segment === "MID_MARKET" ? 1.5 : 1;
  const maybe = (p: number, v: () => number) => (rng() < p ? v() : null);
  const ltv = Math.round(logNormal(rng, Math.log(6_000 * big), 1));
  return {
    daysSinceLastContact: maybe(0.9, () => Math.floor(rng() * 150)),
    daysUntilBirthday: maybe(0.7, () => Math.floor(rng() * 365)),
    daysUntilRenewal: maybe(0.6, () => Math.floor(rng() * 240)),
    daysSinceLastPurchase: maybe(0.9, () => Math.floor(rng() * 300)),
    ordersLast90d: Math.floor(rng() * rng() * 8),
    spendLast90d: 0,
    lifetimeValue: ltv,
    openTickets: rng() < 0.2 ? 1 + Math.floor(rng() * 2) : 0,
    webVisitsLast7d: Math.floor(rng() * rng() * 12),
    emailClicksLast30d: Math.floor(rng() * rng() * 6),
    tenureDays: 30 + Math.floor(rng() * 2000),
    segment,
  };
}

function customersForRound(rng: Rng, round: number, n: number, reps: number, actions: readonly ActionDefinition[], now: Date, holdoutPct: number): SimCustomer[] {
  const out: SimCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const segment = SIM_SEGMENTS[i % SIM_SEGMENTS.length]!;
    const id = `r${round}-c${i}`;
    const signals = randomSignals(rng, segment);
    // A third had a suggestion in the last two months (cool-downs bite).
    const history: HistoryRecord[] = [];
    if (rng() < 0.33 && actions.length > 0) {
      const a = actions[Math.floor(rng() * actions.length)]!;
      const createdAt = new Date(now.getTime() - (1 + Math.floor(rng() * 60)) * DAY_MS);
      history.push({ id: `${id}-h`, actionKey: a.key, createdAt, status: "DISMISSED", decidedAt: new Date(createdAt.getTime() + DAY_MS), isControl: false, score: 0 });
    }
    out.push({
      segment,
      customer: {
        id,
        ownerId: `rep-${i % reps}`,
        name: `Customer ${id}`,
        company: "Sim Co",
        segment,
        birthday: null,
        renewalDate: null,
        lifetimeValue: signals.lifetimeValue,
        createdAt: new Date(now.getTime() - signals.tenureDays * DAY_MS),
        consent: { SERVICE: true, MARKETING: !(rng() < 0.05), PROFILING: true },
      },
      signals,
      history,
      heldOutUntil: inGlobalHoldout(id, "sim-learning", holdoutPct) ? new Date(now.getTime() + 7 * DAY_MS) : null,
    });
  }
  return out;
}

// ---------------------------------------------------------------- evidence

type Evidence = { at: Date; row: StatsRow };

/** The statistics table as the SQL builds it: every resolved outcome weighted by its age. */
function tableAt(evidence: readonly Evidence[], now: Date, halfLifeDays: number | null, individual: boolean, driftSince: ReadonlyMap<string, Date> = new Map()) {
  const rows = new Map<string, StatsRow>();
  for (const { at, row } of evidence) {
    const since = driftSince.get(`${row.actionKey}|${row.segment}`);
    const w = decayWeight((now.getTime() - at.getTime()) / DAY_MS, halfLifeDays) * (since && at < since ? DRIFT_DISCOUNT : 1);
    const fk = individual ? (row.featureKey ?? `${row.segment}|`) : undefined;
    const key = `${row.actionKey}|${row.segment}|${fk ?? ""}`;
    const r = rows.get(key) ?? { actionKey: row.actionKey, segment: row.segment, featureKey: fk, shown: 0, accepted: 0, converted: 0 };
    r.shown += w * row.shown;
    r.accepted += w * row.accepted;
    r.converted += w * row.converted;
    rows.set(key, r);
  }
  return buildStatsTable([...rows.values()]);
}

/** Aggregates evidence per (action, segment, featureKey) per round, so tables stay cheap to rebuild. */
function record(evidence: Evidence[], at: Date, c: ScoredCandidate, segment: string, accepted: boolean, converted: boolean, withFeatures: boolean) {
  evidence.push({ at, row: { actionKey: c.actionKey, segment, featureKey: withFeatures ? c.featureKey : null, shown: 1, accepted: accepted ? 1 : 0, converted: converted ? 1 : 0 } });
}

function compact(evidence: Evidence[]): Evidence[] {
  const by = new Map<string, Evidence>();
  for (const e of evidence) {
    const key = `${e.at.getTime()}|${e.row.actionKey}|${e.row.segment}|${e.row.featureKey ?? ""}`;
    const prev = by.get(key);
    if (!prev) by.set(key, { at: e.at, row: { ...e.row } });
    else {
      prev.row.shown += e.row.shown;
      prev.row.accepted += e.row.accepted;
      prev.row.converted += e.row.converted;
    }
  }
  return [...by.values()];
}

// ---------------------------------------------------------------- one batch

function runBatch(
  policy: Policy,
  customers: readonly SimCustomer[],
  opts: LearningSimOptions,
  stats: StatsTable,
  now: Date,
  rng: Rng,
  truth: Truth,
): ScoredCandidate[] {
  const learning = policy === "learned" || policy === "segmentOnly";
  const chunk = decideChunk({
    customers,
    actions: opts.actions,
    stats,
    now,
    rng,
    period: holdoutPeriod(now),
    modelVersion: `sim-${policy}`,
    mode: "batch",
    explore: learning,
    explorationShare: opts.explorationShare,
  });
  let outcomes: CustomerOutcome[] = chunk.outcomes;
  if (policy === "oracle") {
    const segmentOf = new Map(customers.map((c) => [c.customer.id, c]));
    outcomes = chunk.outcomes.map((o) => {
      if (o.decision.kind !== "propose") return o;
      const c = segmentOf.get(o.customerId)!;
      const rescored = o.evaluation.candidates.map((cand) => {
        const p = trueAcceptance(truth, cand.actionKey, c.segment, c.signals);
        const conv = truth.conversion[cand.actionKey] ?? 0.2;
        return { ...cand, score: p * conv * cand.businessValue * cand.contextWeight * cand.lever };
      });
      rescored.sort((a, b) => b.score - a.score || a.actionKey.localeCompare(b.actionKey));
      const top = rescored[0]!;
      const action = opts.actions.find((a) => a.key === top.actionKey)!;
      return { ...o, decision: { ...o.decision, candidate: top, explain: () => explainCandidate(top, action, c.customer, c.signals) } };
    });
  }
  const allocation = allocate(outcomes, { perRepDailyCap: opts.perRepDailyCap, weeklyContactCap: opts.weeklyContactCap, openByRep: new Map() });
  return allocation.create;
}

/** Per-(customer, action) uniforms shared by every policy: the same customer reacts the same way to the same action. */
function uniform(seed: string, customerId: string, actionKey: string, what: string): number {
  return seededRng(`${seed}|${customerId}|${actionKey}|${what}`)();
}

export function simulateLearning(opts: LearningSimOptions): LearningSimResult {
  const policies = opts.policies ?? POLICIES;
  const start = new Date("2027-01-04T06:00:00Z");
  const customerRng = seededRng(`${opts.seed}|customers`);
  const evidence: Record<Policy, Evidence[]> = { learned: [], segmentOnly: [], static: [], oracle: [] };

  // The history: weekly batches under the admin's priors, no exploration, the first truth.
  // Recorded without feature keys, as suggestions made before this release were.
  const history: Evidence[] = [];
  for (let w = opts.historyWeeks; w >= 1; w--) {
    const now = new Date(start.getTime() - w * 7 * DAY_MS);
    const customers = customersForRound(customerRng, -w, opts.customersPerRound, opts.reps, opts.actions, now, opts.globalHoldoutPct);
    const bySegment = new Map(customers.map((c) => [c.customer.id, c]));
    for (const cand of runBatch("static", customers, opts, new Map(), now, seededRng(`${opts.seed}|history|${w}`), BEFORE)) {
      const c = bySegment.get(cand.customerId)!;
      const p = trueAcceptance(BEFORE, cand.actionKey, c.segment, c.signals);
      const accepted = uniform(opts.seed, cand.customerId, cand.actionKey, "accept") < p;
      const converted = accepted && uniform(opts.seed, cand.customerId, cand.actionKey, "convert") < (BEFORE.conversion[cand.actionKey] ?? 0.2);
      record(history, now, cand, c.segment, accepted, converted, false);
    }
  }
  const compactHistory = compact(history);
  evidence.learned = [...compactHistory];
  evidence.segmentOnly = [...compactHistory];

  const rounds: RoundResult[] = [];
  const lifecycle: LifecycleEvent[] = [];
  const psi: number[] = [];
  const driftSince: Record<Policy, Map<string, Date>> = { learned: new Map(), segmentOnly: new Map(), static: new Map(), oracle: new Map() };
  const byKey = new Map(opts.actions.map((a) => [a.key, a]));
  let reference: Map<string, number>[] | null = null;
  for (let round = 1; round <= opts.rounds; round++) {
    const now = new Date(start.getTime() + (round - 1) * 7 * DAY_MS);
    const truth = truthAt(round, opts.changeAfterRound);
    const customers = customersForRound(customerRng, round, opts.customersPerRound, opts.reps, opts.actions, now, opts.globalHoldoutPct);
    const byId = new Map(customers.map((c) => [c.customer.id, c]));
    // PSI of each signal's buckets (and the segment) against round 1's customers; the largest is reported.
    const buckets = signalBuckets(customers);
    reference ??= buckets;
    psi.push(Math.max(...buckets.map((b, i) => populationStabilityIndex(reference![i]!, b))));
    const result: RoundResult = { round, acceptance: zero(), shown: zero(), expectedValue: zero() };
    for (const policy of policies) {
      const learning = policy === "learned" || policy === "segmentOnly";
      const individual = policy === "learned";
      const stats: StatsTable = learning ? tableAt(evidence[policy], now, opts.halfLifeDays, individual, driftSince[policy]) : new Map();
      const created = runBatch(policy, customers, opts, stats, now, seededRng(`${opts.seed}|${policy}|${round}`), truth);
      let sumP = 0;
      let sumEv = 0;
      const fresh: Evidence[] = [];
      const outcomes: { cand: ScoredCandidate; segment: string; accepted: boolean }[] = [];
      for (const cand of created) {
        const c = byId.get(cand.customerId)!;
        const p = trueAcceptance(truth, cand.actionKey, c.segment, c.signals);
        const conv = truth.conversion[cand.actionKey] ?? 0.2;
        sumP += p;
        sumEv += p * conv * cand.businessValue;
        const accepted = uniform(opts.seed, cand.customerId, cand.actionKey, "accept") < p;
        const converted = accepted && uniform(opts.seed, cand.customerId, cand.actionKey, "convert") < conv;
        record(fresh, now, cand, c.segment, accepted, converted, individual);
        outcomes.push({ cand, segment: c.segment, accepted });
      }
      if (learning && opts.driftRetrain !== false) {
        // The drift monitor on this round's outcomes; for each alarm, a
        // challenger retrained with the action's older evidence discounted,
        // shadow-evaluated against the champion on this round (neither was
        // trained on it), promoted when its log loss is lower.
        // Windows per action and segment (the key is "action|segment").
        const windows = new Map<string, { actionKey: string; shown: number; accepted: number; predictedSum: number }>();
        for (const o of outcomes) {
          const key = `${o.cand.actionKey}|${o.segment}`;
          const w = windows.get(key) ?? { actionKey: key, shown: 0, accepted: 0, predictedSum: 0 };
          w.shown++;
          if (o.accepted) w.accepted++;
          w.predictedSum += o.cand.propensity;
          windows.set(key, w);
        }
        for (const d of acceptanceDrift([...windows.values()], opts.driftThresholds)) {
          if (!d.fired) continue;
          const [actionKey = "", segment = ""] = d.actionKey.split("|");
          const action = byKey.get(actionKey)!;
          const challengerTable = tableAt(evidence[policy], now, opts.halfLifeDays, individual, new Map([...driftSince[policy], [d.actionKey, now]]));
          const mine = outcomes.filter((o) => o.cand.actionKey === actionKey && o.segment === segment);
          const champion = modelMetrics(mine.map((o) => ({ predicted: o.cand.propensity, accepted: o.accepted })));
          const challenger = modelMetrics(
            mine.map((o) => ({ predicted: acceptanceEstimate(challengerTable, actionKey, action.prior, o.segment, o.cand.featureKey).mean, accepted: o.accepted })),
          );
          const promoted = shouldPromote(champion, challenger);
          if (promoted) driftSince[policy].set(d.actionKey, now);
          lifecycle.push({ policy, round, actionKey: d.actionKey, observed: d.observed, predicted: d.predicted, z: d.z, champion, challenger, promoted });
        }
      }
      evidence[policy].push(...compact(fresh));
      result.shown[policy] = created.length;
      result.acceptance[policy] = created.length ? sumP / created.length : 0;
      result.expectedValue[policy] = created.length ? sumEv / created.length : 0;
    }
    rounds.push(result);
  }
  return { rounds, historyTrials: history.length, lifecycle, psi };
}

/** Per feature position (segment, then each PROPENSITY_SIGNALS bucket digit): counts of each value. */
function signalBuckets(customers: readonly SimCustomer[]): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (const c of customers) {
    const [segment = "", digits = ""] = featureKey(c.signals).split("|");
    [segment, ...digits].forEach((v, i) => {
      const m = (out[i] ??= new Map());
      m.set(v, (m.get(v) ?? 0) + 1);
    });
  }
  return out;
}

function zero(): Record<Policy, number> {
  return { learned: 0, segmentOnly: 0, static: 0, oracle: 0 };
}

/** The first round at or after `from` whose learned/oracle acceptance ratio reaches `target`, or null. */
export function roundReaching(result: LearningSimResult, target: number, from = 1): number | null {
  for (const r of result.rounds) if (r.round >= from && r.acceptance.learned / r.acceptance.oracle >= target) return r.round;
  return null;
}
