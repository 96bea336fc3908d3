import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseCapacity, databaseMode, databaseReadUrl } from "@/lib/config/env";
import { withTransientRetry } from "./retry";

// One Prisma client per process, cached on globalThis so hot reload in dev does
// not open a new pool each time. The password hash is omitted globally: no query
// returns it unless it asks for it explicitly (lib/auth/credentials.ts does).
function createClient(replica = false) {
  const mode = databaseMode();
  const omit = { user: { passwordHash: true }, apiKey: { secretHash: true } } as const;
  const capacity = databaseCapacity();
  // How long an interactive transaction may wait for a connection (maxWait,
  // then P2028, which lib/data/retry.ts retries) and run (timeout).
  const transactionOptions = { maxWait: capacity.txMaxWaitMs, timeout: capacity.txTimeoutMs };
  const readUrl = databaseReadUrl();
  if (replica && mode.kind === "postgres" && readUrl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof import("@prisma/adapter-pg");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool } = require("pg") as typeof import("pg");
    // The replica serves the long dashboard aggregates: a few connections, the same settings as the primary's.
    const pool = new Pool({ connectionString: readUrl, max: Math.min(capacity.poolSize, 4), connectionTimeoutMillis: capacity.txMaxWaitMs, options: "-c jit=off" });
    pool.on("error", (err) => console.warn("read replica connection lost:", err.message));
    pool.on("connect", (client) => client.on("error", () => {}));
    globalForDb.nudgeReadPool = pool;
    return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }), omit, transactionOptions });
  }
  if (mode.kind === "postgres") {
    // Loaded lazily so the embedded path never needs pg and vice versa. JIT off:
    // compiling the learning aggregate cost more than running it (measured).
    // A plain query waits for a pooled connection at most as long as a
    // transaction does (pg's default is forever). An idle connection the
    // server drops (restart, failover) is logged and replaced, never fatal.
    // The pool is the process's own (pgPool()): the batch's bulk reads use it
    // without Prisma's row conversion (lib/data/raw.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof import("@prisma/adapter-pg");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool } = require("pg") as typeof import("pg");
    const pool = new Pool({ connectionString: mode.url, max: capacity.poolSize, connectionTimeoutMillis: capacity.txMaxWaitMs, options: "-c jit=off" });
    // From the pool's birth, not from Prisma's first connect (its adapter listens only then): a process whose reads
    // all go straight to the pool (readRows) would otherwise die of the first idle connection the server ends, the
    // error of an 'error' event nobody listens to (tests/integration/pool-errors.test.ts).
    pool.on("error", (err) => console.warn("database connection lost:", err.message));
    // And each connection keeps a listener of its own for life. pool.connect() resolves a promise, so its holder
    // (rawTransaction, Prisma's transactions) listens a microtask after the pool stops listening; the server's
    // "terminating connection" can arrive in that window (in the same read as the end of the handshake, when the
    // server stops). A holder still sees the loss: its next query fails and it drops the connection.
    pool.on("connect", (client) => client.on("error", () => {}));
    globalForDb.nudgePool = pool;
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    return new PrismaClient({ adapter, omit, transactionOptions });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require("@electric-sql/pglite") as typeof import("@electric-sql/pglite");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PrismaPGlite } = require("pglite-prisma-adapter") as typeof import("pglite-prisma-adapter");
  const pglite = new PGlite(mode.dir);
  globalForDb.nudgePglite = pglite;
  return new PrismaClient({ adapter: new PrismaPGlite(pglite), omit, transactionOptions });
}

export type Db = ReturnType<typeof createClient>;

const globalForDb = globalThis as unknown as {
  nudgeDb?: Db;
  nudgePglite?: { close(): Promise<void> };
  nudgePool?: import("pg").Pool;
  nudgeReadDb?: Db;
  nudgeReadPool?: import("pg").Pool;
};

/** Set while a computation reads from the replica (onReadReplica). */
const replicaScope = new AsyncLocalStorage<true>();

/**
 * The process-wide Prisma client, created on first use (never at import, so `next build` needs no database);
 * inside onReadReplica, the read replica's.
 */
export function db(): Db {
  if (replicaScope.getStore()) {
    globalForDb.nudgeReadDb ??= createClient(true);
    return globalForDb.nudgeReadDb;
  }
  globalForDb.nudgeDb ??= createClient();
  return globalForDb.nudgeDb;
}

/**
 * The process client's pg pool, when the database is a Postgres server (null
 * on the embedded one); inside onReadReplica, the replica's. Only lib/data/raw.ts reads through it.
 */
export function pgPool(): import("pg").Pool | null {
  const replica = replicaScope.getStore() === true;
  db();
  return (replica ? globalForDb.nudgeReadPool : globalForDb.nudgePool) ?? null;
}

/**
 * Runs `fn` with db(), transactions and the raw reads on the read replica
 * (DATABASE_READ_URL), or on the primary when none is set. Only for reads: a
 * replica refuses writes, so a computation writes its result after `fn`
 * returns (lib/services/dashboard-compute.ts). What `fn` reads is as of the
 * replica's last replayed transaction, usually a second or less behind.
 */
export function onReadReplica<T>(fn: () => Promise<T>): Promise<T> {
  return databaseReadUrl() && databaseMode().kind === "postgres" ? replicaScope.run(true, fn) : fn();
}

/** The client an interactive transaction's callback receives. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * An interactive transaction on the process-wide client, run again (with a
 * jittered back-off, a bounded number of times) when it fails transiently:
 * no connection within DATABASE_TX_MAX_WAIT_MS, serialization failure,
 * deadlock, a connection lost while Postgres restarts (lib/data/retry.ts).
 * The callback must only touch the database (it may run more than once).
 * Still failing, it throws DomainError UNAVAILABLE (503 with Retry-After).
 */
export function transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T> {
  return withTransientRetry(() => db().$transaction(fn, options));
}

/** Closes the client (scripts and tests call this before exiting). */
export async function disconnectDb(): Promise<void> {
  const client = globalForDb.nudgeDb;
  const replica = globalForDb.nudgeReadDb;
  const pglite = globalForDb.nudgePglite;
  globalForDb.nudgeDb = undefined;
  globalForDb.nudgeReadDb = undefined;
  globalForDb.nudgePglite = undefined;
  globalForDb.nudgePool = undefined;
  globalForDb.nudgeReadPool = undefined;
  await client?.$disconnect();
  await replica?.$disconnect();
  // The PGlite adapter's dispose is a no-op; close the database ourselves so it flushes and the process can exit.
  await pglite?.close();
}
