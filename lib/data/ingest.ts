import "server-only";
import { db, type Db } from "./db";
import { OPEN_SQL } from "./vocabulary-sql";
import { readRows } from "./raw";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import type { ApiCustomer, ApiEvent } from "@/lib/validation/api";

// The set-based statements behind batch ingestion for /api/v1 (one statement
// per batch, via unnest). Validation, owner lookup and the re-score are in
// lib/services/ingest.ts, which runs the writes in one transaction.

type Client = Pick<Db, "$queryRaw" | "$executeRaw">;

/** Active users with one of these emails and this role, as email -> id. */
export async function activeUserIdsByEmail(emails: string[], role: Role): Promise<Map<string, string>> {
  const users = await db().user.findMany({ where: { email: { in: emails }, active: true, role }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.email, u.id]));
}

/** Customers with these externalIds, as externalId -> id (an erased customer's id resolves to nothing). */
export async function customerIdsByExternalId(externalIds: string[]): Promise<Map<string, string>> {
  const customers = await readRows<{ id: string; externalId: string }>(
    db(),
    Prisma.sql`SELECT id, "externalId" FROM "Customer" WHERE "externalId" = ANY(${externalIds}::text[]) AND "erasedAt" IS NULL`,
  );
  return new Map(customers.map((c) => [c.externalId, c.id]));
}

export type CustomerUpsert = ApiCustomer & { ownerId: string };

/**
 * Updates the customers that exist (only the fields sent), then inserts the
 * rest. Returns the ids of each, by externalId. Safe under concurrency: an
 * insert that meets a row another transaction inserted meanwhile waits for it
 * (ON CONFLICT) and that row is then updated instead, so sending one new
 * externalId many times at once creates it once and never fails.
 */
export async function upsertCustomerRows(client: Client, all: CustomerUpsert[]): Promise<{ updated: { externalId: string; id: string }[]; inserted: { externalId: string; id: string }[] }> {
  // One lock order for every batch (by externalId), so two batches never wait on each other crosswise.
  const sorted = [...all].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const input = (rows: CustomerUpsert[]) => {
    const date = (s: string | null | undefined) => (s ? `${s}T00:00:00Z` : null);
    const col = <T,>(f: (c: CustomerUpsert) => T) => rows.map(f);
    const has = (k: keyof ApiCustomer) => col((c) => c[k] !== undefined);
    return Prisma.sql`
      SELECT * FROM unnest(${col((c) => c.externalId)}::text[], ${col((c) => c.name)}::text[], ${col((c) => c.segment)}::text[],
        ${col((c) => c.ownerId)}::uuid[],
        ${col((c) => c.email ?? null)}::text[], ${has("email")}::bool[], ${col((c) => c.phone ?? null)}::text[], ${has("phone")}::bool[],
        ${col((c) => c.company ?? null)}::text[], ${has("company")}::bool[], ${col((c) => date(c.birthday))}::text[], ${has("birthday")}::bool[],
        ${col((c) => date(c.renewalDate))}::text[], ${has("renewalDate")}::bool[], ${col((c) => (c.lifetimeValue === undefined ? null : String(c.lifetimeValue)))}::text[])
      AS t(x, n, s, o, e, he, p, hp, co, hco, b, hb, r, hr, l)`;
  };
  const update = (rows: CustomerUpsert[]) => client.$queryRaw<{ externalId: string; id: string }[]>`
      WITH i AS (${input(rows)})
      UPDATE "Customer" c SET name = i.n, segment = i.s, "ownerId" = i.o,
        email = CASE WHEN i.he THEN i.e ELSE c.email END,
        phone = CASE WHEN i.hp THEN i.p ELSE c.phone END,
        company = CASE WHEN i.hco THEN i.co ELSE c.company END,
        birthday = CASE WHEN i.hb THEN i.b::date ELSE c.birthday END,
        "renewalDate" = CASE WHEN i.hr THEN i.r::date ELSE c."renewalDate" END,
        "lifetimeValue" = COALESCE(i.l::numeric, c."lifetimeValue"),
        "updatedAt" = now()
      FROM i WHERE c."externalId" = i.x AND c."erasedAt" IS NULL
      RETURNING c."externalId", c.id`;
  const updated = await update(sorted);
  const done = new Set(updated.map((r) => r.externalId));
  const fresh = sorted.filter((c) => !done.has(c.externalId));
  if (fresh.length === 0) return { updated, inserted: [] };
  const inserted = await client.$queryRaw<{ externalId: string; id: string }[]>`
      WITH i AS (${input(fresh)})
      INSERT INTO "Customer" ("externalId", name, segment, "ownerId", email, phone, company, birthday, "renewalDate", "lifetimeValue", "updatedAt")
      SELECT i.x, i.n, i.s, i.o, i.e, i.p, i.co, i.b::date, i.r::date, COALESCE(i.l::numeric, 0), now()
      FROM i
      ON CONFLICT ("externalId") DO NOTHING
      RETURNING "externalId", id`;
  // Inserted by a concurrent call since our update: update them now (their row is committed and visible).
  const made = new Set(inserted.map((r) => r.externalId));
  const raced = fresh.filter((c) => !made.has(c.externalId));
  if (raced.length) updated.push(...(await update(raced)));
  return { updated, inserted };
}

