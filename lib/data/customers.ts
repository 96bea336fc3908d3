import "server-only";
import { loadConsentStates } from "./consent";
import { db } from "./db";
import { loadEventAggregates } from "./decisions";
import { customerWhere, type RowScope } from "./scope";
import { isUuid } from "@/lib/validation/postgres-safe";
import { ATTRIBUTION_WINDOW_DAYS, isActedOn, OPEN_STATUSES, type RecommendationStatus } from "@/lib/domain/vocabulary";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { EventType } from "@/lib/generated/prisma/enums";
import { deriveSignalsFromAggregates, FULL_CONSENT, type ConsentState, type Signals } from "@/lib/engine";
import type { CustomerFilters } from "@/lib/validation/customers";
import { reasonsSchema, type Reason } from "@/lib/validation/reasons";

export const CUSTOMER_PAGE_SIZE = 25;

export interface CustomerRow {
  id: string;
  externalId: string;
  name: string;
  company: string | null;
  email: string | null;
  segment: string;
  renewalDate: Date | null;
  lifetimeValue: number;
  ownerName: string;
  openRecommendations: number;
}

/** Search, filter, sort and paginate the customers in the viewer's row scope, in the database. */
export async function listCustomers(scope: RowScope, f: CustomerFilters, now = new Date()): Promise<{ rows: CustomerRow[]; total: number; page: number; pages: number }> {
  const open = { status: { in: [...OPEN_STATUSES] }, isControl: false, expiresAt: { gt: now } };
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const where: Prisma.CustomerWhereInput = {
    AND: [
      customerWhere(scope),
      { erasedAt: null },
      f.q
        ? {
            OR: [
              { name: { contains: f.q, mode: "insensitive" } },
              { company: { contains: f.q, mode: "insensitive" } },
              { email: { contains: f.q, mode: "insensitive" } },
              { externalId: { equals: f.q } },
            ],
          }
        : {},
      f.segment ? { segment: f.segment } : {},
      f.open ? { recommendations: { some: open } } : {},
      f.renewal ? { renewalDate: { gte: today, lte: new Date(today.getTime() + f.renewal * 86_400_000) } } : {},
    ],
  };
  const orderBy: Prisma.CustomerOrderByWithRelationInput[] =
    f.sort === "renewal"
      ? [{ renewalDate: { sort: "asc", nulls: "last" } }, { id: "asc" }]
      : f.sort === "value"
        ? [{ lifetimeValue: "desc" }, { id: "asc" }]
        : f.sort === "newest"
          ? [{ createdAt: "desc" }, { id: "asc" }]
          : [{ name: "asc" }, { id: "asc" }];
  const total = await db().customer.count({ where });
  const pages = Math.max(1, Math.ceil(total / CUSTOMER_PAGE_SIZE));
  const page = Math.min(f.page, pages);
  const rows = await db().customer.findMany({
    where,
    orderBy,
    skip: (page - 1) * CUSTOMER_PAGE_SIZE,
    take: CUSTOMER_PAGE_SIZE,
    select: {
      id: true,
      externalId: true,
      name: true,
      company: true,
      email: true,
      segment: true,
      renewalDate: true,
      lifetimeValue: true,
      owner: { select: { name: true } },
      _count: { select: { recommendations: { where: open } } },
    },
  });
  return {
    rows: rows.map((r) => ({
      id: r.id,
      externalId: r.externalId,
      name: r.name,
      company: r.company,
      email: r.email,
      segment: r.segment,
      renewalDate: r.renewalDate,
      lifetimeValue: Number(r.lifetimeValue),
      ownerName: r.owner.name,
      openRecommendations: r._count.recommendations,
    })),
    total,
    page,
    pages,
  };
}

export async function listSegments(scope: RowScope): Promise<string[]> {
  const rows = await db().customer.groupBy({ by: ["segment"], where: customerWhere(scope), orderBy: { segment: "asc" } });
  return rows.map((r) => r.segment);
}

export interface CustomerDetail {
  id: string;
  externalId: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  segment: string;
  birthday: Date | null;
  renewalDate: Date | null;
  lifetimeValue: number;
  /** Consent now, by purpose (lib/engine/consent.ts). */
  consent: ConsentState;
  createdAt: Date;
  owner: { id: string; name: string };
  signals: Signals;
}

