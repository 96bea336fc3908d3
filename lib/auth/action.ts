import "server-only";
import type { z } from "zod";
import { admitted } from "./admission";
import { getSessionUser } from "./guard";
import { can, type Permission } from "./permissions";
import { isTransientDbError, unavailable } from "@/lib/data/retry";
import type { SessionUser } from "@/lib/data/users";
import { isDomainError, type ErrorCode } from "@/lib/domain/errors";

export type ActionError = { code: ErrorCode; message: string; fieldErrors?: Record<string, string[]>; /** Seconds to wait before retrying (RATE_LIMITED, UNAVAILABLE). */ retryAfter?: number };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/**
 * Every server action goes through here: session -> permission -> zod parse ->
 * handler -> typed result. The one place a DomainError thrown by the work
 * behind an action becomes its user-facing error; unexpected errors are
 * logged, never leaked.
 */
export function authedAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (user: SessionUser, input: z.output<S>) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => run(() => getSessionUser(), permission, schema, handler, input);
}

/**
 * The same, for a caller identified by a signed token instead of a session
 * cookie (the embed inside a CRM's frame, where third-party cookies are
 * blocked): `resolve` turns the token into the user, or null when it is
 * invalid, expired, or for someone who has since signed out everywhere.
 */
export function tokenAction<S extends z.ZodType, T>(
  resolve: (token: string) => Promise<SessionUser | null>,
  permission: Permission,
  schema: S,
  handler: (user: SessionUser, input: z.output<S>, token: string) => Promise<T>,
): (token: string, input: z.input<S>) => Promise<ActionResult<T>> {
  return async (token, input) =>
    typeof token === "string" && token.length <= 4096
      ? run(() => resolve(token), permission, schema, (user, parsed) => handler(user, parsed, token), input)
      : { ok: false, error: { code: "UNAUTHENTICATED", message: "This panel's sign-in has ended. Reload the CRM page." } };
}

async function run<S extends z.ZodType, T>(
  who: () => Promise<SessionUser | null>,
  permission: Permission,
  schema: S,
  handler: (user: SessionUser, input: z.output<S>) => Promise<T>,
  input: z.input<S>,
): Promise<ActionResult<T>> {
  try {
    const user = await who();
    if (!user) return { ok: false, error: { code: "UNAUTHENTICATED", message: "Your session has ended. Sign in again." } };
    if (!can(user.role, permission)) return { ok: false, error: { code: "FORBIDDEN", message: "You are not allowed to do this." } };
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".") || "_";
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return { ok: false, error: { code: "INVALID", message: "Some fields need attention.", fieldErrors } };
    }
    // Admission (lib/auth/admission.ts): a saturated server answers
    // UNAVAILABLE / RATE_LIMITED with retryAfter instead of queueing forever.
    const data = await admitted(`user:${user.id}`, () => handler(user, parsed.data));
    return { ok: true, data };
  } catch (err) {
    if (isDomainError(err)) return { ok: false, error: toActionError(err) };
    // A database down or overloaded past the retries: "try again", not a failure.
    if (isTransientDbError(err)) return { ok: false, error: toActionError(unavailable()) };
    console.error("server action failed", err);
    return { ok: false, error: { code: "INTERNAL", message: "Something went wrong on our side. Try again." } };
  }
}

function toActionError(err: { code: ErrorCode; message: string; details?: { path: string; message: string }[]; retryAfter?: number }): ActionError {
  const retry = err.retryAfter !== undefined ? { retryAfter: Math.max(0, Math.ceil(err.retryAfter)) } : {};
  if (!err.details?.length) return { code: err.code, message: err.message, ...retry };
  const fieldErrors: Record<string, string[]> = {};
  for (const d of err.details) (fieldErrors[d.path || "_"] ??= []).push(d.message);
  return { code: err.code, message: err.message, fieldErrors, ...retry };
}