/** Gives the customers' open suggestions to the customer's current owner. */
export async function moveOpenRecommendationsToOwner(client: Client, customerIds: string[]): Promise<void> {
  await client.$executeRaw`
      UPDATE "Recommendation" r SET "repId" = c."ownerId" FROM "Customer" c
      WHERE c.id = r."customerId" AND r."customerId" = ANY(${customerIds}::uuid[]) AND r."repId" <> c."ownerId"
        AND r.status IN ${OPEN_SQL}`;
}

export type EventInsert = ApiEvent & { customerId: string; requestHash: string | null };

/**
 * Inserts events; one whose idempotency key was recorded before (or is being
 * recorded by a concurrent call, which it waits for) is skipped. Returns the
 * rows actually inserted. The skipping is the database's: CustomerEvent is
 * partitioned by month, so its keys live in "CustomerEventKey", claimed by a
 * trigger as each row is inserted (migration 20261207000000_history_partitions).
 */
export async function insertEvents(client: Client, rows: EventInsert[]): Promise<{ customerId: string; idempotencyKey: string | null }[]> {
  return client.$queryRaw<{ customerId: string; idempotencyKey: string | null }[]>`
      INSERT INTO "CustomerEvent" ("customerId", type, "occurredAt", amount, payload, source, "idempotencyKey", "requestHash")
      SELECT c, t::"EventType", (o::timestamptz AT TIME ZONE 'UTC')::timestamp(3), a::numeric, p::jsonb, s, k, h
      FROM unnest(${rows.map((w) => w.customerId)}::uuid[], ${rows.map((w) => w.type)}::text[],
                  ${rows.map((w) => w.occurredAt)}::text[], ${rows.map((w) => (w.amount === undefined ? null : String(w.amount)))}::text[],
                  ${rows.map((w) => (w.payload ? JSON.stringify(w.payload) : null))}::text[], ${rows.map((w) => w.source ?? null)}::text[],
                  ${rows.map((w) => w.idempotencyKey ?? null)}::text[], ${rows.map((w) => w.requestHash)}::text[])
           AS t(c, t, o, a, p, s, k, h)
      RETURNING "customerId", "idempotencyKey"`;
}

/** The request hashes stored with these idempotency keys (null for rows from before hashes were kept), as key -> hash. */
export async function eventRequestHashes(client: Client, keys: string[]): Promise<Map<string, string | null>> {
  if (keys.length === 0) return new Map();
  const rows = await client.$queryRaw<{ k: string; h: string | null }[]>`
      SELECT "idempotencyKey" AS k, "requestHash" AS h FROM "CustomerEventKey" WHERE "idempotencyKey" = ANY(${keys}::text[])`;
  return new Map(rows.map((r) => [r.k, r.h]));
}

/**
 * The customers events name, as externalId -> id (an erased customer resolves
 * to nothing), and for those in `purchasers` the total of their recorded
 * purchases in cents: one round trip for what an event batch checks first.
 */
export async function eventCustomers(externalIds: string[], purchasers: string[]): Promise<Map<string, { id: string; purchaseCents: number }>> {
  const rows = await readRows<{ id: string; externalId: string; cents: string | null }>(
    db(),
    Prisma.sql`
      SELECT c.id, c."externalId",
             CASE WHEN c."externalId" = ANY(${purchasers}::text[]) THEN
               (SELECT (COALESCE(SUM(e.amount), 0) * 100)::text FROM "CustomerEvent" e WHERE e."customerId" = c.id AND e.type = 'PURCHASE' AND e.amount IS NOT NULL)
             END AS cents
      FROM "Customer" c WHERE c."externalId" = ANY(${externalIds}::text[]) AND c."erasedAt" IS NULL`,
  );
  return new Map(rows.map((r) => [r.externalId, { id: r.id, purchaseCents: r.cents === null ? 0 : Number(r.cents) }]));
}
