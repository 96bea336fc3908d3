import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db, pgPool } from "./db";

// Bulk reads without Prisma's row conversion. Prisma's raw queries turn each
// timestamp into text and back into a Date and copy every row once more; on
// the batch's reads (a chunk of 5,000 customers and their history, 100,000+
// rows per run on the large data set) that conversion and its garbage cost the
// worker about as much CPU as deciding. Only for reads issued on the process
// client: a transaction's client keeps Prisma (its reads must see its own
// writes), and so does the embedded database.

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

/** A Date parameter as UTC text: Postgres reads it into `timestamp` unshifted whatever this process's time zone. */
const param = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

/**
 * The rows of `query`, as `client.$queryRaw` returns them (column names as
 * keys; timestamps and dates as Date; numerics, bigints and json as text the
 * query casts them to), straight from the pg pool when `client` is the
 * process client on a Postgres server.
 */
export async function readRows<T>(client: Queryable, query: Prisma.Sql): Promise<T[]> {
  const pool = client === (db() as unknown) ? pgPool() : null;
  if (!pool) return client.$queryRaw<T[]>(query);
  const result = await pool.query<T & object>({
    text: query.text,
    values: query.values.map(param),
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        const custom = format !== "binary" ? parsers[oid] : undefined;
        return custom ?? defaultParser(oid, format);
      }) as never,
    },
  });
  return result.rows;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pgTypes = () => (require("pg") as typeof import("pg")).types;
const defaultParser = (oid: number, format?: string) => pgTypes().getTypeParser(oid, (format ?? "text") as "text");
