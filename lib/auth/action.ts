import "server-only";
import type { z } from "zod";
import { getSessionUser } from "./guard";
import { can, type Permission } from "./permissions";
import type { SessionUser } from "@/lib/data/users";

export type ActionError = { code: "UNAUTHENTICATED" | "FORBIDDEN" | "INVALID" | "NOT_FOUND" | "CONFLICT" | "INTERNAL"; message: string; fieldErrors?: Record<string, string[]> };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/** Thrown by the work behind an action to return a specific, user-facing error. */
export class ActionFailure extends Error {
  constructor(
    readonly code: ActionError["code"],
    message: string,
  ) {
    super(message);
  }
}

/**
 * Every server action goes through here: session -> permission -> zod parse ->
 * handler -> typed result. Unexpected errors are logged, never leaked.
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
      if (err instanceof ActionFailure) return { ok: false, error: { code: err.code, message: err.message } };
      console.error("server action failed", err);
      return { ok: false, error: { code: "INTERNAL", message: "Something went wrong on our side. Try again." } };
    }
  };
}
