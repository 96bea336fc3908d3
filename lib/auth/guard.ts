import "server-only";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { authSecret } from "@/lib/config/env";
import { can, type Permission } from "./permissions";
import { decodeSessionToken, sessionTokenFrom } from "./session-token";
import { getCurrentSessionUser } from "@/lib/data/sessions";
import type { SessionUser } from "@/lib/data/users";

/**
 * The signed-in user: the session cookie's token (lib/auth/session-token.ts),
 * then the user it names re-read from the database on every request (once, via
 * cache), so a deactivated user's session stops working at once, and so does a
 * session issued before the user's last sign-out, password reset or role change
 * (its sessionVersion is stale).
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const jar = await cookies();
  const token = await decodeSessionToken(sessionTokenFrom((name) => jar.get(name)?.value), authSecret());
  if (!token?.uid) return null;
  return getCurrentSessionUser(token.uid, token.sv);
});

/** For pages and layouts: signed-out visitors go to /signin. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  return user;
}

/** For pages: the signed-in user, or the 403 "not allowed" page. */
export async function requirePermission(permission: Permission): Promise<SessionUser> {
  const user = await requireUser();
  if (!can(user.role, permission)) forbidden();
  return user;
}
