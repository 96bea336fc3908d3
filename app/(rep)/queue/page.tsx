import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { QueueView } from "@/components/queue/queue-view";
import { requirePermission } from "@/lib/auth/guard";
import { listOpenQueue, markShown, toQueueItemDto } from "@/lib/data/recommendations";
import { recordUsage } from "@/lib/data/users";

export const metadata: Metadata = { title: "Today's queue" };

export default async function QueuePage() {
  const user = await requirePermission("queue.work");
  const [items] = await Promise.all([listOpenQueue(user), recordUsage(user.id, "QUEUE_VIEW")]);
  await markShown(user.id, items.map((i) => i.id));
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Today's queue" description="What to do next and for whom, best first." />
      <QueueView initialItems={items.map(toQueueItemDto)} />
    </div>
  );
}
