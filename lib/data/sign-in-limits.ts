import "server-only";
import { RateLimiterPrisma } from "rate-limiter-flexible";
import { db } from "./db";

// Storage for the sign-in throttle (lib/services/sign-in-throttle.ts): its
// counters live in the app's database (table "SignInLimit", through the one
// Prisma client), so every app instance counts the same attempts and a restart
// forgets nothing. rate-limiter-flexible's Prisma store increments a counter in
// one upsert, and deletes rows that expired over an hour ago every five minutes.

/** A limiter over the "SignInLimit" table. */
export function databaseLimiter(spec: { keyPrefix: string; points: number; durationSeconds: number }): RateLimiterPrisma {
  return new RateLimiterPrisma({ storeClient: db(), tableName: "signInLimit", keyPrefix: spec.keyPrefix, points: spec.points, duration: spec.durationSeconds });
}
