import { describe, expect, it, vi } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { isTransientDbError, withTransientRetry } from "@/lib/data/retry";
import { DomainError } from "@/lib/domain/errors";

const known = (code: string, meta?: Record<string, unknown>) => new Prisma.PrismaClientKnownRequestError(`error ${code}`, { code, clientVersion: "7", meta });
const adapter = (cause: Record<string, unknown>) => ({ name: "DriverAdapterError", cause });

describe("isTransientDbError", () => {
  it.each([
    ["pool wait / transaction start timeout (P2028)", known("P2028")],
    ["write conflict or deadlock (P2034)", known("P2034")],
    ["too many connections (P2037)", known("P2037")],
    ["server unreachable (P1001)", known("P1001")],
    ["connection closed (P1017)", known("P1017")],
    ["transaction closed under it (P1018)", known("P1018")],
    ["a driver adapter error: transaction already closed", adapter({ kind: "TransactionAlreadyClosed", cause: "Transaction already closed" })],
    ["pg: a client closed under a query", new Error("Client was closed and is not queryable")],
    ["prisma: server closed the connection (no code)", new Error("Server has closed the connection.")],
    ["postgres: not yet accepting connections", new Error("the database system is not yet accepting connections")],
    ["raw query: serialization failure", known("P2010", { driverAdapterError: adapter({ kind: "TransactionWriteConflict", originalCode: "40001" }) })],
    ["raw query: deadlock", known("P2010", { driverAdapterError: adapter({ kind: "TransactionWriteConflict", originalCode: "40P01" }) })],
    ["raw query: admin shutdown (57P01)", known("P2010", { driverAdapterError: adapter({ kind: "postgres", code: "57P01", originalCode: "57P01" }) })],
    ["raw query: starting up (57P03)", known("P2039", { driverAdapterError: adapter({ kind: "postgres", code: "57P03" }) })],
    ["raw query: connection refused", known("P2010", { driverAdapterError: adapter({ kind: "DatabaseNotReachable" }) })],
    ["a driver adapter error thrown as it is", adapter({ kind: "ConnectionClosed" })],
    ["pg: connection terminated", new Error("Connection terminated unexpectedly")],
    ["pg: pool connect timeout", new Error("timeout exceeded when trying to connect")],
    ["socket: ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["wrapped cause", new Error("outer", { cause: known("P1001") })],
  ])("recognises %s", (_name, err) => {
    expect(isTransientDbError(err)).toBe(true);
  });

  it.each([
    ["unique violation (P2002)", known("P2002")],
    ["raw query: check violation", known("P2010", { driverAdapterError: adapter({ kind: "postgres", code: "23514", originalCode: "23514" }) })],
    ["numeric overflow (P2020)", known("P2020")],
    ["a domain error", new DomainError("CONFLICT", "no")],
    ["a plain bug", new TypeError("x is undefined")],
    ["not an error", "oops"],
  ])("does not retry %s", (_name, err) => {
    expect(isTransientDbError(err)).toBe(false);
  });
});

describe("withTransientRetry", () => {
  const noSleep = { sleep: async () => {}, random: () => 0.5 };

  it("returns at once when the work succeeds", async () => {
    const fn = vi.fn(async () => 7);
    await expect(withTransientRetry(fn, noSleep)).resolves.toBe(7);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("retries transient failures, then succeeds", async () => {
    let n = 0;
    const fn = vi.fn(async () => {
      if (++n < 3) throw known("P2028");
      return "done";
    });
    await expect(withTransientRetry(fn, noSleep)).resolves.toBe("done");
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("backs off exponentially with full jitter, capped", async () => {
    const waits: number[] = [];
    const fn = async () => {
      throw known("P2034");
    };
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(withTransientRetry(fn, { attempts: 6, baseDelayMs: 100, maxDelayMs: 500, random: () => 1, sleep: async (ms) => void waits.push(ms) })).rejects.toThrow();
    spy.mockRestore();
    expect(waits).toEqual([100, 200, 400, 500, 500]);
  });

  it("turns a failure that outlasts the attempts into UNAVAILABLE with Retry-After", async () => {
    const fn = vi.fn(async () => {
      throw known("P1001");
    });
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    const err = await withTransientRetry(fn, { ...noSleep, attempts: 3 }).catch((e: unknown) => e);
    spy.mockRestore();
    expect(fn).toHaveBeenCalledTimes(3);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("UNAVAILABLE");
    expect((err as DomainError).retryAfter).toBeGreaterThan(0);
  });

  it("rethrows anything else at once", async () => {
    const fn = vi.fn(async () => {
      throw new DomainError("CONFLICT", "There is nothing to undo.");
    });
    await expect(withTransientRetry(fn, noSleep)).rejects.toThrow("There is nothing to undo.");
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
