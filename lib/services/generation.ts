import "server-only";
import { databaseMode, statsMaxAgeMs } from "@/lib/config/env";
import { db } from "@/lib/data/db";
import { withTransientRetry } from "@/lib/data/retry";
import { isOpen } from "@/lib/domain/vocabulary";
import { Yielder, type JobContext } from "./jobs";
import { activeModel } from "./model-lifecycle";
import { ensureDraw, findDraw, insertArms, loadProgramSettings, type Draw, type ProgramSettings } from "@/lib/data/holdout";
import {
  countDecisionCustomers,
  EMPTY_AGGREGATES,
  expireLapsed,
  insertSuggestions,
  loadActionDefinitions,
  loadCustomerChunk,
  loadEventAggregates,
  loadHistory,
  loadStats,
  lockRepsForAllocation,
  openVisibleByRep,
  scoringContextStamp,
  withdrawPending,
  type Client,
  type DecisionCustomer,
  type ChunkRow,
  type HistoryRow,
  type HistoryWindow,
} from "@/lib/data/decisions";
import {
  allocate,
  decideChunk,
  decisionLog,
  deriveSignalsFromAggregates,
  holdoutPeriod,
  inGlobalHoldout,
  modelVersion as makeModelVersion,
  seededRng,
  statsFingerprint,
  type ChunkDecisions,
  type ActionDefinition,
  type Candidate,
  type ChunkInput,
  type CustomerInput,
  type CustomerOutcome,
  type StatsTable,
} from "@/lib/engine";

// Batch generation and the real-time re-score: load a chunk, run the one
// decision pipeline (lib/engine/pipeline.ts), write what it decided. The
// admin preview (lib/services/preview.ts) runs the same pipeline without
// writing.

export interface GenerationOptions {
  now?: Date;
  /** Limit to these customers (real-time re-scoring); default all. */
  customerIds?: string[];
  /** Limit to these reps' customers (one chunk of a batch split over workers, lib/services/batch-queue.ts); default all. */
  repIds?: string[];
  /** Leave lapsed suggestions to the caller (a batch split over workers expires them once before its chunks). */
  skipExpiry?: boolean;
  /** Reuse the learning statistics loaded in the last STATS_MAX_AGE_SECONDS, as a re-score does (a chunk of a split batch, when no model version is active). */
  reuseStats?: boolean;
  chunkSize?: number;
  perRepDailyCap?: number;
  weeklyContactCap?: number;
  /** Seed for Thompson sampling, so a batch is reproducible. */
  seed?: string;
  /** The run's ScoringContext when the caller has read it (a re-score reads it on the pool before its transaction); read here otherwise. */
  context?: ScoringContext;
  /**
   * A real-time re-score's history of these customers (or more), read before
   * `now` with each suggestion's expiry (lib/services/ingest.ts reads it beside
   * the transaction); read in the run otherwise. Lapsed suggestions are then
   * expired only if it holds one.
   */
  history?: Promise<HistoryRow[]>;
  /** When run as a background job: cancellation and progress. */
  job?: Pick<JobContext, "signal" | "progress">;
}

export interface GenerationResult {
  customers: number;
  candidates: number;
  created: number;
  control: number;
  expired: number;
  superseded: number;
  droppedByCap: number;
  modelVersion: string;
  ms: number;
  /** Where the time went, ms: setup (expiry, catalog, model, draw), load (waiting for customers, signals, history, arms; the next chunk loads while one is decided), decide (the pipeline), write. */
  phases: { setup: number; load: number; decide: number; write: number };
}

// Learning statistics aggregate the whole reaction history (about a second on
// a million events), so a real-time re-score reuses the last batch's or
// re-score's figures for up to STATS_MAX_AGE_SECONDS; the batch always
// recomputes. Keyed by database, so tests with several databases never mix.
const statsCache = new Map<string, { loadedAt: number; stats: StatsTable }>();
const databaseKey = () => {
  const mode = databaseMode();
  return mode.kind === "postgres" ? mode.url : `pglite:${mode.dir}`;
};

