import type { Metadata } from "next";
import { after } from "next/server";
import { QueueView } from "@/components/queue/queue-view";
import { requirePermission } from "@/lib/auth/guard";
import { lastUndoableReaction } from "@/lib/data/feedback";
import { listOpenQueue, markShown, toQueueItemDto } from "@/lib/data/recommendations";
import { recordUsage } from "@/lib/data/users";
import { pulseDueFor } from "@/lib/services/engagement";

export const metadata: Metadata = { title: "Today's queue" };

export default async function QueuePage() {
  const user = await requirePermission("queue.work");
  // The view is usage for the adoption figures, not something the rep waits for: written once the page is sent.
  after(() => recordUsage(user.id, "QUEUE_VIEW"));
  const [{ items, unshown }, undoable, pulse] = await Promise.all([listOpenQueue(user), lastUndoableReaction(user.id), pulseDueFor(user.id)]);
  await markShown(user.id, unshown);
  return <QueueView userId={user.id} initial={{ items: items.map(toQueueItemDto), undoable }} pulse={pulse} />;
}
