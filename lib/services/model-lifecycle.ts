import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { db, transaction, type Tx } from "@/lib/data/db";
import { loadActionDefinitions, loadStats, type Client } from "@/lib/data/decisions";
import { loadProgramSettings, type ProgramSettings } from "@/lib/data/holdout";
import {
  acceptanceWindows,
  activeVersionHeader,
  alertRaisedSince,
  enqueueWebhookEvent,
  featureKeyCounts,
  findVersion,
  findVersionByStatus,
  insertAlert,
  insertDriftCheck,
  insertVersion,
  latestTrainedAt,
  linkAlertsToRetrain,
  oldestResolved,
  resolvedOutcomes,
  updateVersion,
  versionLabel,
  versionParameters,
  type AlertRow,
  type ModelVersionRow,
} from "@/lib/data/model-versions";
import { DomainError } from "@/lib/domain/errors";
import {
  acceptanceDrift,
  acceptanceEstimate,
  ALL_SEGMENTS,
  betaMean,
  acceptancePosterior,
  estimateKey,
  freezeModel,
  modelMetrics,
  populationStabilityIndex,
  PROPENSITY_SIGNALS,
  shouldPromote,
  thawModel,
  type ActionDefinition,
  type BetaParams,
  type DriftDiscount,
  type DriftThresholds,
  type FrozenModel,
  type ModelMetrics,
  type StatsTable,
} from "@/lib/engine";
import type { Prisma } from "@/lib/generated/prisma/client";

// The model lifecycle (README "Model lifecycle"). A model version is a frozen
// fit: each action's propensity model and the segment statistics, trained on
// the age-weighted outcomes up to its training time. The engine scores with
// the ACTIVE version (loaded once per batch or re-score). A scheduled tick
// (lib/services/model-worker.ts) runs the drift monitor, judges the SHADOW
// version against the active one on outcomes neither was trained on, and
// trains a new candidate when the last one is older than the retrain interval
// or a drift alert asks for it. Admins may roll back to any earlier version.

const DAY_MS = 86_400_000;
/** The drift monitor looks at the suggestions resolved in the last this many days. */
export const DRIFT_WINDOW_DAYS = 7;
/** PSI reference: the suggestions of the active version's last this many training days (ending where the recent window starts, at the latest). */
export const PSI_REFERENCE_DAYS = 28;
/** PSI is only alerted on when both the reference and the recent window hold at least this many suggestions. */
export const PSI_MIN_COUNT = 100;
/** An alert for the same signal is not repeated within this many hours. */
export const ALERT_REPEAT_HOURS = 24;
/** A shadow version is judged once this many of its outcomes are resolved... */
export const SHADOW_MIN_OUTCOMES = 50;
/** ...and retired unjudged after this many days without them, so retraining goes on. */
export const SHADOW_MAX_DAYS = 14;
/** A new candidate is trained when the newest version is older than this (also after a drift alert). */
export const DEFAULT_RETRAIN_HOURS = 24;

export type ModelInUse = { id: string; label: string; table: StatsTable };

// Thawed versions by id: a version never changes once stored.
const thawed = new Map<string, StatsTable>();

/** The active version the engine scores with (one small read; parameters parsed once per process), or null when none is stored. */
export async function activeModel(client: Client = db()): Promise<ModelInUse | null> {
  const head = await activeVersionHeader(client);
  if (!head) return null;
  let table = thawed.get(head.id);
  if (!table) {
    table = thawModel(asFrozen(await versionParameters(client, head.id)));
    if (thawed.size > 20) thawed.clear();
    thawed.set(head.id, table);
  }
  return { id: head.id, label: versionLabel(head.number), table };
}

type StoredParameters = FrozenModel & { discounts?: { actionKey: string; segment: string; before: string }[] };

function asFrozen(p: unknown): StoredParameters {
  const v = (p ?? {}) as Partial<StoredParameters>;
  return { rows: Array.isArray(v.rows) ? v.rows : [], models: v.models && typeof v.models === "object" ? v.models : {}, discounts: Array.isArray(v.discounts) ? v.discounts : [] };
}

export const driftThresholdsOf = (s: ProgramSettings): DriftThresholds => ({ acceptanceShift: s.driftAcceptanceShiftPct / 100, zScore: s.driftZScore, psi: s.driftPsi });

/** Per action: trials and pooled acceptance at training time (the model page's parameter summary). */
export type VersionSummary = { actions: { key: string; name: string; trials: number; acceptance: number }[] };

