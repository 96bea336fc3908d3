import { answering, apiError } from "@/lib/auth/api";
import { eventStream } from "@/lib/auth/event-stream";
import { getSessionUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { subscribeToDashboardViews } from "@/lib/data/queue-events";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for a page waiting for dashboard figures computed in the
 * background: `ready` once listening, then `figures` whenever a view computed
 * in the background was stored or failed, any view (the page reloads its data
 * and sees whether it was its own; the event carries nothing else). 401
 * signed out, 403 without dashboards.view, 503 without a Postgres server (the
 * page then only reloads on its own schedule).
 */
export async function GET(req: Request): Promise<Response> {
  return answering(async () => {
    const user = await getSessionUser();
    if (!user) return apiError(401, "UNAUTHENTICATED", "Sign in to use this endpoint.");
    if (!can(user.role, "dashboards.view")) return apiError(403, "FORBIDDEN", "You are not allowed to use this endpoint.");
    const res = await eventStream(req, "figures", subscribeToDashboardViews);
    return res ?? apiError(503, "UNAVAILABLE", "Live updates need a Postgres server; the page reloads on its own instead.");
  });
}