// A load in progress, per database: a burst of re-scores that finds no
// figures yet waits for one load instead of each running the aggregate at
// once (ten at once on a busy server took longer than the burst itself).
const statsLoading = new Map<string, Promise<StatsTable>>();

async function statsForRun(client: Client, now: Date, realTime: boolean, halfLifeDays: number): Promise<StatsTable> {
  const key = `${databaseKey()}|${halfLifeDays}`;
  const cached = statsCache.get(key);
  const maxAgeMs = statsMaxAgeMs();
  const reuse = realTime && maxAgeMs > 0;
  if (reuse && cached) {
    // Past their age, the next re-score starts one refresh on its own
    // connection and, like the ones after it, uses the previous figures
    // until it lands: no re-score waits for the aggregate.
    if (Date.now() - cached.loadedAt >= maxAgeMs && !statsLoading.has(key)) void startStatsLoad(key, db(), new Date(), halfLifeDays).catch(() => {});
    return cached.stats;
  }
  if (reuse) {
    const shared = await statsLoading.get(key)?.catch(() => null);
    if (shared) return shared;
  }
  return startStatsLoad(key, client, now, halfLifeDays, reuse);
}

function startStatsLoad(key: string, client: Client, now: Date, halfLifeDays: number, share = true): Promise<StatsTable> {
  const load = loadStats(client, now, halfLifeDays).then((stats) => {
    statsCache.set(key, { loadedAt: Date.now(), stats });
    return stats;
  });
  if (share) {
    statsLoading.set(key, load);
    const done = () => statsLoading.get(key) === load && statsLoading.delete(key);
    load.then(done, done);
  }
  return load;
}

/**
 * What a run scores with, loaded once per run (never per customer): the
 * active stored model version (lib/services/model-lifecycle.ts) when there is
 * one, stamped with its label ("v3"); else, before any version is trained,
 * the learning statistics refitted at this run, stamped "bb-<date>-<hash>".
 */
export async function scoringModel(client: Client, now: Date, realTime: boolean, halfLifeDays: number): Promise<{ stats: StatsTable; version: string }> {
  const active = await activeModel(client);
  if (active) return { stats: active.table, version: active.label };
  const stats = await statsForRun(client, now, realTime, halfLifeDays);
  return { stats, version: makeModelVersion(now, statsFingerprint(stats)) };
}

/** What a run decides with, read once per run: program settings, the active catalog, the scoring model and the global-holdout draw. */
export type ScoringContext = { settings: ProgramSettings; actions: ActionDefinition[]; stats: StatsTable; version: string; draw: Draw };

/**
 * Reads a run's ScoringContext. On the pool (not a transaction's client) the
 * reads run side by side on their own connections, so a real-time re-score
 * reads it before its transaction instead of one read after another inside.
 */
export async function loadScoringContext(client: Client, now: Date, opts: { realTime: boolean; seed?: string }): Promise<ScoringContext> {
  // The model's statistics need the half-life only before any version is trained (then they are refitted here).
  const [settings, actions, active, current] = await Promise.all([loadProgramSettings(client), loadActionDefinitions(client), activeModel(client), findDraw(client, now)]);
  const [{ stats, version }, draw] = await Promise.all([
    active ? { stats: active.table, version: active.label } : scoringModel(client, now, opts.realTime, settings.learningHalfLifeDays),
    ensureDraw(client, now, opts.seed, { current, settings }),
  ]);
  return { settings, actions, stats, version, draw };
}

// A real-time re-score needs the ScoringContext for every event, and what it is
// read from (settings, catalog, active model version, draw) changes rarely. The
// last one read is kept per database with the stamp of its rows
// (lib/data/decisions.ts scoringContextStamp) and reused while one statement
// finds the stamp unchanged and the draw still covers `now`: one read instead
// of four. Before any model version is trained the statistics come from their
// own cache (statsForRun), as before.
const contextCache = new Map<string, { stamp: string; context: ScoringContext }>();

