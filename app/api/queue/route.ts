import { NextResponse } from "next/server";
import { withSessionUser } from "@/lib/auth/api";
import { lastUndoableReaction } from "@/lib/data/feedback";
import { listOpenQueue, markShown, toQueueItemDto } from "@/lib/data/recommendations";

export const dynamic = "force-dynamic";

/**
 * The signed-in rep's open queue and the reaction undo would take back. The
 * queue page refetches it when the live stream (/api/queue/stream) says the
 * queue changed, and polls it while the stream is down.
 */
export const GET = withSessionUser("queue.work", async (user) => {
  const [{ items, unshown }, undoable] = await Promise.all([listOpenQueue(user), lastUndoableReaction(user.id)]);
  await markShown(user.id, unshown);
  return NextResponse.json({ items: items.map(toQueueItemDto), undoable }, { headers: { "Cache-Control": "no-store" } });
});
