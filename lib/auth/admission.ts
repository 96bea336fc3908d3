import { databaseCapacity } from "@/lib/config/env";
import { DomainError } from "@/lib/domain/errors";

// Admission control for database-heavy requests, per process: at most
// `concurrency` run at once (the pool size, so a transaction rarely waits for
// a connection), the next ones wait in a bounded FIFO queue. A request that
// finds the queue full is refused at once, and one that waited too long is
// refused then: 503 UNAVAILABLE with Retry-After, or 429 RATE_LIMITED when the
// caller itself holds most of the queue (one client flooding). The API routes
// (withApiKey, withSessionUser) and server actions (authedAction) run through
// it; /api/health and pages do not.

export interface AdmissionOptions {
  concurrency: number;
  queueSize: number;
  maxWaitMs: number;
}

interface Waiter {
  client: string;
  resolve: () => void;
  reject: (err: DomainError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const MAX_RETRY_AFTER_S = 30;

export class Admission {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly queuedByClient = new Map<string, number>();
  /** Moving average of how long an admitted request runs, for Retry-After. */
  private avgRunMs = 50;

  constructor(readonly options: AdmissionOptions) {}

  /** Requests running now, and waiting. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  /** Runs `fn` once admitted; throws DomainError UNAVAILABLE / RATE_LIMITED when it cannot be. */
  async run<T>(client: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire(client);
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.avgRunMs = 0.9 * this.avgRunMs + 0.1 * (performance.now() - started);
      this.release();
    }
  }

  private acquire(client: string): Promise<void> {
    if (this.active < this.options.concurrency && this.queue.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.options.queueSize) return Promise.reject(this.refusal(client));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        client,
        resolve,
        reject,
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter);
          if (at < 0) return;
          this.queue.splice(at, 1);
          this.dequeued(client);
          reject(busy(this.retryAfter()));
        }, this.options.maxWaitMs),
      };
      this.queue.push(waiter);
      this.queuedByClient.set(client, (this.queuedByClient.get(client) ?? 0) + 1);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (!next) {
      this.active--;
      return;
    }
    // The slot passes straight to the next waiter.
    clearTimeout(next.timer);
    this.dequeued(next.client);
    next.resolve();
  }

  private dequeued(client: string): void {
    const n = (this.queuedByClient.get(client) ?? 1) - 1;
    if (n <= 0) this.queuedByClient.delete(client);
    else this.queuedByClient.set(client, n);
  }

  /** Seconds until the queue ahead has likely drained (1–30). */
  private retryAfter(): number {
    const seconds = ((this.queue.length + this.active) / this.options.concurrency) * (this.avgRunMs / 1000);
    return Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(seconds)));
  }

  private refusal(client: string): DomainError {
    const mine = this.queuedByClient.get(client) ?? 0;
    const retryAfter = this.retryAfter();
    if (this.queue.length > 0 && mine * 2 > this.queue.length) {
      return new DomainError("RATE_LIMITED", "Too many requests from this client at once. Slow down and retry after the time in Retry-After.", undefined, retryAfter);
    }
    return busy(retryAfter);
  }
}

function busy(retryAfter: number): DomainError {
  return new DomainError("UNAVAILABLE", "The server is busy. Try again in a moment.", undefined, retryAfter);
}

const globalForAdmission = globalThis as unknown as { nudgeAdmission?: Admission };

/** The process-wide admission gate, sized from the environment (DATABASE_POOL_SIZE, ADMISSION_*). */
export function admission(): Admission {
  if (!globalForAdmission.nudgeAdmission) {
    const c = databaseCapacity();
    globalForAdmission.nudgeAdmission = new Admission({ concurrency: c.poolSize, queueSize: c.queueSize, maxWaitMs: c.queueMaxWaitMs });
  }
  return globalForAdmission.nudgeAdmission;
}

/** Runs a database-heavy request through the process-wide gate. `client` identifies the caller (key, session, user). */
export function admitted<T>(client: string, fn: () => Promise<T>): Promise<T> {
  return admission().run(client, fn);
}
