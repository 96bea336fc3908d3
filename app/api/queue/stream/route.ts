import { answering, apiError } from "@/lib/auth/api";
import { getSessionUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { subscribeToQueue, type QueueSubscription } from "@/lib/data/queue-events";

export const dynamic = "force-dynamic";

/** A stream lives at most this long; the browser reconnects at once, and the session is checked again. */
const MAX_AGE_MS = 5 * 60_000;
/** A comment line now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

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

    const enc = new TextEncoder();
    let sub: QueueSubscription | null = null;
    let timers: ReturnType<typeof setTimeout>[] = [];
    let done = false;
    let ctrl: ReadableStreamDefaultController<Uint8Array> | null = null;
    const finish = () => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      timers = [];
      void sub?.close();
      try {
        ctrl?.close();
      } catch {
        // already closed by the client
      }
    };
    const send = (text: string) => {
      if (done) return;
      try {
        ctrl?.enqueue(enc.encode(text));
      } catch {
        finish();
      }
    };

    sub = await subscribeToQueue(user.id, () => send("event: queue\ndata: changed\n\n"), finish);
    if (!sub) return apiError(503, "UNAVAILABLE", "Live updates need a Postgres server; the queue refreshes every 15 seconds instead.");

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        ctrl = controller;
        send("retry: 2000\nevent: ready\ndata: live\n\n");
        timers.push(setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS), setTimeout(finish, MAX_AGE_MS));
        req.signal.addEventListener("abort", finish);
      },
      cancel: finish,
    });
    return new Response(stream, {
      headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
    });
  });
}
