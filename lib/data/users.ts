import "server-only";
import { db } from "./db";
import type { Role } from "@/lib/generated/prisma/enums";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
}

const sessionUserSelect = { id: true, email: true, name: true, role: true, teamId: true, active: true } as const;

/** The user behind a session, or null when they no longer exist or were deactivated. */
export async function getActiveUserById(id: string): Promise<SessionUser | null> {
  const user = await db().user.findUnique({ where: { id }, select: sessionUserSelect });
  if (!user || !user.active) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, teamId: user.teamId };
}

/** For sign-in only: the one query that reads a password hash. */
export async function getUserForSignIn(email: string) {
  return db().user.findUnique({
    where: { email },
    select: { ...sessionUserSelect, passwordHash: true, sessionVersion: true },
  });
}

export async function recordUsage(userId: string, type: "SIGN_IN" | "QUEUE_VIEW" | "CUSTOMER_VIEW" | "REACTION" | "DASHBOARD_VIEW", meta?: Record<string, string | number | boolean | null>) {
  await db().usageEvent.createMany({ data: [{ userId, type, meta: meta ?? undefined }] });
}

export async function getActiveUserByEmail(email: string): Promise<SessionUser | null> {
  const user = await db().user.findUnique({ where: { email }, select: sessionUserSelect });
  if (!user || !user.active) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, teamId: user.teamId };
}
