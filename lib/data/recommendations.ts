import "server-only";
import { db } from "./db";
import type { SessionUser } from "./users";
import { reasonsSchema, type Reason } from "@/lib/validation/reasons";

export interface QueueItem {
  id: string;
  customer: { id: string; name: string; company: string | null };
  action: { key: string; name: string; category: string };
  message: string;
  reasons: Reason[];
  score: number;
  expectedValue: number;
  status: "PENDING" | "ACCEPTED" | "SNOOZED";
  expiresAt: Date;
}

/** The rep's open, visible recommendations, best first. Ownership is in the where clause. */
export async function listOpenQueue(user: Pick<SessionUser, "id">, now = new Date()): Promise<QueueItem[]> {
  const rows = await db().recommendation.findMany({
    where: {
      repId: user.id,
      isControl: false,
      expiresAt: { gt: now },
      OR: [{ status: { in: ["PENDING", "ACCEPTED"] } }, { status: "SNOOZED", snoozedUntil: { lte: now } }],
    },
    orderBy: [{ score: "desc" }, { id: "asc" }],
    take: 100,
    select: {
      id: true,
      message: true,
      reasons: true,
      score: true,
      expectedValue: true,
      status: true,
      expiresAt: true,
      customer: { select: { id: true, name: true, company: true } },
      actionType: { select: { key: true, name: true, category: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    customer: r.customer,
    action: r.actionType,
    message: r.message,
    reasons: reasonsSchema.catch([]).parse(r.reasons),
    score: r.score,
    expectedValue: r.expectedValue,
    status: r.status as QueueItem["status"],
    expiresAt: r.expiresAt,
  }));
}
