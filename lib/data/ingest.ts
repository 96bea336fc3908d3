import "server-only";
import { db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";
import { generateRecommendations } from "@/lib/services/generation";
import { apiCustomerSchema, apiEventSchema, issuesToDetails, type ApiCustomer, type ApiEvent, type FieldError } from "@/lib/validation/api";

// Batch ingestion for /api/v1: every item is validated on its own, so one bad
// item never blocks the rest; accepted items are written, and their customers
// re-scored, in one transaction, so a failure leaves nothing half-written.

export interface CustomerResult {
  externalId: string;
  status: "created" | "updated" | "rejected";
  errors?: FieldError[];
}

export async function upsertCustomers(items: unknown[]): Promise<CustomerResult[]> {
  const results: CustomerResult[] = new Array(items.length);
  const valid: { index: number; c: ApiCustomer }[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const parsed = apiCustomerSchema.safeParse(item);
    const externalId = typeof item === "object" && item !== null && "externalId" in item ? String(item.externalId) : "";
    if (!parsed.success) {
      results[index] = { externalId, status: "rejected", errors: issuesToDetails(parsed.error.issues) };
    } else if (seen.has(parsed.data.externalId)) {
      results[index] = { externalId, status: "rejected", errors: [{ path: "externalId", message: "This externalId appears earlier in the same batch" }] };
    } else {
      seen.add(parsed.data.externalId);
      valid.push({ index, c: parsed.data });
    }
  });
  if (valid.length === 0) return results;

  const emails = [...new Set(valid.map((v) => v.c.ownerEmail))];
  const owners = await db().user.findMany({ where: { email: { in: emails }, active: true, role: "REP" }, select: { id: true, email: true } });
  const ownerId = new Map(owners.map((o) => [o.email, o.id]));
  const accepted = valid.filter(({ index, c }) => {
    if (ownerId.has(c.ownerEmail)) return true;
    results[index] = { externalId: c.externalId, status: "rejected", errors: [{ path: "ownerEmail", message: "No active sales rep has this email" }] };
    return false;
  });
  if (accepted.length === 0) return results;

  const date = (s: string | null | undefined) => (s ? `${s}T00:00:00Z` : null);
  const col = <T,>(f: (c: ApiCustomer) => T) => accepted.map((a) => f(a.c));
  const has = (k: keyof ApiCustomer) => col((c) => c[k] !== undefined);
  await db().$transaction(async (tx) => {
    // Updates first (only the fields sent), then inserts for the rest.
    const input = Prisma.sql`
      SELECT * FROM unnest(${col((c) => c.externalId)}::text[], ${col((c) => c.name)}::text[], ${col((c) => c.segment)}::text[],
        ${col((c) => ownerId.get(c.ownerEmail)!)}::uuid[],
        ${col((c) => c.email ?? null)}::text[], ${has("email")}::bool[], ${col((c) => c.phone ?? null)}::text[], ${has("phone")}::bool[],
        ${col((c) => c.company ?? null)}::text[], ${has("company")}::bool[], ${col((c) => date(c.birthday))}::text[], ${has("birthday")}::bool[],
        ${col((c) => date(c.renewalDate))}::text[], ${has("renewalDate")}::bool[], ${col((c) => c.lifetimeValue ?? null)}::float8[],
        ${col((c) => c.doNotContact ?? null)}::bool[], ${col((c) => c.marketingOptOut ?? null)}::bool[])
      AS t(x, n, s, o, e, he, p, hp, co, hco, b, hb, r, hr, l, dnc, opt)`;
    const updated = await tx.$queryRaw<{ externalId: string; id: string }[]>`
      WITH i AS (${input})
      UPDATE "Customer" c SET name = i.n, segment = i.s, "ownerId" = i.o,
        email = CASE WHEN i.he THEN i.e ELSE c.email END,
        phone = CASE WHEN i.hp THEN i.p ELSE c.phone END,
        company = CASE WHEN i.hco THEN i.co ELSE c.company END,
        birthday = CASE WHEN i.hb THEN i.b::date ELSE c.birthday END,
        "renewalDate" = CASE WHEN i.hr THEN i.r::date ELSE c."renewalDate" END,
        "lifetimeValue" = COALESCE(i.l::numeric, c."lifetimeValue"),
        "doNotContact" = COALESCE(i.dnc, c."doNotContact"),
        "marketingOptOut" = COALESCE(i.opt, c."marketingOptOut"),
        "updatedAt" = now()
      FROM i WHERE c."externalId" = i.x
      RETURNING c."externalId", c.id`;
    const inserted = await tx.$queryRaw<{ externalId: string; id: string }[]>`
      WITH i AS (${input})
      INSERT INTO "Customer" ("externalId", name, segment, "ownerId", email, phone, company, birthday, "renewalDate", "lifetimeValue", "doNotContact", "marketingOptOut", "updatedAt")
      SELECT i.x, i.n, i.s, i.o, i.e, i.p, i.co, i.b::date, i.r::date, COALESCE(i.l, 0), COALESCE(i.dnc, false), COALESCE(i.opt, false), now()
      FROM i WHERE NOT EXISTS (SELECT 1 FROM "Customer" c WHERE c."externalId" = i.x)
      RETURNING "externalId", id`;
    const ids = [...updated, ...inserted].map((r) => r.id);
    // Open suggestions follow their customer to a new owner.
    await tx.$executeRaw`
      UPDATE "Recommendation" r SET "repId" = c."ownerId" FROM "Customer" c
      WHERE c.id = r."customerId" AND r."customerId" = ANY(${ids}::uuid[]) AND r."repId" <> c."ownerId"
        AND r.status IN ('PENDING', 'ACCEPTED', 'SNOOZED')`;
    await generateRecommendations({ customerIds: ids }, tx);
    const created = new Set(inserted.map((r) => r.externalId));
    for (const { index, c } of accepted) results[index] = { externalId: c.externalId, status: created.has(c.externalId) ? "created" : "updated" };
  });
  return results;
}