/**
 * Trains a version on the outcomes up to `now`: the learning statistics
 * (forgetting with the current half-life; the drift discounts carried from
 * the active version plus `newDiscounts`), each active action's propensity
 * model fitted and frozen.
 */
export async function trainVersion(
  client: Tx,
  now: Date,
  opts: { status: "CANDIDATE" | "ACTIVE" | "RETIRED"; reason: "first" | "scheduled" | "drift" | "seed"; newDiscounts?: DriftDiscount[]; settings?: ProgramSettings; actions?: ActionDefinition[] },
): Promise<ModelVersionRow> {
  const settings = opts.settings ?? (await loadProgramSettings(client));
  const actions = opts.actions ?? (await loadActionDefinitions(client));
  const active = await findVersionByStatus(client, "ACTIVE");
  const carried = active ? (asFrozen(active.parameters).discounts ?? []).map((d) => ({ ...d, before: new Date(d.before) })) : [];
  const discounts = mergeDiscounts([...carried, ...(opts.newDiscounts ?? [])]);
  const stats = await loadStats(client, now, settings.learningHalfLifeDays, discounts);
  const frozen = freezeModel(stats, actions);
  const summary: VersionSummary = {
    actions: actions.map((a) => {
      const pooled = stats.get(estimateKey(a.key, ALL_SEGMENTS)) ?? { shown: 0, accepted: 0, converted: 0 };
      return { key: a.key, name: a.name, trials: pooled.shown, acceptance: betaMean(acceptancePosterior(pooled, a.prior)) };
    }),
  };
  const parameters: StoredParameters = { ...frozen, discounts: discounts.map((d) => ({ ...d, before: d.before.toISOString() })) };
  return insertVersion(client, {
    status: opts.status,
    reason: opts.reason,
    trainedAt: now,
    windowFrom: await oldestResolved(client, now),
    windowTo: now,
    halfLifeDays: settings.learningHalfLifeDays,
    trials: summary.actions.reduce((s, a) => s + a.trials, 0),
    parameters: parameters as unknown as Prisma.InputJsonValue,
    summary: summary as unknown as Prisma.InputJsonValue,
  });
}

/** One discount per (action, segment): the latest cut-off wins. */
function mergeDiscounts(list: DriftDiscount[]): DriftDiscount[] {
  const by = new Map<string, DriftDiscount>();
  for (const d of list) {
    const k = `${d.actionKey}|${d.segment}`;
    const prev = by.get(k);
    if (!prev || prev.before < d.before) by.set(k, d);
  }
  return [...by.values()];
}

/** A version's P(accept) for a logged suggestion (by the feature key stored with it). */
function predictor(table: StatsTable, params: StoredParameters, actions: ReadonlyMap<string, ActionDefinition>) {
  return (o: { actionKey: string; segment: string; featureKey: string | null }): number => {
    const prior: BetaParams = params.models[o.actionKey]?.prior ?? actions.get(o.actionKey)?.prior ?? { alpha: 2, beta: 8 };
    return acceptanceEstimate(table, o.actionKey, prior, o.segment, o.featureKey ?? `${o.segment}|`).mean;
  };
}

/** Stored with the shadow version (ModelVersion.evaluation). */
export type ShadowEvaluation = {
  at: string;
  from: string;
  n: number;
  activeLabel: string;
  active: ModelMetrics | null;
  shadow: ModelMetrics | null;
  decision: "waiting" | "promoted" | "retired";
  why: string;
};

/**
 * The rule: once SHADOW_MIN_OUTCOMES suggestions created after both versions'
 * training data are resolved, the shadow is promoted when its log loss on them
 * is lower than the active version's, and retired otherwise; a shadow still
 * short of them after SHADOW_MAX_DAYS is retired.
 */
export function judgeShadow(n: number, active: ModelMetrics | null, shadow: ModelMetrics | null, shadowAgeDays: number): Pick<ShadowEvaluation, "decision" | "why"> {
  if (n < SHADOW_MIN_OUTCOMES) {
    return shadowAgeDays >= SHADOW_MAX_DAYS
      ? { decision: "retired", why: `only ${n} resolved outcomes in ${SHADOW_MAX_DAYS} days (needs ${SHADOW_MIN_OUTCOMES})` }
      : { decision: "waiting", why: `${n} of ${SHADOW_MIN_OUTCOMES} resolved outcomes` };
  }
  const ll = (m: ModelMetrics | null) => (m ? m.logLoss.toFixed(3) : "—");
  return shouldPromote(active, shadow)
    ? { decision: "promoted", why: `log loss ${ll(shadow)} < ${ll(active)} on ${n} outcomes` }
    : { decision: "retired", why: `log loss ${ll(shadow)} not below ${ll(active)} on ${n} outcomes` };
}

