import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { databaseCapacity } from "@/lib/config/env";
import { db, pgPool, transaction, type Db } from "./db";
import { withTransientRetry } from "./retry";

// Queries straight to the pg pool, without Prisma. Prisma's raw queries turn
// each timestamp into text and back into a Date and copy every row once more;
// on the batch's reads (a chunk of 5,000 customers and their history, 100,000+
// rows per run on the large data set) that conversion and its garbage cost the
// worker about as much CPU as deciding, and on a short request (an event's
// re-score) its per-statement cost was most of the request. readRows: a read
// on the process client (a Prisma transaction's client keeps Prisma: its reads
// must see its own writes). rawTransaction: a whole transaction of raw
// statements on one pooled connection. The embedded database keeps Prisma.

type Queryable = Pick<Prisma.TransactionClient, "$queryRaw">;

const OID = { date: 1082, timestamp: 1114 } as const;

/** Values as Prisma gives them: `timestamp` is UTC (Postgres stores no zone), `date` is UTC midnight. */
const parsers: Record<number, (text: string) => unknown> = {
  [OID.timestamp]: parseTimestamp,
  [OID.date]: parseDate,
};

/**
 * "2026-12-03 09:58:01.123" as UTC, read digit by digit (parsing the string
 * as a date, or slicing it into fields, cost a sixth of the batch's read CPU
 * and a tenth of its garbage); anything else (BC, infinity, a year before
 * 1000 or after 9999, an offset) through the Date parser.
 */
export function parseTimestamp(t: string): Date {
  const n = t.length;
  if (n >= 19 && n <= 26 && t.charCodeAt(4) === 45 && t.charCodeAt(10) === 32 && t.charCodeAt(0) !== 48 && (n === 19 || t.charCodeAt(19) === 46)) {
    let ms = 0;
    let ok = true;
    for (let i = 20; i < n; i++) {
      const v = digit(t, i);
      if (v < 0 || v > 9) ok = false;
      else if (i < 23) ms += v * (i === 20 ? 100 : i === 21 ? 10 : 1);
    }
    if (ok) {
      const year = digit(t, 0) * 1000 + digit(t, 1) * 100 + digit(t, 2) * 10 + digit(t, 3);
      return new Date(Date.UTC(year, two(t, 5) - 1, two(t, 8), two(t, 11), two(t, 14), two(t, 17), ms));
    }
  }
  return new Date(`${t.replace(" ", "T")}Z`);
}

/** "2026-12-03" as UTC midnight (as Prisma reads a `date`), digit by digit; anything else through the Date parser. */
export function parseDate(t: string): Date {
  if (t.length === 10 && t.charCodeAt(4) === 45 && t.charCodeAt(7) === 45 && t.charCodeAt(0) !== 48) {
    return new Date(Date.UTC(digit(t, 0) * 1000 + digit(t, 1) * 100 + two(t, 2), two(t, 5) - 1, two(t, 8)));
  }
  return new Date(`${t}T00:00:00Z`);
}

const digit = (t: string, i: number) => t.charCodeAt(i) - 48;
const two = (t: string, i: number) => digit(t, i) * 10 + digit(t, i + 1);

/** A Date parameter (alone or in an array) as UTC text: Postgres reads it into `timestamp` unshifted whatever this process's time zone. */
const param = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.map(param) : v);

/** pg's type parsers with timestamps and dates read as Prisma reads them. */
const TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    const custom = format !== "binary" ? parsers[oid] : undefined;
    return custom ?? defaultParser(oid, format);
  }) as never,
};

const toQuery = (query: Prisma.Sql) => ({ text: query.text, values: query.values.map(param), types: TYPES });

/**
 * The rows of `query`, as `client.$queryRaw` returns them (column names as
 * keys; timestamps and dates as Date; numerics, bigints and json as text the
 * query casts them to), straight from the pg pool when `client` is the
 * process client on a Postgres server.
 */
export async function readRows<T>(client: Queryable, query: Prisma.Sql): Promise<T[]> {
  const pool = client === (db() as unknown) ? pgPool() : null;
  if (!pool) return client.$queryRaw<T[]>(query);
  const result = await pool.query<T & object>(toQuery(query));
  return result.rows;
}

/** What a raw transaction's callback may do: raw queries (the data layer's `Client`). */
export type RawClient = Pick<Db, "$queryRaw" | "$executeRaw">;

type Connection = import("pg").PoolClient;

/** $queryRaw and $executeRaw, as tagged templates or with a Prisma.Sql, on one pg connection (values as readRows reads them). */
function onConnection(conn: Connection): RawClient {
  const run = (q: TemplateStringsArray | Prisma.Sql, values: unknown[]) =>
    conn.query(toQuery(q instanceof Prisma.Sql ? q : Prisma.sql(q, ...(values as Prisma.Sql[]))));
  const client = {
    $queryRaw: (q: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => run(q, values).then((r) => r.rows),
    $executeRaw: (q: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => run(q, values).then((r) => r.rowCount ?? 0),
  };
  return client as unknown as RawClient;
}

/**
 * A transaction of raw queries on one connection straight from the pg pool
 * (Prisma's interactive transaction costs about half a millisecond of CPU per
 * statement in its query engine and bookkeeping: most of a short request's
 * time). BEGIN and the statement timeout go in one round trip; the callback's
 * statements run in order on the connection; COMMIT, or ROLLBACK on any
 * error. Run again when it fails transiently, like `transaction` (the
 * callback must only touch the database). On the embedded database it is
 * Prisma's interactive transaction.
 */
export function rawTransaction<T>(fn: (client: RawClient) => Promise<T>): Promise<T> {
  const pool = pgPool();
  if (!pool) return transaction(fn);
  const timeoutMs = Math.max(1, Math.round(databaseCapacity().txTimeoutMs));
  return withTransientRetry(async () => {
    const conn = await pool.connect();
    // A connection that fails (the server ended it: an error event while it is checked out, which would otherwise be
    // uncaught) or cannot even roll back is dropped, not given back to the pool.
    let broken: Error | undefined;
    const onError = (err: Error) => (broken = err);
    conn.on("error", onError);
    try {
      await conn.query(`BEGIN; SET LOCAL statement_timeout = ${timeoutMs}`);
      const result = await fn(onConnection(conn));
      await conn.query("COMMIT");
      return result;
    } catch (err) {
      await conn.query("ROLLBACK").catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
      throw err;
    } finally {
      conn.off("error", onError);
      conn.release(broken);
    }
  });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pgTypes = () => (require("pg") as typeof import("pg")).types;
const defaultParser = (oid: number, format?: string) => pgTypes().getTypeParser(oid, (format ?? "text") as "text");
