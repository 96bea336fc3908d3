import "server-only";
import { unstable_rethrow } from "next/navigation";
import { NextResponse } from "next/server";
import { admitted } from "./admission";
import { getSessionUser } from "./guard";
import { can, type Permission } from "./permissions";
import { isTransientDbError, unavailable } from "@/lib/data/retry";
import type { SessionUser } from "@/lib/data/users";
import { HTTP_STATUS, isDomainError, type FieldIssue } from "@/lib/domain/errors";

/** The API's error JSON: `{ error: { code, message, details? } }`. */
export function apiError(status: number, code: string, message: string, details?: FieldIssue[], headers?: HeadersInit) {
  return NextResponse.json({ error: { code, message, ...(details ? { details } : {}) } }, { status, headers });
}

/**
 * The one place a thrown error becomes an HTTP answer: a DomainError as its
 * code's status (with Retry-After when it says when to retry); anything else
 * is logged and answered 500 without its details (Next.js's own control-flow
 * errors are rethrown). A database that is down or overloaded (a transient
 * error, lib/data/retry.ts) is answered 503 with Retry-After, not 500.
 */
export function toApiResponse(err: unknown): Response {
  if (!isDomainError(err) && isTransientDbError(err)) {
    console.warn("database unavailable:", err instanceof Error ? err.message.split("\n").slice(-1)[0] : err);
    err = unavailable();
  }
  if (isDomainError(err)) {
    const headers = err.retryAfter !== undefined ? { "Retry-After": String(Math.max(0, Math.ceil(err.retryAfter))) } : undefined;
    return apiError(HTTP_STATUS[err.code], err.code, err.message, err.details, headers);
  }
  unstable_rethrow(err); // Next.js control flow (redirect, notFound, dynamic usage) is not a failure
  console.error("route handler failed", err);
  return apiError(500, "INTERNAL", "Something went wrong on our side. Try again.");
}

/** Runs a route handler, answering whatever it throws through toApiResponse. */
export async function answering(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    return toApiResponse(err);
  }
}

/** Route handlers used by the app's own pages: admission, session and permission, as JSON errors. */
export function withSessionUser<C>(permission: Permission, handler: (user: SessionUser, req: Request, ctx: C) => Promise<Response>) {
  return async (req: Request, ctx: C): Promise<Response> =>
    answering(() =>
      admitted(`session:${sessionCookie(req)}`, async () => {
        const user = await getSessionUser();
        if (!user) return apiError(401, "UNAUTHENTICATED", "Sign in to use this endpoint.");
        if (!can(user.role, permission)) return apiError(403, "FORBIDDEN", "You are not allowed to use this endpoint.");
        return handler(user, req, ctx);
      }),
    );
}

/** The caller's session cookie (identifies a client to admission control without a database read). */
function sessionCookie(req: Request): string {
  const cookie = req.headers.get("cookie") ?? "";
  return cookie.match(/(?:^|;\s*)(?:__Secure-)?next-auth\.session-token=([^;]+)/)?.[1] ?? "anonymous";
}
