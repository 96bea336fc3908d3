import { NextResponse } from "next/server";
import { withSessionUser } from "@/lib/auth/api";
import { listOpenQueue, markShown, toQueueItemDto } from "@/lib/data/recommendations";

export const dynamic = "force-dynamic";

/** The signed-in rep's open queue, polled by the queue page so new suggestions appear without a reload. */
export const GET = withSessionUser("queue.work", async (user) => {
  const items = await listOpenQueue(user);
  await markShown(user.id, items.map((i) => i.id));
  return NextResponse.json({ items: items.map(toQueueItemDto) }, { headers: { "Cache-Control": "no-store" } });
});
