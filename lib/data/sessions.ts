import "server-only";
import { db, type Db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";
import { readRows } from "./raw";
import { isUuid } from "@/lib/validation/postgres-safe";
import type { SessionUser } from "./users";

// Session revocation. A session token carries the user's sessionVersion at
// sign-in; the guard accepts it only while the row still has that version, so
// bumping it ends every session the user has, at once (sign-out, password
// reset, deactivation, role change).

type Client = Pick<Db, "user">;

/** Ends every existing session of the user (call inside the use case's transaction). */
export async function endSessions(client: Client, userId: string): Promise<void> {
  await client.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}

/** The user behind a session token, or null when they were deactivated, deleted, or the token's version is stale. */
export async function getCurrentSessionUser(id: string, sessionVersion: number | undefined): Promise<SessionUser | null> {
  if (typeof sessionVersion !== "number" || !isUuid(id)) return null;
  // Every signed-in request runs this: straight to the pg pool (lib/data/raw.ts), no ORM round of its own.
  const [user] = await readRows<SessionUser & { active: boolean; sessionVersion: number }>(
    db(),
    Prisma.sql`SELECT id, email, name, role::text AS role, "teamId", active, "sessionVersion" FROM "User" WHERE id = ${id}::uuid`,
  );
  if (!user || !user.active || user.sessionVersion !== sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, teamId: user.teamId };
}

/** The user's current session version (what a new session or embed token is issued under), or null for no such user. */
export async function currentSessionVersion(id: string): Promise<number | null> {
  const user = await db().user.findUnique({ where: { id }, select: { sessionVersion: true } });
  return user?.sessionVersion ?? null;
}
