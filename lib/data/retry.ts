import "server-only";
import { DomainError } from "@/lib/domain/errors";

// Transient database errors, recognised and retried in one place.
//
// Transient: the same work would likely succeed if tried again in a moment.
// A transaction that waited too long for a pooled connection (Prisma P2028),
// a serialization failure (40001) or deadlock (40P01, both Prisma P2034 for
// ORM calls), too many connections (53300, P2037), and the connection errors
// seen while Postgres restarts: refused (P1001), reset or closed (P1017),
// timed out (P1008), a transaction whose connection went away (P1018,
// "Transaction already closed"), "terminating connection due to administrator command"
// (57P01), "the database system is starting up / shutting down" (57P03), any
// connection exception (class 08). Raw queries report them as P2010 with the
// driver's error in `meta.driverAdapterError`; errors from the pool itself
// (pg's "Connection terminated", connect timeout) arrive as plain errors.
//
// Anything else (constraint violations, bad input, bugs) is not transient and
// is rethrown at once.

const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P1018", "P2024", "P2028", "P2034", "P2037"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionWriteConflict", "TransactionAlreadyClosed"]);
const SQLSTATES = new Set(["40001", "40P01", "53300", "53400", "57P01", "57P02", "57P03", "55P03"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ECONNABORTED"]);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|is not queryable|Connection is closed|Server has closed the connection|Transaction already closed|not yet accepting connections|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|Unable to start a transaction in the given time|ECONNREFUSED|ECONNRESET/i;

type Loose = { code?: unknown; message?: unknown; meta?: unknown; cause?: unknown; kind?: unknown; originalCode?: unknown; name?: unknown };

function sqlstateTransient(code: unknown): boolean {
  return typeof code === "string" && (SQLSTATES.has(code) || /^08/.test(code));
}

/** True when `err` is a database error worth trying again in a moment. */
export function isTransientDbError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 4) return false;
  const e = err as Loose;
  if (typeof e.code === "string") {
    if (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code) || sqlstateTransient(e.code)) return true;
  }
  // A driver adapter error: on a Prisma error's meta, or thrown as it is.
  const adapter = (e.meta as { driverAdapterError?: Loose } | undefined)?.driverAdapterError ?? (e.name === "DriverAdapterError" ? e : undefined);
  const cause = adapter?.cause as Loose | undefined;
  if (cause) {
    if (typeof cause.kind === "string" && ADAPTER_KINDS.has(cause.kind)) return true;
    if (sqlstateTransient(cause.originalCode) || sqlstateTransient(cause.code)) return true;
  }
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isTransientDbError(e.cause, depth + 1);
}

/** Seconds a client is told to wait when the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

/** The 503 a transient database error becomes once retrying is over. */
export function unavailable(retryAfter = UNAVAILABLE_RETRY_AFTER_S): DomainError {
  return new DomainError("UNAVAILABLE", "The database is busy or unavailable. Try again in a few seconds.", undefined, retryAfter);
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  attempts?: number;
  /** Back-off before the second attempt, doubled each time, with full jitter (default 50 ms). */
  baseDelayMs?: number;
  /** Longest single back-off (default 1,000 ms). */
  maxDelayMs?: number;
  /** For tests: the random source and the sleep. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, trying again after a jittered exponential back-off when it fails
 * with a transient database error, at most `attempts` times in all. When the
 * last attempt still fails transiently it throws DomainError UNAVAILABLE (503
 * with Retry-After), never the raw error; any other error is rethrown at once.
 * `fn` must be safe to run again: an interactive transaction is (it rolled
 * back), a sequence of separate writes is not.
 */
export async function withTransientRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const base = opts.baseDelayMs ?? 50;
  const cap = opts.maxDelayMs ?? 1000;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientDbError(err)) throw err;
      if (attempt >= attempts) {
        console.warn(`database unavailable after ${attempts} attempts:`, err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
        throw unavailable();
      }
      // Full jitter: anywhere between 0 and the doubled base, so a burst of
      // failed transactions does not come back at the same instant.
      await sleep(Math.round(random() * Math.min(cap, base * 2 ** (attempt - 1))));
    }
  }
}
