// A pooled connection the server ends while it sits idle (a restart, a
// failover, an administrator) is logged and replaced, never fatal, from the
// process's first query on: the pool listens for errors from the moment it
// is created, not only once Prisma has connected (lib/data/db.ts). This file
// touches the database only through the pg pool (readRows), as a request that
// reads nothing through Prisma would; without the listener the ended
// connection's error is uncaught and Vitest fails the run.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { db, pgPool } from "@/lib/data/db";
import { rawTransaction, readRows } from "@/lib/data/raw";
import { connectPostgres } from "@/tooling/db/sql";

const embedded = process.env.NUDGE_TEST_DB === "pglite" || !process.env.DATABASE_URL;

describe.skipIf(embedded)("a pooled connection ended by the server", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is logged and replaced, and the next read succeeds", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const [{ pid }] = (await readRows<{ pid: number }>(db(), Prisma.sql`SELECT pg_backend_pid() AS pid`)) as [{ pid: number }];
    expect(pgPool()?.idleCount).toBeGreaterThan(0);
    const admin = await connectPostgres(process.env.DATABASE_URL!);
    try {
      await admin.query(`SELECT pg_terminate_backend(${Number(pid)})`);
    } finally {
      await admin.close();
    }
    // The server's message reaches the idle client: the pool logs it and drops that connection.
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith("database connection lost:", expect.stringContaining("terminating connection")), { timeout: 5_000 });
    const [row] = await readRows<{ pid: number }>(db(), Prisma.sql`SELECT pg_backend_pid() AS pid`);
    expect(row?.pid).not.toBe(pid);
  });

  it("a connection that fails between the pool handing it over and its holder listening is not fatal either", async () => {
    // pool.connect() resolves a promise: its holder (rawTransaction, Prisma's transactions) starts listening a
    // microtask later, after the pool has stopped listening. The server's "terminating connection" can arrive in
    // the same read as the end of the connection's handshake, inside that window; this puts an error exactly there.
    const pool = pgPool()!;
    pool.once("acquire", (client: { emit(ev: string, err: Error): boolean }) => {
      queueMicrotask(() => client.emit("error", new Error("terminating connection due to administrator command (simulated)")));
    });
    const rows = await rawTransaction((tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`);
    expect(rows).toEqual([{ one: 1 }]);
  });
});
