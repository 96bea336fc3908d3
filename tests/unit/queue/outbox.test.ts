// The queue's outbox (components/queue/outbox.ts): reactions applied on top of
// the server's list in order, an unsent reaction cancelled instead of undone,
// and what comes back from storage parsed, never trusted.
import { describe, expect, it } from "vitest";
import { applyReaction, cancelUnsent, readOutbox, withOutbox, writeOutbox, type OutboxEntry } from "@/components/queue/outbox";
import type { QueueItemDto } from "@/lib/data/recommendations";

const item = (id: string, score: number): QueueItemDto => ({
  id,
  customer: { id: `c-${id}`, externalId: `X-${id}`, name: `Customer ${id}`, company: null, segment: "SMB", email: null, phone: null, lifetimeValue: 0 },
  action: { key: "k", name: "Call", category: "MEETING" },
  message: "m",
  reasons: [],
  score,
  expectedValue: score,
  status: "PENDING",
  expiresAt: "2026-12-31T00:00:00.000Z",
});
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const [a, b, c] = [item(uuid(1), 30), item(uuid(2), 20), item(uuid(3), 10)];

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

describe("applying reactions", () => {
  it("accept marks, the others remove, undo puts the item back in score order", () => {
    expect(applyReaction([a, b, c], { kind: "ACCEPT", recommendationId: b.id }, b).map((i) => i.status)).toEqual(["PENDING", "ACCEPTED", "PENDING"]);
    for (const kind of ["DONE", "DISMISS", "SNOOZE"] as const) {
      const input = kind === "DISMISS" ? { kind, recommendationId: b.id, reason: "OTHER" as const } : kind === "SNOOZE" ? { kind, recommendationId: b.id, snoozeUntil: new Date() } : { kind, recommendationId: b.id };
      expect(applyReaction([a, b, c], input, b).map((i) => i.id)).toEqual([a.id, c.id]);
    }
    expect(applyReaction([a, c], { kind: "UNDO", recommendationId: b.id }, b).map((i) => i.id)).toEqual([a.id, b.id, c.id]);
    // An undo made after a reload has no copy to put back: the list waits for the server.
    expect(applyReaction([a, c], { kind: "UNDO", recommendationId: b.id }, null).map((i) => i.id)).toEqual([a.id, c.id]);
  });

  it("the outbox applies in order on top of whatever the server sent", () => {
    const outbox: OutboxEntry[] = [
      { input: { kind: "ACCEPT", recommendationId: a.id }, item: a },
      { input: { kind: "DONE", recommendationId: a.id }, item: { ...a, status: "ACCEPTED" } },
    ];
    expect(withOutbox([a, b], outbox).map((i) => i.id)).toEqual([b.id]);
    expect(withOutbox([a, b], outbox.slice(0, 1)).find((i) => i.id === a.id)?.status).toBe("ACCEPTED");
  });

  it("undo of a reaction never sent drops it; of one already sent (or of an undo), it is not cancellable", () => {
    const outbox: OutboxEntry[] = [
      { input: { kind: "ACCEPT", recommendationId: a.id }, item: a },
      { input: { kind: "DONE", recommendationId: b.id }, item: b },
    ];
    expect(cancelUnsent(outbox, b.id)).toEqual([outbox[0]]);
    expect(cancelUnsent(outbox, c.id)).toBeNull();
    expect(cancelUnsent([{ input: { kind: "UNDO", recommendationId: a.id }, item: null }], a.id)).toBeNull();
  });
});

describe("storage", () => {
  it("round-trips entries, snooze dates included", () => {
    const s = memoryStorage();
    const until = new Date("2026-12-10T09:00:00Z");
    const outbox: OutboxEntry[] = [{ input: { kind: "SNOOZE", recommendationId: a.id, snoozeUntil: until, idempotencyKey: "key-12345678" }, item: a }];
    writeOutbox(s, "k", outbox);
    const back = readOutbox(s, "k");
    expect(back).toEqual(outbox);
    expect(back[0]!.input.kind === "SNOOZE" && back[0]!.input.snoozeUntil.getTime()).toBe(until.getTime());
    writeOutbox(s, "k", []);
    expect(s.getItem("k")).toBeNull();
  });

  it("anything malformed reads as an empty outbox", () => {
    const s = memoryStorage();
    for (const raw of ["not json", "{}", JSON.stringify([{ input: { kind: "EXPLODE", recommendationId: a.id }, item: a }]), JSON.stringify([{ input: { kind: "ACCEPT", recommendationId: "nope" }, item: a }])]) {
      s.setItem("k", raw);
      expect(readOutbox(s, "k")).toEqual([]);
    }
  });
});