/** A real-time re-score's ScoringContext, read on the pool (see contextCache). */
export async function loadRealtimeContext(now: Date): Promise<ScoringContext> {
  const key = databaseKey();
  const { stamp, active } = await scoringContextStamp(db(), now);
  const cached = contextCache.get(key);
  if (cached && cached.stamp === stamp && cached.context.draw.startsAt <= now && now < cached.context.draw.endsAt) {
    if (active) return cached.context;
    const { stats, version } = await scoringModel(db(), now, true, cached.context.settings.learningHalfLifeDays);
    return { ...cached.context, stats, version };
  }
  const context = await loadScoringContext(db(), now, { realTime: true });
  // Taken before the read: a change in between leaves an old stamp with the new rows, so the next call reads again.
  contextCache.set(key, { stamp, context });
  return context;
}

/** Groups history rows by customer. */
function historyByCustomer(rows: HistoryRow[]): Map<string, HistoryRow[]> {
  const by = new Map<string, HistoryRow[]>();
  for (const h of rows) {
    const list = by.get(h.customerId);
    if (list) list.push(h);
    else by.set(h.customerId, [h]);
  }
  return by;
}

/** Slice of customers decided between two turns of the event loop. */
const SLICE = 50;

/**
 * decideChunk over a chunk in slices, giving the event loop a turn between
 * them (and stopping if cancelled), so a large chunk never blocks the server.
 * Slicing changes nothing: customers are decided one by one, in order.
 */
export async function decideInSlices(input: ChunkInput, yielder: Yielder): Promise<ChunkDecisions> {
  const out: ChunkDecisions = { outcomes: [], withdrawals: [] };
  for (let i = 0; i < input.customers.length; i += SLICE) {
    const part = decideChunk({ ...input, customers: input.customers.slice(i, i + SLICE) });
    for (const o of part.outcomes) out.outcomes.push(o);
    for (const w of part.withdrawals) out.withdrawals.push(w);
    await yielder.tick();
  }
  return out;
}

/**
 * A chunk's customers with their signals and history, ready for the
 * pipeline. The chunk query brought each customer's kept signals and arm
 * where it has them; what is missing is computed here (signals stored when
 * `refreshSignals`, arms when `recordArms`).
 */
export async function loadPipelineChunk(
  client: Client,
  rows: readonly ChunkRow[],
  window: HistoryWindow,
  opts: { withExpiry?: boolean; draw?: Draw | null; recordArms?: boolean; refreshSignals?: boolean; history?: Promise<HistoryRow[]> } = {},
): Promise<(CustomerInput & { customer: DecisionCustomer })[]> {
  const ids = rows.map((r) => r.customer.id);
  const draw = opts.draw ?? null;
  const unsignalled = rows.filter((r) => r.kept === null).map((r) => r.customer.id);
  const [aggs, history] = await Promise.all([
    loadEventAggregates(client, unsignalled, window.now, { refresh: opts.refreshSignals }),
    opts.history ?? loadHistory(client, ids, window, opts),
  ]);
  const arms = new Map<string, boolean>();
  if (draw) {
    // Customers met for the first time in this draw get their arm now (stored, unless this is a read-only preview).
    const fresh: { customerId: string; heldOut: boolean }[] = [];
    for (const { customer, heldOut } of rows) {
      const arm = heldOut ?? inGlobalHoldout(customer.id, draw.salt, draw.pct);
      arms.set(customer.id, arm);
      if (heldOut === null) fresh.push({ customerId: customer.id, heldOut: arm });
    }
    if (opts.recordArms) await insertArms(client, draw.id, fresh);
  }
  const historyBy = historyByCustomer(history);
  return rows.map(({ customer, kept }) => ({
    customer,
    signals: deriveSignalsFromAggregates(customer, kept ?? aggs.get(customer.id) ?? EMPTY_AGGREGATES, window.now),
    history: historyBy.get(customer.id) ?? [],
    heldOutUntil: draw && arms.get(customer.id) ? draw.endsAt : null,
  }));
}

