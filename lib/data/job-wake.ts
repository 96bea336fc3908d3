import "server-only";
import pg from "pg";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "./db";
import { readRows } from "./raw";

// Waking workers when jobs are queued. pg-boss workers poll (every
// JOB_POLL_MS); a queued job would wait for the next poll, half the
// interval on average. The sender NOTIFYs this channel with the queue's name
// after queueing, and each worker process LISTENs and wakes its pollers of
// that queue at once. Best effort on both sides: a lost notification, or a
// worker whose listening connection is down, falls back on the poll.

export const JOB_WAKE_CHANNEL = "nudge_jobs";

/** Tells listening workers that jobs were queued on `queue`. Never throws (the poll finds the jobs anyway). */
export async function wakeWorkers(queue: string): Promise<void> {
  await readRows(db(), Prisma.sql`SELECT pg_notify(${JOB_WAKE_CHANNEL}, ${queue})`).catch((err: unknown) => {
    console.warn(`waking workers for ${queue.slice(0, 100)}: ${err instanceof Error ? err.message : err} (they will find the jobs at their next poll)`);
  });
}

export interface JobWakeListener {
  close: () => Promise<void>;
}

/**
 * LISTENs on the wake channel over a dedicated connection (LISTEN holds its
 * connection) and calls onWake with each queue name notified. A lost
 * connection is reopened after `retryMs` (the pollers keep polling meanwhile)
 * until closed. Resolves once the first attempt to listen has succeeded or failed.
 */
export async function listenForJobs(url: string, onWake: (queue: string) => void, opts: { retryMs?: number } = {}): Promise<JobWakeListener> {
  const retryMs = opts.retryMs ?? 5_000;
  let closed = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;

  const open = async () => {
    timer = null;
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: "nudge-job-wake" });
    client = c;
    let lost = false;
    const reopen = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === c) client = null;
      void c.end().catch(() => undefined);
      if (closed) return;
      if (err) console.warn(`job wake-ups: ${err instanceof Error ? err.message : err}; polling until the connection is back`);
      timer = setTimeout(() => void open(), retryMs);
      timer.unref();
    };
    c.on("notification", (n) => {
      if (n.channel === JOB_WAKE_CHANNEL && n.payload) onWake(n.payload);
    });
    c.on("error", reopen);
    c.on("end", () => reopen(new Error("connection ended")));
    try {
      await c.connect();
      await c.query(`LISTEN ${JOB_WAKE_CHANNEL}`);
    } catch (err) {
      reopen(err);
    }
  };
  await open();

  return {
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
