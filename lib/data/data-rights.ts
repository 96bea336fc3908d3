import "server-only";
import { db, type Db } from "./db";
import { sqlList, sqlLiteral } from "./vocabulary-sql";
import { isUuid } from "@/lib/validation/postgres-safe";
import { isActedOn, OPEN_STATUSES } from "@/lib/domain/vocabulary";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CustomerAccessKind } from "@/lib/generated/prisma/enums";

// A customer's data as the database holds it: which tables refer to a customer
// (read from the foreign keys, so a new table is covered without a code
// change), the export of every such row, the erasure, and the access record.

type Client = Pick<Db, "$queryRaw" | "$executeRaw" | "$queryRawUnsafe">;

export interface CustomerTable {
  table: string;
  /** SQL predicate selecting the customer's rows of this table, with $1 the customer id. */
  predicate: string;
  /** How the table reaches the customer, e.g. ["Feedback.recommendationId → Recommendation", "Recommendation.customerId → Customer"]. */
  paths: string[];
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/**
 * Every table whose rows refer to a customer, directly (a foreign key to
 * Customer) or through another such table (Feedback → Recommendation →
 * Customer), from the database's foreign keys. Customer itself comes first.
 * Partitions (the months of CustomerEvent) are not tables of their own here:
 * their rows are read through the partitioned table.
 */
export async function customerTables(client: Client = db()): Promise<CustomerTable[]> {
  const fks = await client.$queryRaw<{ child: string; col: string; parent: string; parentCol: string }[]>`
    SELECT ch.relname AS child, a.attname AS col, pa.relname AS parent, pa_att.attname AS "parentCol"
    FROM pg_constraint c
    JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_namespace n ON n.oid = ch.relnamespace
    JOIN pg_class pa ON pa.oid = c.confrelid
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute pa_att ON pa_att.attrelid = c.confrelid AND pa_att.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND n.nspname = current_schema() AND NOT ch.relispartition
    ORDER BY ch.relname, a.attname`;
  const found = new Map<string, { predicates: string[]; paths: string[] }>([["Customer", { predicates: [`${q("id")} = $1::uuid`], paths: ["Customer"] }]]);
  // Breadth first from Customer: a child of a table that refers to the customer refers to them too.
  let frontier = ["Customer"];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const parent of frontier) {
      const parentPredicate = found.get(parent)!.predicates.map((p) => `(${p})`).join(" OR ");
      for (const fk of fks.filter((f) => f.parent === parent && f.child !== parent)) {
        const predicate = parent === "Customer" ? `${q(fk.col)} = $1::uuid` : `${q(fk.col)} IN (SELECT ${q(fk.parentCol)} FROM ${q(parent)} WHERE ${parentPredicate})`;
        const entry = found.get(fk.child);
        if (entry) {
          if (!entry.paths.some((p) => p.startsWith(`${fk.child}.${fk.col} `))) {
            entry.predicates.push(predicate);
            entry.paths.push(`${fk.child}.${fk.col} → ${parent}`);
          }
          continue;
        }
        found.set(fk.child, { predicates: [predicate], paths: [`${fk.child}.${fk.col} → ${parent}`] });
        next.push(fk.child);
      }
    }
    frontier = next;
  }
  return [...found].map(([table, e]) => ({ table, predicate: e.predicates.map((p) => `(${p})`).join(" OR "), paths: e.paths }));
}

/** Every row of every table that refers to the customer, as JSON, by table. */
export async function customerRows(customerId: string, client: Client = db()): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const t of await customerTables(client)) {
    const rows = await client.$queryRawUnsafe<{ row: Record<string, unknown> }[]>(
      `SELECT to_jsonb(t) AS row FROM ${q(t.table)} t WHERE ${t.predicate} ORDER BY 1::text`,
      customerId,
    );
    out[t.table] = rows.map((r) => r.row);
  }
  return out;
}

export interface ErasureCounts {
  events: number;
  recommendations: number;
  notes: number;
  comments: number;
  consentRecords: number;
  webhookDeliveries: number;
  withdrawn: number;
}

/** The customer's id, erasedAt and externalId, by id (erased or not). */
export async function customerForRights(id: string, client: Client = db()): Promise<{ id: string; externalId: string; erasedAt: Date | null; ownerId: string } | null> {
  if (!isUuid(id)) return null;
  const rows = await client.$queryRaw<{ id: string; externalId: string; erasedAt: Date | null; ownerId: string }[]>`
    SELECT id, "externalId", "erasedAt", "ownerId" FROM "Customer" WHERE id = ${id}::uuid`;
  return rows[0] ?? null;
}

/**
 * Removes or anonymises the customer's personal data everywhere it appears,
 * keeping every row that a count or a total reads (recommendations, purchases
 * with their amounts, holdout arms, feedback scores), so dashboards do not move:
 * the profile (name, contact details, dates, company; externalId replaced, so
 * it no longer resolves), event payloads, sources and idempotency keys,
 * suggestion texts and reasons, reps' notes, customers' comments, consent
 * sources, and the customer's external id in webhook payloads. Pending and
 * snoozed suggestions are withdrawn. Call inside a transaction.
 */
