// The queue's outbox: reactions the rep made that the server has not yet
// confirmed (offline, or in flight), kept in localStorage so a reload or a
// lost connection does not lose them, and the rep's last reaction for undo,
// kept in sessionStorage. Pure functions plus a thin storage layer; what is
// read back from storage is parsed, never trusted.
import { z } from "zod";
import type { QueueItemDto } from "@/lib/data/recommendations";
import { OPEN_STATUSES } from "@/lib/domain/vocabulary";
import { DISMISS_REASONS, type ReactionInput } from "@/lib/validation/feedback";

const itemSchema = z.object({
  id: z.string(),
  customer: z.object({
    id: z.string(),
    externalId: z.string(),
    name: z.string(),
    company: z.string().nullable(),
    segment: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    lifetimeValue: z.number(),
  }),
  action: z.object({ key: z.string(), name: z.string(), category: z.string() }),
  message: z.string(),
  reasons: z.array(z.object({ code: z.string(), text: z.string() })),
  score: z.number(),
  expectedValue: z.number(),
  status: z.enum(OPEN_STATUSES),
  expiresAt: z.string(),
}) satisfies z.ZodType<QueueItemDto>;

// A reaction as stored: the shared schema's shape, with the snooze date as an
// ISO string revived to a Date; the clock checks (future, at most 90 days) are
// the server's when the reaction is sent.
const storedBase = { recommendationId: z.string().uuid(), idempotencyKey: z.string().min(8).max(100).optional(), note: z.string().max(500).optional() };
const storedInputSchema = z.discriminatedUnion("kind", [
  z.object({ ...storedBase, kind: z.literal("ACCEPT") }),
  z.object({ ...storedBase, kind: z.literal("DONE") }),
  z.object({ ...storedBase, kind: z.literal("UNDO") }),
  z.object({ ...storedBase, kind: z.literal("DISMISS"), reason: z.enum(DISMISS_REASONS) }),
  z.object({ ...storedBase, kind: z.literal("SNOOZE"), snoozeUntil: z.coerce.date() }),
]) satisfies z.ZodType<ReactionInput, unknown>;

const entrySchema = z.object({
  input: storedInputSchema,
  /** The item as it was before the reaction (what undo puts back); null for an undo made after a reload. */
  item: itemSchema.nullable(),
});
export type OutboxEntry = z.infer<typeof entrySchema>;

const byScore = (a: QueueItemDto, b: QueueItemDto) => b.score - a.score || a.id.localeCompare(b.id);

/** What the list looks like once a reaction is applied (the optimistic half). */
export function applyReaction(items: QueueItemDto[], input: ReactionInput, item: QueueItemDto | null): QueueItemDto[] {
  switch (input.kind) {
    case "ACCEPT":
      return items.map((i) => (i.id === input.recommendationId ? { ...i, status: "ACCEPTED" } : i));
    case "DISMISS":
    case "SNOOZE":
    case "DONE":
      return items.filter((i) => i.id !== input.recommendationId);
    case "UNDO":
      return item ? [...items.filter((i) => i.id !== item.id), item].sort(byScore) : items;
    default: {
      const never: never = input;
      return never;
    }
  }
}

/** The server's list with every reaction still in the outbox applied, in order. */
export function withOutbox(items: QueueItemDto[], outbox: readonly OutboxEntry[]): QueueItemDto[] {
  return outbox.reduce((acc, e) => applyReaction(acc, e.input, e.item), items);
}

/**
 * Undo of a reaction that never left the device: drop it from the outbox
 * instead of sending an undo. Returns the shorter outbox, or null when the
 * reaction to undo is not the outbox's last entry for that suggestion.
 */
export function cancelUnsent(outbox: readonly OutboxEntry[], recommendationId: string): OutboxEntry[] | null {
  const last = outbox.findLastIndex((e) => e.input.recommendationId === recommendationId);
  if (last < 0 || outbox[last]!.input.kind === "UNDO") return null;
  return [...outbox.slice(0, last), ...outbox.slice(last + 1)];
}

export function readOutbox(storage: Pick<Storage, "getItem">, key: string): OutboxEntry[] {
  try {
    const raw: unknown = JSON.parse(storage.getItem(key) ?? "[]");
    const parsed = z.array(entrySchema).safeParse(raw);
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function writeOutbox(storage: Pick<Storage, "setItem" | "removeItem">, key: string, outbox: readonly OutboxEntry[]): void {
  if (outbox.length === 0) storage.removeItem(key);
  else storage.setItem(key, JSON.stringify(outbox));
}