/** One customer in the viewer's row scope, by id or externalId; null when absent or out of scope (callers answer 404). */
export async function getCustomerForUser(scope: RowScope, by: { id: string } | { externalId: string }, now = new Date()): Promise<CustomerDetail | null> {
  if ("id" in by && !isUuid(by.id)) return null;
  const c = await db().customer.findFirst({
    where: { AND: [customerWhere(scope), by, { erasedAt: null }] },
    select: {
      id: true, externalId: true, name: true, email: true, phone: true, company: true, segment: true, birthday: true, renewalDate: true,
      lifetimeValue: true, createdAt: true, ownerId: true, owner: { select: { id: true, name: true } },
    },
  });
  if (!c) return null;
  const consent = (await loadConsentStates(db(), [c.id])).get(c.id) ?? FULL_CONSENT;
  const aggs = await loadEventAggregates(db(), [c.id], now);
  const lifetimeValue = Number(c.lifetimeValue);
  const signals = deriveSignalsFromAggregates(
    { ...c, lifetimeValue, consent },
    aggs.get(c.id) ?? { lastContactAt: null, lastPurchaseAt: null, ordersLast90d: 0, spendLast90d: 0, openTickets: 0, webVisitsLast7d: 0, emailClicksLast30d: 0 },
    now,
  );
  const { ownerId: _ownerId, ...rest } = c;
  return { ...rest, lifetimeValue, consent, signals };
}

export interface TimelineEvent {
  id: number;
  type: EventType;
  occurredAt: Date;
  amount: number | null;
  summary: string | null;
  source: string | null;
}

export async function customerTimeline(customerId: string, limit = 50): Promise<TimelineEvent[]> {
  const rows = await db().customerEvent.findMany({
    where: { customerId },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, type: true, occurredAt: true, amount: true, payload: true, source: true },
  });
  return rows.map((r) => {
    const p = r.payload && typeof r.payload === "object" && !Array.isArray(r.payload) ? (r.payload as Record<string, unknown>) : {};
    const subject = typeof p.subject === "string" ? p.subject : typeof p.page === "string" ? p.page : null;
    const status = typeof p.status === "string" ? p.status : null;
    return {
      id: r.id,
      type: r.type,
      occurredAt: r.occurredAt,
      amount: r.amount === null ? null : Number(r.amount),
      summary: [subject, status].filter(Boolean).join(" · ") || null,
      source: r.source,
    };
  });
}

export interface PastRecommendation {
  id: string;
  actionName: string;
  status: RecommendationStatus;
  isControl: boolean;
  message: string;
  reasons: Reason[];
  createdAt: Date;
  decidedAt: Date | null;
  repName: string;
  reactions: { kind: string; reason: string | null; note: string | null; at: Date; by: string }[];
  converted: { at: Date; amount: number } | null;
}

/** The customer's recommendations (newest first) with each reaction and the attributed purchase, if any. */
export async function customerRecommendationHistory(customerId: string, attributionDays = ATTRIBUTION_WINDOW_DAYS, limit = 30): Promise<PastRecommendation[]> {
  const recs = await db().recommendation.findMany({
    where: { customerId },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: {
      id: true, status: true, isControl: true, message: true, reasons: true, createdAt: true, decidedAt: true,
      actionType: { select: { name: true } },
      rep: { select: { name: true } },
      feedback: { orderBy: { createdAt: "asc" }, select: { kind: true, dismissReason: true, note: true, createdAt: true, user: { select: { name: true } } } },
    },
  });
  const purchases = await db().customerEvent.findMany({
    where: { customerId, type: "PURCHASE" },
    orderBy: { occurredAt: "asc" },
    select: { occurredAt: true, amount: true },
  });
  return recs.map((r) => {
    const start = (isActedOn(r.status) ? r.decidedAt : null) ?? (r.isControl ? r.createdAt : null);
    const hit = start ? purchases.find((p) => p.occurredAt > start && p.occurredAt.getTime() <= start.getTime() + attributionDays * 86_400_000) : undefined;
    return {
      id: r.id,
      actionName: r.actionType.name,
      status: r.status,
      isControl: r.isControl,
      message: r.message,
      reasons: reasonsSchema.catch([]).parse(r.reasons),
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
      repName: r.rep.name,
      reactions: r.feedback.map((f) => ({ kind: f.kind, reason: f.dismissReason, note: f.note, at: f.createdAt, by: f.user.name })),
      converted: hit ? { at: hit.occurredAt, amount: Number(hit.amount ?? 0) } : null,
    };
  });
}
