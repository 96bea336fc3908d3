import { answering, apiError } from "@/lib/auth/api";
import { eventStream } from "@/lib/auth/event-stream";
import { getSessionUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { subscribeToQueue } from "@/lib/data/queue-events";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for the signed-in rep's own queue: `ready` once
 * listening, then `queue` whenever it changed (the page refetches
 * /api/queue). One dedicated Postgres connection LISTENs per open stream.
 * 401 signed out, 403 not a rep, 503 without a Postgres server (the page
 * then polls).
 */
export async function GET(req: Request): Promise<Response> {
  return answering(async () => {
    const user = await getSessionUser();
    if (!user) return apiError(401, "UNAUTHENTICATED", "Sign in to use this endpoint.");
    if (!can(user.role, "queue.work")) return apiError(403, "FORBIDDEN", "You are not allowed to use this endpoint.");
    const res = await eventStream(req, "queue", (onChange, onLost) => subscribeToQueue(user.id, onChange, onLost));
    return res ?? apiError(503, "UNAVAILABLE", "Live updates need a Postgres server; the queue refreshes every 15 seconds instead.");
  });
}
