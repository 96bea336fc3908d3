import { describe, expect, it } from "vitest";
import { Admission } from "@/lib/auth/admission";
import { DomainError } from "@/lib/domain/errors";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("Admission (per-process gate for database-heavy requests)", () => {
  it("runs at most `concurrency` at once and the rest in arrival order", async () => {
    const gate = new Admission({ concurrency: 2, queueSize: 10, maxWaitMs: 5000 });
    const release = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = release.map((d, i) =>
      gate.run("c", async () => {
        started.push(i);
        await d.promise;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ active: 2, queued: 2 });
    release[1]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    release[0]!.resolve();
    release[2]!.resolve();
    release[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(gate.load).toEqual({ active: 0, queued: 0 });
  });

  it("refuses with 503 UNAVAILABLE and Retry-After when the queue is full", async () => {
    const gate = new Admission({ concurrency: 1, queueSize: 2, maxWaitMs: 5000 });
    const hold = deferred();
    const runs = ["a", "b", "c"].map((c) => gate.run(c, () => hold.promise));
    const err = await gate.run("d", async () => "never").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("UNAVAILABLE");
    expect((err as DomainError).retryAfter).toBeGreaterThanOrEqual(1);
    hold.resolve();
    await Promise.all(runs);
  });

  it("answers 429 RATE_LIMITED to the client that holds most of the queue", async () => {
    const gate = new Admission({ concurrency: 1, queueSize: 3, maxWaitMs: 5000 });
    const hold = deferred();
    const runs = ["flood", "flood", "flood", "other"].map((c) => gate.run(c, () => hold.promise));
    const flood = await gate.run("flood", async () => 1).catch((e: DomainError) => e);
    const other = await gate.run("someone", async () => 1).catch((e: DomainError) => e);
    expect((flood as DomainError).code).toBe("RATE_LIMITED");
    expect((flood as DomainError).retryAfter).toBeGreaterThanOrEqual(1);
    expect((other as DomainError).code).toBe("UNAVAILABLE");
    hold.resolve();
    await Promise.all(runs);
  });

  it("gives up on a request that waited longer than maxWaitMs, and the queue moves on", async () => {
    const gate = new Admission({ concurrency: 1, queueSize: 5, maxWaitMs: 30 });
    const hold = deferred();
    const first = gate.run("a", () => hold.promise);
    const err = await gate.run("b", async () => 1).catch((e: DomainError) => e);
    expect((err as DomainError).code).toBe("UNAVAILABLE");
    expect(gate.load).toEqual({ active: 1, queued: 0 });
    hold.resolve();
    await first;
    await expect(gate.run("b", async () => 2)).resolves.toBe(2);
  });

  it("frees the slot when the work throws", async () => {
    const gate = new Admission({ concurrency: 1, queueSize: 0, maxWaitMs: 100 });
    await expect(gate.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run("a", async () => 3)).resolves.toBe(3);
  });
});
