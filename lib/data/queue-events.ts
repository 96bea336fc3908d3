import "server-only";
import pg from "pg";
import { databaseMode } from "@/lib/config/env";
import { isUuid } from "@/lib/validation/postgres-safe";
import { DASHBOARD_VIEWS_CHANNEL } from "./dashboard-snapshots";

// A rep's queue changed: the trigger nudge_queue_notify (migration
// 20261203200000_queue_notify) NOTIFYs the rep's own channel whenever a shown
// suggestion of theirs is created, changed or removed, by this process or any
// other (several app instances share the database).

/** The rep's channel name: an identifier built from a checked uuid, so it is safe to put into LISTEN. */
export function queueChannel(repId: string): string {
  if (!isUuid(repId)) throw new Error("queueChannel needs a rep id (uuid)");
  return `queue_${repId.replace(/-/g, "").toLowerCase()}`;
}

export interface ChannelSubscription {
  close: () => Promise<void>;
}

/**
 * LISTENs on one rep's channel over a dedicated connection (LISTEN holds its
 * connection, so it cannot come from the pool) and calls onChange for each
 * notification, onLost when the connection drops. Null when the app runs on
 * embedded PGlite, which serves one process only: the queue then polls.
 */
export async function subscribeToQueue(repId: string, onChange: () => void, onLost: () => void): Promise<ChannelSubscription | null> {
  return listen(queueChannel(repId), "nudge-queue-stream", onChange, onLost);
}

/** LISTENs for dashboard views computed in the background (notifyDashboardViews), as subscribeToQueue does for a rep's queue. */
export async function subscribeToDashboardViews(onChange: () => void, onLost: () => void): Promise<ChannelSubscription | null> {
  return listen(DASHBOARD_VIEWS_CHANNEL, "nudge-dashboard-stream", onChange, onLost);
}

/** `channel` must be a plain identifier (it goes into LISTEN as it is). */
async function listen(channel: string, applicationName: string, onChange: () => void, onLost: () => void): Promise<ChannelSubscription | null> {
  const mode = databaseMode();
  if (mode.kind !== "postgres") return null;
  const client = new pg.Client({ connectionString: mode.url, application_name: applicationName });
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
