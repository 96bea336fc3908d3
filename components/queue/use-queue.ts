"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { reactAction } from "@/lib/actions/reactions";
import { useToast } from "@/components/ui/toast";
import type { UndoableReaction } from "@/lib/data/feedback";
import type { QueueItemDto } from "@/lib/data/recommendations";
import type { ReactionInput } from "@/lib/validation/feedback";
import { applyReaction, cancelUnsent, readOutbox, withOutbox, writeOutbox, type OutboxEntry } from "./outbox";

export const QUEUE_KEY = ["queue"] as const;
/** Only while the live stream is down (or the server has none): the fallback. */
const POLL_MS = 15_000;
/** Several notifications in a burst (a batch) become one refetch. */
const PUSH_DEBOUNCE_MS = 100;

export interface QueueData {
  items: QueueItemDto[];
  undoable: UndoableReaction | null;
}

async function fetchQueue(): Promise<QueueData> {
  const res = await fetch("/api/queue", { headers: { accept: "application/json" } });
  if (res.status === 401) {
    // A full page load on purpose: the session is gone, so is all client state.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/signin?callbackUrl=/queue");
    throw new Error("Your session has ended.");
  }
  if (!res.ok) throw new Error("Couldn't refresh the queue.");
  return (await res.json()) as QueueData;
}

const PAST: Record<ReactionInput["kind"], string> = { ACCEPT: "Accepted", DISMISS: "Dismissed", SNOOZE: "Snoozed", DONE: "Marked done", UNDO: "Undone" };
/** Errors worth another try later: the device or the server is unreachable or saturated. */
const RETRY_LATER = new Set(["UNAVAILABLE", "RATE_LIMITED"]);

const subscribeOnline = (cb: () => void) => {
  window.addEventListener("online", cb);
  window.addEventListener("offline", cb);
  return () => {
    window.removeEventListener("online", cb);
    window.removeEventListener("offline", cb);
  };
};
export const useOnline = () => useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);

interface Options {
  userId: string;
  /** Called with the suggestion an undo put back (the view selects and focuses it). */
  onRestored?: (id: string) => void;
}

/**
 * The rep's queue. Server data is refetched when the live stream says the
 * queue changed (polled every 15 s only while the stream is down). Reactions
 * go through an outbox kept in localStorage: applied to the list at once,
 * marked pending until the server confirms, held while offline and sent on
 * reconnect, rolled back with a message when the server refuses. Suggestions
 * that arrive after the page opened are "fresh" until the rep looks at them.
 */
