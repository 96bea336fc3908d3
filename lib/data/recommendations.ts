import "server-only";
import { db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";
import { readRows } from "./raw";
import { sqlList, sqlLiteral } from "./vocabulary-sql";
import type { SessionUser } from "./users";
import { OPEN_STATUSES, UNSNOOZED_OPEN_STATUSES, type OpenStatus } from "@/lib/domain/vocabulary";
import { reasonsSchema, type Reason } from "@/lib/validation/reasons";
import type { ContactPurpose } from "@/lib/engine/consent";

export interface QueueItem {
  id: string;
  customer: { id: string; externalId: string; name: string; company: string | null; segment: string; email: string | null; phone: string | null; lifetimeValue: number };
  action: { key: string; name: string; category: string };
  message: string;
  reasons: Reason[];
  score: number;
  expectedValue: number;
  status: OpenStatus;
  expiresAt: Date;
}

/**
 * The rep's open, visible recommendations, best first (ownership is in the
 * where clause), and which of them have never been shown: markShown stamps
 * only those, so a view that shows nothing new writes nothing (an empty
 * UPDATE would still run the statement triggers on Recommendation).
 */
export async function listOpenQueue(user: Pick<SessionUser, "id">, now = new Date()): Promise<{ items: QueueItem[]; unshown: string[] }> {
  const rows = await visibleRows({ repId: user.id }, now, 100);
  return { items: rows.map(toQueueItem), unshown: rows.filter((r) => r.shownAt === null).map((r) => r.id) };
}

/** A customer's open, visible recommendations, best first (the caller has checked access to the customer). */
export async function openForCustomer(customerId: string, now = new Date()): Promise<QueueItem[]> {
  return (await visibleRows({ customerId }, now, null)).map(toQueueItem);
}

type VisibleRow = {
  id: string;
  message: string;
  reasons: unknown;
  score: number;
  expectedValue: number;
  status: string;
  expiresAt: Date;
  shownAt: Date | null;
  customerId: string;
  externalId: string;
  customerName: string;
  company: string | null;
  segment: string;
  email: string | null;
  phone: string | null;
  lifetimeValue: string;
  actionKey: string;
  actionName: string;
  actionCategory: string;
};

const SNOOZED = sqlLiteral("SNOOZED");
const UNSNOOZED_OPEN_SQL = sqlList(UNSNOOZED_OPEN_STATUSES);

/**
 * A rep's or a customer's suggestions that are open and visible now (not
 * control, not expired, not snoozed into the future), best first, with their
 * customer and action: one round trip (the ORM read the relations in two more).
 */
function visibleRows(of: { repId: string } | { customerId: string }, now: Date, limit: number | null): Promise<VisibleRow[]> {
  const owner = "repId" in of ? Prisma.sql`r."repId" = ${of.repId}::uuid` : Prisma.sql`r."customerId" = ${of.customerId}::uuid`;
  return readRows<VisibleRow>(
    db(),
    Prisma.sql`
    SELECT r.id, r.message, r.reasons, r.score, r."expectedValue", r.status::text AS status, r."expiresAt", r."shownAt",
           c.id AS "customerId", c."externalId", c.name AS "customerName", c.company, c.segment, c.email, c.phone, c."lifetimeValue"::text AS "lifetimeValue",
           a.key AS "actionKey", a.name AS "actionName", a.category::text AS "actionCategory"
    FROM "Recommendation" r
    JOIN "Customer" c ON c.id = r."customerId"
    JOIN "ActionType" a ON a.id = r."actionTypeId"
    WHERE ${owner} AND NOT r."isControl" AND r."expiresAt" > ${now}::timestamp(3)
      AND (r.status IN ${UNSNOOZED_OPEN_SQL} OR (r.status = ${SNOOZED} AND r."snoozedUntil" <= ${now}::timestamp(3)))
    ORDER BY r.score DESC, r.id ASC
    LIMIT ${limit}::int`,
  );
}

function toQueueItem(r: VisibleRow): QueueItem {
  return {
    id: r.id,
    customer: { id: r.customerId, externalId: r.externalId, name: r.customerName, company: r.company, segment: r.segment, email: r.email, phone: r.phone, lifetimeValue: Number(r.lifetimeValue) },
    action: { key: r.actionKey, name: r.actionName, category: r.actionCategory },
    message: r.message,
    reasons: reasonsSchema.catch([]).parse(r.reasons),
    score: r.score,
    expectedValue: r.expectedValue,
    status: r.status as QueueItem["status"],
    expiresAt: r.expiresAt,
  };
}

export interface ApiRecommendation {
  id: string;
  actionKey: string;
  actionName: string;
  category: string;
  purpose: ContactPurpose;
  message: string;
  score: number;
  propensity: number;
  expectedValue: number;
  reasons: Reason[];
  status: OpenStatus;
  createdAt: string;
  expiresAt: string;
}

/** Open, visible recommendations of a customer, best first (control-group ones never). Null: unknown customer. */
export async function openRecommendationsForExternalId(externalId: string, now = new Date(), purposes: readonly ContactPurpose[] | "all" = "all"): Promise<ApiRecommendation[] | null> {
  const customer = await db().customer.findFirst({ where: { externalId, erasedAt: null }, select: { id: true } });
  if (!customer) return null;
  const rows = await db().recommendation.findMany({
    where: {
      customerId: customer.id,
      isControl: false,
      status: { in: [...OPEN_STATUSES] },
      expiresAt: { gt: now },
      ...(purposes === "all" ? {} : { actionType: { purpose: { in: [...purposes] } } }),
    },
    orderBy: [{ score: "desc" }, { id: "asc" }],
    select: {
      id: true, message: true, score: true, propensity: true, expectedValue: true, reasons: true, status: true, createdAt: true, expiresAt: true,
      actionType: { select: { key: true, name: true, category: true, purpose: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    actionKey: r.actionType.key,
    actionName: r.actionType.name,
    category: r.actionType.category,
    purpose: r.actionType.purpose === "MARKETING" ? "MARKETING" : "SERVICE",
    message: r.message,
    score: r.score,
    propensity: r.propensity,
    expectedValue: r.expectedValue,
    reasons: reasonsSchema.catch([]).parse(r.reasons),
    status: r.status as OpenStatus, // the query selects open statuses only
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  }));
}

/** Who may act on a recommendation: its rep. Null when it does not exist. */
export async function recommendationOwner(id: string): Promise<{ repId: string; isControl: boolean } | null> {
  return db().recommendation.findUnique({ where: { id }, select: { repId: true, isControl: true } });
}

/** QueueItem as JSON (dates as ISO strings), shared by the page's initial data and /api/queue. */
export type QueueItemDto = Omit<QueueItem, "expiresAt"> & { expiresAt: string };
export function toQueueItemDto(item: QueueItem): QueueItemDto {
  return { ...item, expiresAt: item.expiresAt.toISOString() };
}

/**
 * Stamps suggestions read through the public API as shown (whoever shows them
 * to the rep, e.g. a CRM sidebar): one left unanswered until it lapses then
 * counts as ignored for learning (lib/domain/vocabulary.ts isResolved).
 */
export async function markShownViaApi(ids: string[], now = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db().recommendation.updateMany({ where: { id: { in: ids }, isControl: false, shownAt: null }, data: { shownAt: now } });
}

/** Stamps when suggestions were first shown to their rep (adoption's time-to-reaction starts here). */
export async function markShown(repId: string, ids: string[], now = new Date()): Promise<void> {
  if (ids.length === 0) return;
  await db().recommendation.updateMany({ where: { id: { in: ids }, repId, shownAt: null }, data: { shownAt: now } });
}

/** Whether a recommendation is one of the customer's (the embed acts on the record it was opened for only). */
export async function recommendationOfCustomer(id: string, customerExternalId: string): Promise<boolean> {
  return (await db().recommendation.count({ where: { id, customer: { externalId: customerExternalId } } })) > 0;
}
