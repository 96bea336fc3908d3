import "server-only";
import type { ChannelSubscription } from "@/lib/data/queue-events";

/** A stream lives at most this long; the browser reconnects at once, and the session is checked again. */
const MAX_AGE_MS = 5 * 60_000;
/** A comment line now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

/**
 * A server-sent events response: `ready` once listening, then `event` (data
 * "changed") for each notification `subscribe` passes on; a heartbeat comment
 * every 25 s; closed after five minutes (the browser reconnects, and the
 * caller checks the session again), or when the client goes or the database
 * connection is lost. Null when `subscribe` cannot listen (the embedded
 * database): the caller answers 503 and the page polls.
 */
export async function eventStream(
  req: Request,
  event: string,
  subscribe: (onChange: () => void, onLost: () => void) => Promise<ChannelSubscription | null>,
): Promise<Response | null> {
  const enc = new TextEncoder();
  let sub: ChannelSubscription | null = null;
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

  sub = await subscribe(() => send(`event: ${event}\ndata: changed\n\n`), finish);
  if (!sub) return null;

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
}
