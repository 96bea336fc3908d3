import "server-only";
import { randomUUID } from "node:crypto";
import { DomainError } from "@/lib/domain/errors";

// Long work started from the UI (a catalog preview, a generation run, a CSV
// import) runs as
// a background job in this server process, never on the request that started
// it: the request returns a job id at once, the page polls its progress and
// may cancel it. The work yields to the event loop between slices (see
// `Yielder`), so other requests are served meanwhile; a time budget stops a
// job that runs too long. One job per user and kind: starting another cancels
// the first. Jobs live in memory for JOB_TTL_MS after they finish; with
// several app instances a poll must reach the instance that started the job
// (sticky sessions), or the page restarts the job.

export type JobKind = "preview" | "generation" | "import";
export type JobState = "running" | "done" | "failed" | "cancelled";

export interface JobView<T> {
  id: string;
  kind: JobKind;
  state: JobState;
  /** 0..1 */
  progress: number;
  /** What the job is doing, in words. */
  stage: string;
  startedAt: string;
  finishedAt: string | null;
  result: T | null;
  error: { code: string; message: string } | null;
}

export interface JobContext {
  signal: AbortSignal;
  /** Reports progress (0..1) and, optionally, the current stage. */
  progress(fraction: number, stage?: string): void;
}

interface Job<T> {
  view: JobView<T>;
  ownerId: string;
  controller: AbortController;
  timer: NodeJS.Timeout;
}

export const JOB_TTL_MS = 10 * 60_000;
/** At most this many jobs run at once in one process; more are refused with a retry hint. */
export const MAX_RUNNING_JOBS = 2;
export const DEFAULT_TIME_BUDGET_MS = 60_000;

// On globalThis: Next.js bundles route handlers and server actions separately,
// each with its own copy of this module, and an import started by a route (the
// upload) is followed by a server action.
const globalForJobs = globalThis as unknown as { nudgeJobs?: Map<string, Job<unknown>> };
const jobs = (globalForJobs.nudgeJobs ??= new Map<string, Job<unknown>>());

function sweep(now = Date.now()) {
  for (const [id, job] of jobs) {
    const done = job.view.finishedAt ? Date.parse(job.view.finishedAt) : null;
    if (done !== null && now - done > JOB_TTL_MS) jobs.delete(id);
  }
}

const running = () => [...jobs.values()].filter((j) => j.view.state === "running");

/** Starts `work` in the background and returns its id at once. */
export function startJob<T>(
  kind: JobKind,
  ownerId: string,
  work: (ctx: JobContext) => Promise<T>,
  opts: { timeBudgetMs?: number } = {},
): JobView<T> {
  sweep();
  for (const j of running()) if (j.ownerId === ownerId && j.view.kind === kind) cancelJob(j.view.id, ownerId);
  if (running().length >= MAX_RUNNING_JOBS) {
    throw new DomainError("RATE_LIMITED", "The server is busy with other previews, runs and imports. Try again in a few seconds.", undefined, 5);
  }
  const controller = new AbortController();
  const budget = opts.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  const view: JobView<T> = {
    id: randomUUID(),
    kind,
    state: "running",
    progress: 0,
    stage: "Starting",
    startedAt: new Date().toISOString(),
    finishedAt: null,
    result: null,
    error: null,
  };
  const finish = (state: JobState, patch: Partial<JobView<T>>) => {
    if (view.state !== "running") return;
    clearTimeout(job.timer);
    Object.assign(view, { state, finishedAt: new Date().toISOString(), ...patch });
  };
  const job: Job<T> = {
    view,
    ownerId,
    controller,
    timer: setTimeout(() => {
      controller.abort(new DomainError("UNAVAILABLE", `Stopped after ${Math.round(budget / 1000)} s, the time limit. Narrow the rule or try again later.`));
    }, budget),
  };
  jobs.set(view.id, job as Job<unknown>);
  const ctx: JobContext = {
    signal: controller.signal,
    progress(fraction, stage) {
      view.progress = Math.max(view.progress, Math.min(1, fraction));
      if (stage) view.stage = stage;
    },
  };
  // Not awaited: the request that started the job returns now.
  void (async () => {
    try {
      // Let the starting request answer before any work begins.
      await new Promise((r) => setImmediate(r));
      const result = await work(ctx);
      if (controller.signal.aborted) throw controller.signal.reason;
      finish("done", { result, progress: 1, stage: "Done" });
    } catch (err) {
      const reason = controller.signal.aborted ? controller.signal.reason : err;
      if (reason instanceof DomainError && reason.code === "CONFLICT" && controller.signal.aborted) {
        finish("cancelled", { stage: "Cancelled", error: { code: reason.code, message: reason.message } });
      } else if (reason instanceof DomainError) {
        finish("failed", { error: { code: reason.code, message: reason.message } });
      } else {
        console.error(`job ${kind} failed`, reason);
        finish("failed", { error: { code: "INTERNAL", message: "Something went wrong on our side. Try again." } });
      }
    }
  })();
  return { ...view };
}

/** The job as its owner sees it; another user's job is reported like a missing one. */
export function getJob<T>(id: string, ownerId: string): JobView<T> {
  sweep();
  const job = jobs.get(id);
  if (!job || job.ownerId !== ownerId) throw new DomainError("NOT_FOUND", "This run has finished long ago or never existed. Start it again.");
  return { ...(job.view as JobView<T>) };
}

export function cancelJob(id: string, ownerId: string): void {
  const job = jobs.get(id);
  if (!job || job.ownerId !== ownerId) throw new DomainError("NOT_FOUND", "This run has finished long ago or never existed.");
  if (job.view.state === "running") job.controller.abort(new DomainError("CONFLICT", "Cancelled."));
}

/**
 * Cooperative yielding for CPU work on the server's only thread: call
 * `await y.tick()` in a loop; every `everyMs` of work it gives the event loop
 * a turn (so other requests are served) and throws if the job was cancelled.
 * With `background` the job also rests as long as it worked (a 50% duty
 * cycle, counting the database work it waits on), so on a small machine
 * people's requests keep most of the CPU while a preview or a run goes on;
 * scripts run at full speed.
 */
export class Yielder {
  private last = performance.now();
  constructor(
    private readonly signal?: AbortSignal,
    private readonly opts: { background?: boolean; everyMs?: number } = {},
  ) {}
  async tick(): Promise<void> {
    // A request needs several turns of the event loop (proxy, handler, query,
    // response); each waits at most this long behind the job.
    const everyMs = this.opts.everyMs ?? 2;
    const worked = performance.now() - this.last;
    if (worked < everyMs) return;
    if (this.opts.background) await new Promise((r) => setTimeout(r, Math.min(50, Math.ceil(worked))));
    else await new Promise((r) => setImmediate(r));
    this.last = performance.now();
    if (this.signal?.aborted) throw this.signal.reason;
  }
  async check(): Promise<void> {
    if (this.signal?.aborted) throw this.signal.reason;
  }
}
