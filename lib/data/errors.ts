import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * The SQLSTATE of a database error: through Prisma's driver adapter (the driver's error in
 * `meta.driverAdapterError.cause`, on a raw query's P2010 or a batch transaction), or pg's own error from the
 * pool (lib/data/raw.ts). Null for anything else.
 */
function sqlState(err: unknown): string | null {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const code = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause?.originalCode;
    return typeof code === "string" ? code : null;
  }
  const code = err instanceof Error && "severity" in err ? (err as { code?: unknown }).code : null;
  return typeof code === "string" ? code : null;
}

/**
 * A write refused by a unique constraint, for services to turn into a
 * CONFLICT: Prisma's P2002, a raw query's (P2010 with SQLSTATE 23505 from the
 * driver adapter), or pg's own error from a read on the pool (lib/data/raw.ts).
 */
export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code !== "P2010") return false;
  return sqlState(err) === "23505";
}

/** The database cancelled a statement at its statement_timeout (SQLSTATE 57014). */
export function isQueryTimeout(err: unknown): boolean {
  return sqlState(err) === "57014";
}