async function evaluateShadow(client: Tx, now: Date, active: ModelVersionRow & { parameters: unknown }, shadow: ModelVersionRow & { parameters: unknown }, actions: ReadonlyMap<string, ActionDefinition>): Promise<ShadowEvaluation> {
  const from = new Date(Math.max(active.windowTo.getTime(), shadow.windowTo.getTime()));
  const outcomes = await resolvedOutcomes(client, from, now);
  const score = (v: typeof active) => {
    const params = asFrozen(v.parameters);
    const predict = predictor(thawModel(params), params, actions);
    return modelMetrics(outcomes.map((o) => ({ predicted: predict(o), accepted: o.accepted })));
  };
  const a = score(active);
  const s = score(shadow);
  const verdict = judgeShadow(outcomes.length, a, s, (now.getTime() - shadow.trainedAt.getTime()) / DAY_MS);
  return { at: now.toISOString(), from: from.toISOString(), n: outcomes.length, activeLabel: versionLabel(active.number), active: a, shadow: s, ...verdict };
}

export type DriftSignals = {
  thresholds: DriftThresholds;
  acceptance: { actionKey: string; segment: string; shown: number; observed: number; predicted: number; shift: number; z: number; fired: boolean }[];
  psi: { signal: string; psi: number; referenceN: number; recentN: number; fired: boolean }[];
};

/** Per feature position (segment, then each PROPENSITY_SIGNALS bucket digit): counts of each value. */
function positionCounts(rows: { featureKey: string; n: number }[]): Map<string, number>[] {
  const out: Map<string, number>[] = PROPENSITY_SIGNALS.map(() => new Map()).concat([new Map()]);
  for (const r of rows) {
    const [segment = "", digits = ""] = r.featureKey.split("|");
    if (digits.length !== PROPENSITY_SIGNALS.length) continue;
    [segment, ...digits].forEach((v, i) => out[i]!.set(v, (out[i]!.get(v) ?? 0) + r.n));
  }
  return out;
}

