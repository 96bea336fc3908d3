// Bulk inserts for the seed: each chunk is one INSERT ... SELECT FROM
// json_to_recordset($1), a single parameter however many rows. Prisma's
// createMany spends ~150 µs of JavaScript per row building its query, which
// made 57k events take ~9 s; this takes a fraction of that on Postgres and
// on embedded PGlite alike.
import type { SeedClient, SeedOmit } from "./client";

/** SQL type of each column to fill, keyed by the row's property (= column) name. */
export type ColumnTypes<R> = { readonly [K in keyof R & string]?: string };

function quote(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Bad identifier ${name}`);
  return `"${name}"`;
}

export async function bulkInsert<R extends object, O extends SeedOmit>(
  prisma: SeedClient<O>,
  table: string,
  types: ColumnTypes<R>,
  rows: readonly R[],
  chunkSize = 10_000,
): Promise<number> {
  const entries = Object.entries(types).filter((e): e is [string, string] => typeof e[1] === "string");
  const cols = entries.map(([name]) => quote(name)).join(", ");
  const defs = entries.map(([name, type]) => `${quote(name)} ${type}`).join(", ");
  const sql = `INSERT INTO ${quote(table)} (${cols}) SELECT ${cols} FROM json_to_recordset($1::json) AS x(${defs})`;
  let written = 0;
  for (let i = 0; i < rows.length; i += chunkSize) {
    // Dates serialise as ISO-8601 UTC, which timestamp(3) and date columns read as such.
    written += await prisma.$executeRawUnsafe(sql, JSON.stringify(rows.slice(i, i + chunkSize)));
  }
  return written;
}
