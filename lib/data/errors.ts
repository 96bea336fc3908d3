import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";

/** A write refused by a unique constraint (Prisma P2002), for services to turn into a CONFLICT. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}
