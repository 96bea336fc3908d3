// The domain vocabulary as SQL fragments, so queries take status groups (and
// the attribution window) from lib/domain/vocabulary.ts instead of spelling
// them out. Write `status IN ${OPEN_SQL}` inside Prisma.sql / $queryRaw /
// $executeRaw templates. The fragments are Prisma.raw text built once from our
// own constants (checked to be plain identifiers), never from user input.
import { Prisma } from "@/lib/generated/prisma/client";
import { ACTED_ON_STATUSES, ATTRIBUTION_WINDOW_DAYS, CLOSED_STATUSES, DECIDED_STATUSES, OPEN_STATUSES } from "@/lib/domain/vocabulary";

const IDENTIFIER = /^[A-Z][A-Z_]*$/;

/** A single quoted literal, e.g. `'EXPIRED'`, for a vocabulary constant. */
export function sqlLiteral(value: string): Prisma.Sql {
  if (!IDENTIFIER.test(value)) throw new Error(`Not a vocabulary constant: ${JSON.stringify(value)}`);
  return Prisma.raw(`'${value}'`);
}

/** A parenthesised list of quoted literals, e.g. `('A', 'B')`, for `IN`. */
export function sqlList(values: readonly string[]): Prisma.Sql {
  if (values.length === 0) throw new Error("An SQL IN list needs at least one value");
  for (const v of values) if (!IDENTIFIER.test(v)) throw new Error(`Not a vocabulary constant: ${JSON.stringify(v)}`);
  return Prisma.raw(`(${values.map((v) => `'${v}'`).join(", ")})`);
}

/** `status IN ${OPEN_SQL}`: pending, accepted, snoozed. */
export const OPEN_SQL = sqlList(OPEN_STATUSES);
/** `status IN ${ACTED_ON_SQL}`: accepted, done. */
export const ACTED_ON_SQL = sqlList(ACTED_ON_STATUSES);
/** `status IN ${DECIDED_SQL}`: accepted, done, dismissed. */
export const DECIDED_SQL = sqlList(DECIDED_STATUSES);
/** `status IN ${CLOSED_SQL}`: dismissed, done, expired. */
export const CLOSED_SQL = sqlList(CLOSED_STATUSES);

/** The attribution window as an interval literal, e.g. `interval '14 days'`. */
export const ATTRIBUTION_WINDOW_SQL = Prisma.raw(`interval '${Number(ATTRIBUTION_WINDOW_DAYS)} days'`);

/** SQL for lib/domain/vocabulary.ts `isResolved`, on the Recommendation row aliased `alias` (or unqualified). */
export function resolvedSql(alias?: "r"): Prisma.Sql {
  const c = (col: string) => Prisma.raw(alias ? `${alias}."${col}"` : `"${col}"`);
  return Prisma.sql`(NOT ${c("isControl")} AND (${c("status")} IN ${DECIDED_SQL} OR (${c("status")} = ${sqlLiteral("EXPIRED")} AND ${c("shownAt")} IS NOT NULL)))`;
}