export async function eraseCustomerRows(client: Client, customerId: string, now: Date): Promise<ErasureCounts> {
  const marker = `erased-${customerId}`;
  const recs = Prisma.sql`SELECT id FROM "Recommendation" WHERE "customerId" = ${customerId}::uuid`;
  const withdrawn = await client.$executeRaw`
    UPDATE "Recommendation" SET status = ${sqlLiteral("EXPIRED")} WHERE "customerId" = ${customerId}::uuid AND status IN ${sqlList(OPEN_STATUSES.filter((st) => !isActedOn(st)))}`;
  const webhookDeliveries = await client.$executeRaw`
    UPDATE "WebhookDelivery" SET payload = jsonb_set(payload, '{recommendation,customerExternalId}', to_jsonb(${marker}::text))
    WHERE payload->'recommendation'->>'id' IN (SELECT id::text FROM "Recommendation" WHERE "customerId" = ${customerId}::uuid)`;
  const events = await client.$executeRaw`
    UPDATE "CustomerEvent" SET payload = NULL, source = NULL, "idempotencyKey" = NULL, "requestHash" = NULL
    WHERE "customerId" = ${customerId}::uuid`;
  const recommendations = await client.$executeRaw`
    UPDATE "Recommendation" SET message = '[erased]', reasons = '[]'::jsonb WHERE "customerId" = ${customerId}::uuid`;
  const notes = await client.$executeRaw`
    UPDATE "Feedback" SET note = NULL, "idempotencyKey" = NULL, "requestHash" = NULL WHERE "recommendationId" IN (${recs}) AND (note IS NOT NULL OR "idempotencyKey" IS NOT NULL)`;
  const comments = await client.$executeRaw`
    UPDATE "ContactFeedback" SET comment = NULL WHERE "customerId" = ${customerId}::uuid AND comment IS NOT NULL`;
  const consentRecords = await client.$executeRaw`
    UPDATE "ConsentRecord" SET source = 'erased' WHERE "customerId" = ${customerId}::uuid`;
  await client.$executeRaw`
    UPDATE "Customer" SET name = 'Erased customer', "externalId" = ${marker}, email = NULL, phone = NULL, company = NULL,
      birthday = NULL, "renewalDate" = NULL, "erasedAt" = ${now}, "updatedAt" = ${now}
    WHERE id = ${customerId}::uuid`;
  return { events, recommendations, notes, comments, consentRecords, webhookDeliveries, withdrawn };
}

/** Records that someone opened, exported or erased a customer. */
export async function recordCustomerAccess(customerId: string, kind: CustomerAccessKind, by: { userId?: string | null; apiKeyId?: string | null }, client: Pick<Db, "customerAccess"> = db()): Promise<void> {
  await client.customerAccess.create({ data: { customerId, kind, userId: by.userId ?? null, apiKeyId: by.apiKeyId ?? null } });
}

export interface AccessFilter {
  userId?: string;
  /** Customer name or externalId (contains, case-insensitive). */
  customer?: string;
  kind?: CustomerAccessKind;
  from?: Date;
  to?: Date;
  beforeId?: number;
  take?: number;
}

export interface AccessEntry {
  id: number;
  at: Date;
  kind: CustomerAccessKind;
  customer: { id: string; name: string; externalId: string; erased: boolean };
  user: { id: string; name: string; email: string } | null;
  apiKey: { id: string; name: string } | null;
}

/** The access record, newest first, filtered; keyset-paginated by id. */
export async function listCustomerAccess(filter: AccessFilter = {}): Promise<{ entries: AccessEntry[]; nextBeforeId: number | null }> {
  const take = filter.take ?? 50;
  const toEnd = filter.to ? new Date(filter.to.getTime() + 86_400_000) : undefined;
  const rows = await db().customerAccess.findMany({
    where: {
      userId: filter.userId,
      kind: filter.kind,
      at: { gte: filter.from, lt: toEnd },
      id: filter.beforeId ? { lt: filter.beforeId } : undefined,
      customer: filter.customer
        ? { OR: [{ name: { contains: filter.customer, mode: "insensitive" } }, { externalId: { contains: filter.customer, mode: "insensitive" } }] }
        : undefined,
    },
    orderBy: { id: "desc" },
    take: take + 1,
    select: {
      id: true,
      at: true,
      kind: true,
      customer: { select: { id: true, name: true, externalId: true, erasedAt: true } },
      user: { select: { id: true, name: true, email: true } },
      apiKey: { select: { id: true, name: true } },
    },
  });
  const entries = rows.slice(0, take).map((r) => ({ ...r, customer: { id: r.customer.id, name: r.customer.name, externalId: r.customer.externalId, erased: r.customer.erasedAt !== null } }));
  return { entries, nextBeforeId: rows.length > take ? entries[entries.length - 1]!.id : null };
}

/** Users who appear in the access record (for the filter). */
export async function listAccessUsers(): Promise<{ id: string; name: string; email: string }[]> {
  return db().user.findMany({ where: { customerAccess: { some: {} } }, select: { id: true, name: true, email: true }, orderBy: { name: "asc" } });
}

/** Customers (not erased) whose external id is `q` or whose name or email contains it, for the admin's export and erasure. */
export async function findCustomersForRights(q: string, take = 10): Promise<{ id: string; externalId: string; name: string; email: string | null; segment: string }[]> {
  const term = q.trim();
  if (!term) return [];
  return db().customer.findMany({
    where: { erasedAt: null, OR: [{ externalId: term }, { name: { contains: term, mode: "insensitive" } }, { email: { contains: term, mode: "insensitive" } }] },
    orderBy: { name: "asc" },
    take,
    select: { id: true, externalId: true, name: true, email: true, segment: true },
  });
}
