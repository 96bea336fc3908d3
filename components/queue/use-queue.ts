"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef } from "react";
import { reactAction } from "@/lib/actions/reactions";
import { useToast } from "@/components/ui/toast";
import type { QueueItemDto } from "@/lib/data/recommendations";
import type { ReactionInput } from "@/lib/validation/feedback";

export const QUEUE_KEY = ["queue"] as const;
const POLL_MS = 15_000;

interface QueueData {
  items: QueueItemDto[];
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

const byScore = (a: QueueItemDto, b: QueueItemDto) => b.score - a.score || a.id.localeCompare(b.id);

/** What the list looks like once a reaction is applied (the optimistic half). */
function applyReaction(items: QueueItemDto[], input: ReactionInput, undoItem: QueueItemDto | null): QueueItemDto[] {
  switch (input.kind) {
    case "ACCEPT":
      return items.map((i) => (i.id === input.recommendationId ? { ...i, status: "ACCEPTED" } : i));
    case "DISMISS":
    case "SNOOZE":
    case "DONE":
      return items.filter((i) => i.id !== input.recommendationId);
    case "UNDO": {
      if (!undoItem) return items;
      return [...items.filter((i) => i.id !== undoItem.id), undoItem].sort(byScore);
    }
    default: {
      const never: never = input;
      return never;
    }
  }
}

const PAST: Record<ReactionInput["kind"], string> = { ACCEPT: "Accepted", DISMISS: "Dismissed", SNOOZE: "Snoozed", DONE: "Marked done", UNDO: "Undone" };

/**
 * The rep's queue: server data polled every 15 s (so suggestions created by the
 * events API appear without a reload), and reactions applied optimistically,
 * rolled back with a message when the server refuses.
 */
export function useQueue(initial: QueueItemDto[]) {
  const qc = useQueryClient();
  const toast = useToast();
  const last = useRef<{ item: QueueItemDto; kind: ReactionInput["kind"] } | null>(null);

  const query = useQuery({ queryKey: QUEUE_KEY, queryFn: fetchQueue, initialData: { items: initial }, refetchInterval: POLL_MS });

  const mutation = useMutation({
    mutationFn: async ({ input }: { input: ReactionInput; undoItem: QueueItemDto | null }) => {
      const res = await reactAction(input);
      if (!res.ok) throw new Error(res.error.message);
      return res.data;
    },
    onMutate: async ({ input, undoItem }) => {
      await qc.cancelQueries({ queryKey: QUEUE_KEY });
      const previous = qc.getQueryData<QueueData>(QUEUE_KEY);
      if (previous) qc.setQueryData<QueueData>(QUEUE_KEY, { items: applyReaction(previous.items, input, undoItem) });
      return { previous };
    },
    onError: (err, _vars, ctx) => {
      if (ctx?.previous) qc.setQueryData(QUEUE_KEY, ctx.previous);
      toast.show(`Not saved: ${err.message}`, { tone: "error", ms: 8000 });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: QUEUE_KEY }),
  });

  const undo = useCallback(() => {
    const prev = last.current;
    if (!prev) {
      toast.show("Nothing to undo.");
      return;
    }
    last.current = null;
    mutation.mutate({ input: { kind: "UNDO", recommendationId: prev.item.id, idempotencyKey: crypto.randomUUID() }, undoItem: prev.item });
  }, [mutation, toast]);

  const react = useCallback(
    (item: QueueItemDto, input: ReactionInput) => {
      last.current = input.kind === "UNDO" ? null : { item, kind: input.kind };
      mutation.mutate({ input, undoItem: null });
      if (input.kind !== "UNDO") toast.show(`${PAST[input.kind]}: ${item.action.name} for ${item.customer.name}`, { action: { label: "Undo", run: undo } });
    },
    [mutation, toast, undo],
  );

  return { items: query.data.items, isRefreshing: query.isFetching, refreshError: query.error, react, undo, canUndo: () => last.current !== null };
}
