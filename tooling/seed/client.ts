import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

/** Any generated Prisma client, whatever its global `omit` (lib/data/db.ts hides password hashes). */
export type SeedClient<O extends Prisma.PrismaClientOptions["omit"] = Prisma.PrismaClientOptions["omit"]> = PrismaClient<never, O>;
export type SeedOmit = Prisma.PrismaClientOptions["omit"];

export const DAY = 86_400_000;

export function startOfUtcDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY) * DAY);
}
