import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { QueueList } from "@/components/queue/queue-list";
import { requirePermission } from "@/lib/auth/guard";
import { listOpenQueue } from "@/lib/data/recommendations";
import { recordUsage } from "@/lib/data/users";

export const metadata: Metadata = { title: "Today's queue" };

export default async function QueuePage() {
  const user = await requirePermission("queue.work");
  const [items] = await Promise.all([listOpenQueue(user), recordUsage(user.id, "QUEUE_VIEW")]);
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Today's queue" description={items.length ? `${items.length} suggested actions, best first` : undefined} />
      {items.length === 0 ? (
        <EmptyState title="All caught up">New suggestions appear here as your customers&apos; activity comes in.</EmptyState>
      ) : (
        <QueueList items={items} />
      )}
    </div>
  );
}