export function useQueue(initial: QueueData, { userId, onRestored }: Options) {
  const qc = useQueryClient();
  const toast = useToast();
  const online = useOnline();
  const storageKey = `nudge.outbox.${userId}`;
  const [outbox, setOutboxState] = useState<OutboxEntry[]>([]);
  const outboxRef = useRef<OutboxEntry[]>([]);
  const setOutbox = useCallback(
    (next: OutboxEntry[]) => {
      outboxRef.current = next;
      setOutboxState(next);
      writeOutbox(localStorage, storageKey, next);
    },
    [storageKey],
  );
  const [live, setLive] = useState(false);
  const query = useQuery({ queryKey: QUEUE_KEY, queryFn: fetchQueue, initialData: initial, refetchInterval: live ? false : POLL_MS });

  // ---- fresh: ids that arrived after the page opened, until looked at ----
  const known = useRef(new Set(initial.items.map((i) => i.id)));
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const serverItems = query.data.items;
  useEffect(() => {
    const arrived = serverItems.filter((i) => !known.current.has(i.id)).map((i) => i.id);
    if (arrived.length === 0) return;
    for (const id of arrived) known.current.add(id);
    setFresh((f) => new Set([...f, ...arrived]));
  }, [serverItems]);
  const markSeen = useCallback((ids: readonly string[]) => {
    setFresh((f) => (ids.some((id) => f.has(id)) ? new Set([...f].filter((id) => !ids.includes(id))) : f));
  }, []);

  // ---- the live stream: Postgres NOTIFY -> SSE -> refetch ----
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const es = new EventSource("/api/queue/stream");
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Listening from here on; whatever changed since the page was rendered is fetched once.
    es.addEventListener("ready", () => {
      setLive(true);
      void qc.invalidateQueries({ queryKey: QUEUE_KEY });
    });
    es.addEventListener("queue", () => {
      clearTimeout(timer);
      timer = setTimeout(() => void qc.invalidateQueries({ queryKey: QUEUE_KEY }), PUSH_DEBOUNCE_MS);
    });
    es.onerror = () => setLive(false);
    return () => {
      clearTimeout(timer);
      es.close();
      setLive(false);
    };
  }, [qc]);

  // ---- the outbox: send in order; hold on network failure; roll back on refusal ----
  const flushing = useRef(false);
  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    try {
      while (outboxRef.current.length > 0 && navigator.onLine) {
        const entry = outboxRef.current[0]!;
        let res: Awaited<ReturnType<typeof reactAction>>;
        try {
          res = await reactAction(entry.input);
        } catch {
          break; // unreachable: kept, retried on reconnect or by the next timer
        }
        if (!res.ok && RETRY_LATER.has(res.error.code)) break;
        const rest = outboxRef.current.filter((e) => e !== entry);
        if (res.ok) {
          // Confirmed: fold it into the server's copy before it leaves the outbox, so nothing flickers.
          qc.setQueryData<QueueData>(QUEUE_KEY, (d) => (d ? { ...d, items: applyReaction(d.items, entry.input, entry.item) } : d));
          setOutbox(rest);
        } else {
          setOutbox(rest);
          const what = entry.item ? `${PAST[entry.input.kind]}: ${entry.item.action.name} for ${entry.item.customer.name}` : PAST[entry.input.kind];
          toast.show(`Not saved (${what}). ${res.error.message}`, { tone: "error", ms: 10_000 });
        }
        await qc.invalidateQueries({ queryKey: QUEUE_KEY });
      }
    } finally {
      flushing.current = false;
    }
  }, [qc, setOutbox, toast]);

  useEffect(() => {
    // Reactions left from before a reload (or made offline and never sent) are picked up here.
    // Read after hydration (the server cannot know it), then sent if online.
    const restore = setTimeout(() => {
      const stored = readOutbox(localStorage, storageKey);
      outboxRef.current = stored;
      setOutboxState(stored);
      void flush();
    }, 0);
    const onOnline = () => void flush();
    window.addEventListener("online", onOnline);
    const retry = setInterval(() => {
      if (outboxRef.current.length) void flush();
    }, POLL_MS);
    return () => {
      clearTimeout(restore);
      window.removeEventListener("online", onOnline);
      clearInterval(retry);
    };
  }, [flush, storageKey]);

  const items = withOutbox(serverItems, outbox);
  const pending = new Set(outbox.map((e) => e.input.recommendationId));

  // ---- undo: the last reaction made here, or the server's record of it after a reload ----
  const lastHere = useRef<{ item: QueueItemDto } | null>(null);
  const undo = useCallback(() => {
    const here = lastHere.current;
    const server = qc.getQueryData<QueueData>(QUEUE_KEY)?.undoable ?? null;
    const id = here?.item.id ?? server?.recommendationId;
    if (!id) {
      toast.show("Nothing to undo.");
      return;
    }
    lastHere.current = null;
    qc.setQueryData<QueueData>(QUEUE_KEY, (d) => (d ? { ...d, undoable: null } : d));
    const unsent = cancelUnsent(outboxRef.current, id);
    if (unsent) {
      setOutbox(unsent); // never left the device: nothing to tell the server
    } else {
      // Without a copy of the item (after a reload) nothing is put back until the server answers.
      setOutbox([...outboxRef.current, { input: { kind: "UNDO", recommendationId: id, idempotencyKey: crypto.randomUUID() }, item: here?.item ?? null }]);
      void flush();
    }
    toast.show(here ? `Undone: ${here.item.action.name} for ${here.item.customer.name}` : server ? `Undone: ${server.actionName} for ${server.customerName}` : "Undone.");
    onRestored?.(id);
  }, [flush, onRestored, qc, setOutbox, toast]);

  const react = useCallback(
    (item: QueueItemDto, input: ReactionInput) => {
      if (input.kind === "UNDO") return undo();
      lastHere.current = { item };
      setOutbox([...outboxRef.current, { input, item }]);
      void flush();
      const offline = !navigator.onLine;
      toast.show(`${PAST[input.kind]}${offline ? " (offline: will be sent when you reconnect)" : ""}: ${item.action.name} for ${item.customer.name}`, {
        action: { label: "Undo", run: undo },
      });
    },
    [flush, setOutbox, toast, undo],
  );

  return {
    items,
    pending,
    fresh,
    markSeen,
    live,
    online,
    refreshError: query.error,
    react,
    undo,
  };
}