/** The drift monitor on live data: acceptance shift per (action, segment) and PSI per signal. */
export async function computeDriftSignals(client: Client, now: Date, thresholds: DriftThresholds, active: { windowTo: Date } | null): Promise<{ from: Date; signals: DriftSignals }> {
  const from = new Date(now.getTime() - DRIFT_WINDOW_DAYS * DAY_MS);
  const windows = await acceptanceWindows(client, from, now);
  const acceptance = acceptanceDrift(
    windows.map((w) => ({ actionKey: `${w.actionKey}|${w.segment}`, shown: w.shown, accepted: w.accepted, predictedSum: w.predictedSum })),
    thresholds,
  ).map((d) => {
    const [actionKey = "", segment = ""] = d.actionKey.split("|");
    return { actionKey, segment, shown: d.shown, observed: d.observed, predicted: d.predicted, shift: d.shift, z: d.z, fired: d.fired };
  });
  const psi: DriftSignals["psi"] = [];
  if (active) {
    // The 28 days before the active version's training end or the recent window, whichever is earlier: the two never overlap.
    const refTo = new Date(Math.min(active.windowTo.getTime(), from.getTime()));
    const [reference, recent] = await Promise.all([
      featureKeyCounts(client, new Date(refTo.getTime() - PSI_REFERENCE_DAYS * DAY_MS), refTo),
      featureKeyCounts(client, from, now),
    ]);
    const ref = positionCounts(reference);
    const rec = positionCounts(recent);
    const names = ["segment", ...PROPENSITY_SIGNALS.map((s) => s.signal)];
    names.forEach((signal, i) => {
      const referenceN = [...ref[i]!.values()].reduce((s, v) => s + v, 0);
      const recentN = [...rec[i]!.values()].reduce((s, v) => s + v, 0);
      const value = populationStabilityIndex(ref[i]!, rec[i]!);
      psi.push({ signal, psi: value, referenceN, recentN, fired: referenceN >= PSI_MIN_COUNT && recentN >= PSI_MIN_COUNT && value >= thresholds.psi });
    });
  }
  return { from, signals: { thresholds, acceptance, psi } };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export type TickResult = {
  skipped: boolean;
  trained: string | null;
  promoted: string | null;
  retired: string | null;
  alerts: number;
  evaluation: ShadowEvaluation | null;
};

/**
 * One turn of the lifecycle (the worker calls it on a schedule; tests call it
 * with a `now`). One process at a time: a transaction-scoped advisory lock,
 * skipped when another process holds it.
 */
export async function lifecycleTick(opts: { now?: Date; retrainHours?: number } = {}): Promise<TickResult> {
  const now = opts.now ?? new Date();
  const retrainMs = (opts.retrainHours ?? DEFAULT_RETRAIN_HOURS) * 3_600_000;
  return transaction(
    async (tx) => {
      const result: TickResult = { skipped: false, trained: null, promoted: null, retired: null, alerts: 0, evaluation: null };
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext('nudge:model-lifecycle')) AS locked`;
      if (!lock?.locked) return { ...result, skipped: true };
      const settings = await loadProgramSettings(tx);
      const actions = await loadActionDefinitions(tx);
      const byKey = new Map(actions.map((a) => [a.key, a]));
      let active = await findVersionByStatus(tx, "ACTIVE");
      if (!active) {
        const v = await trainVersion(tx, now, { status: "ACTIVE", reason: "first", settings, actions });
        await recordAudit(tx, { actorId: null, entity: "ModelVersion", entityId: v.id, action: "train", after: { version: versionLabel(v.number), status: "ACTIVE", reason: "first" } });
        return { ...result, trained: versionLabel(v.number) };
      }

      // 1. The drift monitor.
      const { from, signals } = await computeDriftSignals(tx, now, driftThresholdsOf(settings), active);
      const since = new Date(now.getTime() - ALERT_REPEAT_HOURS * 3_600_000);
      const raised: AlertRow[] = [];
      const drifted: DriftDiscount[] = [];
      for (const d of signals.acceptance.filter((x) => x.fired)) {
        const subject = `${d.actionKey}|${d.segment}`;
        if (await alertRaisedSince(tx, "acceptance_shift", subject, since)) continue;
        const name = byKey.get(d.actionKey)?.name ?? d.actionKey;
        raised.push(
          await insertAlert(tx, {
            createdAt: now,
            kind: "acceptance_shift",
            subject,
            observed: d.observed,
            expected: d.predicted,
            statistic: d.z,
            threshold: signals.thresholds.acceptanceShift,
            message: `${name} · ${d.segment}: ${pct(d.observed)} acted on vs ${pct(d.predicted)} predicted over ${d.shown} suggestions resolved in the last ${DRIFT_WINDOW_DAYS} days (z ${d.z.toFixed(1)})`,
            modelVersionId: active.id,
          }),
        );
        drifted.push({ actionKey: d.actionKey, segment: d.segment, before: from });
      }
      for (const p of signals.psi.filter((x) => x.fired)) {
        if (await alertRaisedSince(tx, "psi", p.signal, since)) continue;
        raised.push(
          await insertAlert(tx, {
            createdAt: now,
            kind: "psi",
            subject: p.signal,
            observed: p.psi,
            expected: 0,
            statistic: p.psi,
            threshold: signals.thresholds.psi,
            message: `Customers' ${p.signal} has shifted: PSI ${p.psi.toFixed(2)} (threshold ${signals.thresholds.psi}) between the last ${DRIFT_WINDOW_DAYS} days and ${versionLabel(active.number)}'s training data`,
            modelVersionId: active.id,
          }),
        );
      }
      await insertDriftCheck(tx, { at: now, windowFrom: from, windowTo: now, modelVersionId: active.id, signals: signals as unknown as Prisma.InputJsonValue, alerts: raised.length });
      for (const a of raised) {
        const alert = { id: a.id, kind: a.kind, subject: a.subject, observed: a.observed, expected: a.expected, statistic: a.statistic, threshold: a.threshold, message: a.message, modelVersion: versionLabel(active.number), createdAt: a.createdAt.toISOString() };
        await recordAudit(tx, { actorId: null, entity: "ModelAlert", entityId: String(a.id), action: "drift", after: alert });
        await enqueueWebhookEvent(tx, "model.drift", { alert });
      }
      result.alerts = raised.length;

      // 2. The shadow version against the active one.
      let shadow = await findVersionByStatus(tx, "SHADOW");
      if (shadow) {
        const evaluation = await evaluateShadow(tx, now, active, shadow, byKey);
        result.evaluation = evaluation;
        if (evaluation.decision === "promoted") {
          await updateVersion(tx, active.id, { status: "RETIRED", retiredAt: now });
          await updateVersion(tx, shadow.id, { status: "ACTIVE", activatedAt: now, evaluation: evaluation as unknown as Prisma.InputJsonValue });
          await recordAudit(tx, { actorId: null, entity: "ModelVersion", entityId: shadow.id, action: "promote", before: { active: versionLabel(active.number) }, after: { active: versionLabel(shadow.number), why: evaluation.why } });
          result.promoted = versionLabel(shadow.number);
          active = await findVersionByStatus(tx, "ACTIVE");
          shadow = null;
        } else if (evaluation.decision === "retired" || drifted.length > 0) {
          // A drift alert replaces the shadow with a candidate trained for the drift.
          const why = evaluation.decision === "retired" ? evaluation.why : "replaced by a candidate retrained for drift";
          await updateVersion(tx, shadow.id, { status: "RETIRED", retiredAt: now, evaluation: { ...evaluation, decision: "retired", why } as unknown as Prisma.InputJsonValue });
          await recordAudit(tx, { actorId: null, entity: "ModelVersion", entityId: shadow.id, action: "retire", after: { version: versionLabel(shadow.number), why } });
          result.retired = versionLabel(shadow.number);
          shadow = null;
        } else {
          await updateVersion(tx, shadow.id, { evaluation: evaluation as unknown as Prisma.InputJsonValue });
        }
      }

      // 3. Retrain: on a drift alert, or when the newest version is older than the interval.
      const newest = await latestTrainedAt(tx);
      const due = newest === null || now.getTime() - newest.getTime() >= retrainMs;
      if (!shadow && (drifted.length > 0 || due)) {
        const reason = drifted.length > 0 ? "drift" : "scheduled";
        const v = await trainVersion(tx, now, { status: "CANDIDATE", reason, newDiscounts: drifted, settings, actions });
        // A candidate goes into shadow once its fit is sound (finite coefficients).
        const sound = Object.values(asFrozen((await findVersion(tx, v.id))?.parameters).models).every((m) => m.mean.every(Number.isFinite));
        await updateVersion(tx, v.id, sound ? { status: "SHADOW" } : { status: "RETIRED", retiredAt: now });
        await linkAlertsToRetrain(tx, raised.filter((a) => a.kind === "acceptance_shift").map((a) => a.id), v.id);
        await recordAudit(tx, { actorId: null, entity: "ModelVersion", entityId: v.id, action: "train", after: { version: versionLabel(v.number), status: sound ? "SHADOW" : "RETIRED", reason, drifted: drifted.map((d) => `${d.actionKey}|${d.segment}`) } });
        result.trained = versionLabel(v.number);
      }
      return result;
    },
    { timeout: 5 * 60_000 },
  );
}

/**
 * Makes an earlier version the active one (admins, from the model page): the
 * engine scores with it from the next batch or re-score. The version that was
 * active is retired; a shadow keeps shadowing, now against the rolled-back
 * version. Audited.
 */
export async function rollbackToVersion(actorId: string, versionId: string, now = new Date()): Promise<{ active: string; previous: string | null }> {
  return transaction(async (tx) => {
    const target = await findVersion(tx, versionId);
    if (!target) throw new DomainError("NOT_FOUND", "That model version does not exist.");
    if (target.status === "ACTIVE") throw new DomainError("CONFLICT", `${versionLabel(target.number)} is already the active version.`);
    if (target.status !== "RETIRED") throw new DomainError("CONFLICT", `${versionLabel(target.number)} is ${target.status.toLowerCase()}: only a retired version can be rolled back to.`);
    const current = await findVersionByStatus(tx, "ACTIVE");
    if (current) await updateVersion(tx, current.id, { status: "RETIRED", retiredAt: now });
    await updateVersion(tx, target.id, { status: "ACTIVE", activatedAt: now, retiredAt: null });
    const previous = current ? versionLabel(current.number) : null;
    await recordAudit(tx, { actorId, entity: "ModelVersion", entityId: target.id, action: "rollback", before: { active: previous }, after: { active: versionLabel(target.number) } });
    return { active: versionLabel(target.number), previous };
  });
}
