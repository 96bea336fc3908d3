import "server-only";
import { NextResponse } from "next/server";
import { getSessionUser } from "./guard";
import { can, type Permission } from "./permissions";
import type { SessionUser } from "@/lib/data/users";

export function apiError(status: number, code: string, message: string, details?: { path: string; message: string }[]) {
  return NextResponse.json({ error: { code, message, ...(details ? { details } : {}) } }, { status });
}

/** Route handlers used by the app's own pages: session and permission, as JSON errors. */
export function withSessionUser<C>(permission: Permission, handler: (user: SessionUser, req: Request, ctx: C) => Promise<Response>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    const user = await getSessionUser();
    if (!user) return apiError(401, "UNAUTHENTICATED", "Sign in to use this endpoint.");
    if (!can(user.role, permission)) return apiError(403, "FORBIDDEN", "You are not allowed to use this endpoint.");
    return handler(user, req, ctx);
  };
}