/**
 * Generates suggestions for every customer (batch) or for the given ones
 * (real-time re-score). Expires lapsed suggestions, then runs the pipeline
 * chunk by chunk and allocates across all of them: withdrawals, new
 * suggestions (shown and control) and what the caps held back.
 */
export async function generateRecommendations(opts: GenerationOptions = {}, client: Client = db()): Promise<GenerationResult> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const chunkSize = opts.chunkSize ?? 5000;
  const ids = opts.customerIds;
  const result: GenerationResult = { customers: 0, candidates: 0, created: 0, control: 0, expired: 0, superseded: 0, droppedByCap: 0, modelVersion: "", ms: 0, phases: { setup: 0, load: 0, decide: 0, write: 0 } };
  const phases = result.phases;
  let mark = t0;
  const lap = (phase: keyof GenerationResult["phases"]) => {
    const t = performance.now();
    phases[phase] += t - mark;
    mark = t;
  };
  if (ids && ids.length === 0) return result;

  if (!opts.skipExpiry) {
    // With its history read beside it, a re-score expires only when that history holds an open suggestion lapsed at
    // `now` (it holds every open one with its expiry; most events find none, and save the statement).
    const lapsed = opts.history ? (await opts.history).some((h) => isOpen(h.status) && h.expiresAt !== undefined && h.expiresAt <= now) : true;
    if (lapsed) result.expired = await expireLapsed(client, now, ids);
  }
  const { settings, actions, stats, version, draw } = opts.context ?? (await loadScoringContext(client, now, { realTime: ids !== undefined || opts.reuseStats === true, seed: opts.seed }));
  result.modelVersion = version;
  const rng = seededRng(opts.seed ?? `${version}:${ids?.join(",") ?? opts.repIds?.join(",") ?? "all"}`);
  const base = {
    actions,
    stats,
    now,
    rng,
    period: holdoutPeriod(now),
    modelVersion: version,
    mode: ids ? ("realtime" as const) : ("batch" as const),
    explorationShare: settings.explorationSharePct / 100,
  };

  // What allocation needs of each customer's outcome; a proposal's evaluation is
  // kept for its decision log, the rest is dropped chunk by chunk (a large batch
  // would otherwise hold every customer's evaluation until the writes).
  const outcomes: Pick<CustomerOutcome, "customerId" | "decision" | "contactsThisWeek">[] = [];
  const evaluationOf = new Map<string, CustomerOutcome["evaluation"]>();
  const explainOf = new Map<string, () => Candidate>();
  const toWithdraw: string[] = [];
  const yielder = new Yielder(opts.job?.signal, { background: opts.job !== undefined });
  const total = opts.job ? await countDecisionCustomers(client) : 0;
  lap("setup");
  // The next chunk loads while this one is decided: the database works on
  // its core while this process scores (the loads write only arms, which
  // decisions never read back).
  const loadChunk = async (afterId: string | null): Promise<{ customers: DecisionCustomer[]; inputs: CustomerInput[] }> => {
    const rows = await loadCustomerChunk(client, { afterId, limit: chunkSize, ids, repIds: opts.repIds }, { now, drawId: draw.id });
    const inputs = rows.length ? await loadPipelineChunk(client, rows, { now, actions }, { draw, recordArms: true, refreshSignals: true, history: opts.history }) : [];
    return { customers: rows.map((r) => r.customer), inputs };
  };
  let next: ReturnType<typeof loadChunk> | null = loadChunk(null);
  while (next) {
    const { customers, inputs }: { customers: DecisionCustomer[]; inputs: CustomerInput[] } = await next;
    if (customers.length === 0) break;
    next = customers.length < chunkSize ? null : loadChunk(customers[customers.length - 1]!.id);
    // A prefetch abandoned by a cancellation must not surface as an unhandled rejection.
    next?.catch(() => {});
    result.customers += customers.length;
    lap("load");
    const chunk = await decideInSlices({ ...base, customers: inputs }, yielder);
    lap("decide");
    for (const o of chunk.outcomes) {
      if (o.decision.kind === "propose") {
        evaluationOf.set(o.customerId, o.evaluation);
        explainOf.set(o.customerId, o.decision.explain);
      } else if (o.contactsThisWeek === 0) continue;
      outcomes.push({ customerId: o.customerId, decision: o.decision, contactsThisWeek: o.contactsThisWeek });
    }
    for (const w of chunk.withdrawals) toWithdraw.push(w.recommendationId);
    opts.job?.progress(total > 0 ? (0.9 * result.customers) / total : 0.9, `Scored ${result.customers.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} customers`);
  }
  // Past this point the run writes; a cancellation now would leave half a batch.
  await yielder.check();
  opts.job?.progress(0.92, "Writing suggestions");

  // The daily cap counts each rep's open suggestions, then inserts: two runs
  // at once (concurrent re-scores of one rep's customers, or one beside the
  // batch) would both see the last free slot. A lock per rep with a proposal,
  // held until the transaction ends, makes count-and-insert one step per rep.
  const reps = new Set<string>();
  for (const o of outcomes) if (o.decision.kind === "propose") reps.add(o.decision.candidate.repId);
  const write = async (w: Client) => {
    await lockRepsForAllocation(w, reps);
    const superseded = await withdrawPending(w, toWithdraw);
    const allocation = allocate(outcomes, {
      perRepDailyCap: opts.perRepDailyCap,
      weeklyContactCap: opts.weeklyContactCap,
      openByRep: await openVisibleByRep(w, now, [...reps]),
    });
    const logRng = seededRng(`${opts.seed ?? version}:log`);
    // Only what the caps let through is explained (its reasons and message rendered).
    const toInsert = [...allocation.create, ...allocation.control].map((scored) => {
      const c = explainOf.get(scored.customerId)!();
      const evaluation = evaluationOf.get(c.customerId);
      return evaluation ? { ...c, log: decisionLog(evaluation, c, logRng) } : c;
    });
    let created = 0;
    for (let i = 0; i < toInsert.length; i += chunkSize) {
      created += await insertSuggestions(w, toInsert.slice(i, i + chunkSize), now, opts.seed);
    }
    return { superseded, created, control: allocation.control.length, droppedByCap: allocation.heldBack.length };
  };
  // Called inside a transaction (the real-time re-score), the locks are that
  // transaction's; called on the client itself (the batch), the writes get
  // their own transaction, run again if it fails transiently (a deadlock with
  // a re-score, say: they only re-apply what was decided).
  const own = rootClient(client);
  const written = own ? await withTransientRetry(() => own.$transaction((tx) => write(tx), { timeout: BATCH_WRITE_TIMEOUT_MS })) : await write(client);
  Object.assign(result, written);
  lap("write");
  for (const k of Object.keys(phases) as (keyof typeof phases)[]) phases[k] = Math.round(phases[k]);
  result.candidates = outcomes.filter((o) => o.decision.kind === "propose").length;
  result.ms = Math.round(performance.now() - t0);
  return result;
}

/** The batch's writes may take a while on a large data set (60,000 customers: a few seconds). */
const BATCH_WRITE_TIMEOUT_MS = 10 * 60_000;

type RootClient = Client & { $connect(): Promise<void>; $transaction<T>(fn: (tx: Client) => Promise<T>, options?: { timeout?: number }): Promise<T> };

/**
 * The client itself, or null for a transaction's client. (A transaction's
 * client has a $transaction too, which nests with a savepoint; it has no
 * $connect.)
 */
function rootClient(client: Client): RootClient | null {
  const c = client as Partial<RootClient>;
  return typeof c.$connect === "function" && typeof c.$transaction === "function" ? (client as RootClient) : null;
}