export interface EventResult {
  index: number;
  status: "recorded" | "duplicate" | "rejected";
  errors?: FieldError[];
}

export async function recordEvents(items: unknown[]): Promise<{ results: EventResult[]; rescored: string[] }> {
  const results: EventResult[] = items.map((_, index) => ({ index, status: "recorded" }));
  const valid: { index: number; e: ApiEvent }[] = [];
  items.forEach((item, index) => {
    const parsed = apiEventSchema.safeParse(item);
    if (parsed.success) valid.push({ index, e: parsed.data });
    else results[index] = { index, status: "rejected", errors: issuesToDetails(parsed.error.issues) };
  });
  if (valid.length === 0) return { results, rescored: [] };

  const externalIds = [...new Set(valid.map((v) => v.e.customerExternalId))];
  const customers = await db().customer.findMany({ where: { externalId: { in: externalIds } }, select: { id: true, externalId: true } });
  const idOf = new Map(customers.map((c) => [c.externalId, c.id]));
  const keysInBatch = new Set<string>();
  const toWrite = valid.filter(({ index, e }) => {
    if (!idOf.has(e.customerExternalId)) {
      results[index] = { index, status: "rejected", errors: [{ path: "customerExternalId", message: "No customer has this externalId; send it to /api/v1/customers first" }] };
      return false;
    }
    if (e.idempotencyKey) {
      if (keysInBatch.has(e.idempotencyKey)) {
        results[index] = { index, status: "duplicate" };
        return false;
      }
      keysInBatch.add(e.idempotencyKey);
    }
    return true;
  });
  if (toWrite.length === 0) return { results, rescored: [] };

  const rescored = await db().$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<{ customerId: string; idempotencyKey: string | null }[]>`
      INSERT INTO "CustomerEvent" ("customerId", type, "occurredAt", amount, payload, source, "idempotencyKey")
      SELECT c, t::"EventType", (o::timestamptz AT TIME ZONE 'UTC')::timestamp(3), a, p::jsonb, s, k
      FROM unnest(${toWrite.map((w) => idOf.get(w.e.customerExternalId)!)}::uuid[], ${toWrite.map((w) => w.e.type)}::text[],
                  ${toWrite.map((w) => w.e.occurredAt)}::text[], ${toWrite.map((w) => w.e.amount ?? null)}::float8[],
                  ${toWrite.map((w) => (w.e.payload ? JSON.stringify(w.e.payload) : null))}::text[], ${toWrite.map((w) => w.e.source ?? null)}::text[],
                  ${toWrite.map((w) => w.e.idempotencyKey ?? null)}::text[])
           AS t(c, t, o, a, p, s, k)
      ON CONFLICT ("idempotencyKey") DO NOTHING
      RETURNING "customerId", "idempotencyKey"`;
    // A key that was not inserted was recorded by an earlier call: a retry.
    const newKeys = new Set(inserted.map((r) => r.idempotencyKey).filter((k): k is string => k !== null));
    for (const { index, e } of toWrite) {
      if (e.idempotencyKey && !newKeys.has(e.idempotencyKey)) results[index] = { index, status: "duplicate" };
    }
    const touched = [...new Set(inserted.map((r) => r.customerId))];
    if (touched.length) await generateRecommendations({ customerIds: touched }, tx);
    const byId = new Map([...idOf].map(([ext, id]) => [id, ext]));
    return touched.map((id) => byId.get(id)!).sort();
  });
  return { results, rescored };
}
