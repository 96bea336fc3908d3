import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * A write refused by a unique constraint, for services to turn into a
 * CONFLICT: Prisma's P2002, a raw query's (P2010 with SQLSTATE 23505 from the
 * driver adapter), or pg's own error from a read on the pool (lib/data/raw.ts).
 */
export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === "P2002") return true;
    const cause = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause;
    return err.code === "P2010" && cause?.originalCode === UNIQUE_VIOLATION;
  }
  return err instanceof Error && (err as { code?: unknown }).code === UNIQUE_VIOLATION && "severity" in err;
}

const UNIQUE_VIOLATION = "23505";

const QUERY_CANCELED = "57014";

/**
 * The database cancelled a statement at its statement_timeout (SQLSTATE 57014): through Prisma's driver adapter
 * (P2010 from a raw query, or the adapter error on a batch transaction), or pg's own error from the pool.
 */
export function isQueryTimeout(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause;
    return cause?.originalCode === QUERY_CANCELED;
  }
  return err instanceof Error && (err as { code?: unknown }).code === QUERY_CANCELED && "severity" in err;
}
