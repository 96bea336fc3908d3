import "server-only";
import pg from "pg";
import { databaseMode } from "@/lib/config/env";
import { isUuid } from "@/lib/validation/postgres-safe";

// A rep's queue changed: the trigger nudge_queue_notify (migration
// 20261203200000_queue_notify) NOTIFYs the rep's own channel whenever a shown
// suggestion of theirs is created, changed or removed, by this process or any
// other (several app instances share the database).

/** The rep's channel name: an identifier built from a checked uuid, so it is safe to put into LISTEN. */
export function queueChannel(repId: string): string {
  if (!isUuid(repId)) throw new Error("queueChannel needs a rep id (uuid)");
  return `queue_${repId.replace(/-/g, "").toLowerCase()}`;
}

export interface QueueSubscription {
  close: () => Promise<void>;
}

/**
 * LISTENs on one rep's channel over a dedicated connection (LISTEN holds its
 * connection, so it cannot come from the pool) and calls onChange for each
 * notification, onLost when the connection drops. Null when the app runs on
 * embedded PGlite, which serves one process only: the queue then polls.
 */
export async function subscribeToQueue(repId: string, onChange: () => void, onLost: () => void): Promise<QueueSubscription | null> {
  const mode = databaseMode();
  if (mode.kind !== "postgres") return null;
  const channel = queueChannel(repId);
  const client = new pg.Client({ connectionString: mode.url, application_name: "nudge-queue-stream" });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    client.removeAllListeners("notification");
    await client.end().catch(() => undefined);
  };
  client.on("notification", (n) => {
    if (n.channel === channel) onChange();
  });
  client.on("error", () => {
    void close();
    onLost();
  });
  client.on("end", () => {
    if (!closed) onLost();
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${channel}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { close };
}
