import "server-only";
import type { z } from "zod";
import { getSessionUser } from "./guard";
import { can, type Permission } from "./permissions";
import type { SessionUser } from "@/lib/data/users";
import { isDomainError, type ErrorCode } from "@/lib/domain/errors";

export type ActionError = { code: ErrorCode; message: string; fieldErrors?: Record<string, string[]> };
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
  return async (input) => {
    const user = await getSessionUser();
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
    try {
      return { ok: true, data: await handler(user, parsed.data) };
    } catch (err) {
      if (isDomainError(err)) return { ok: false, error: toActionError(err) };
      console.error("server action failed", err);
      return { ok: false, error: { code: "INTERNAL", message: "Something went wrong on our side. Try again." } };
    }
  };
}

function toActionError(err: { code: ErrorCode; message: string; details?: { path: string; message: string }[] }): ActionError {
  if (!err.details?.length) return { code: err.code, message: err.message };
  const fieldErrors: Record<string, string[]> = {};
  for (const d of err.details) (fieldErrors[d.path || "_"] ??= []).push(d.message);
  return { code: err.code, message: err.message, fieldErrors };
}
