import "server-only";
import { db, type Db } from "./db";
import { OPEN_SQL, sqlLiteral } from "./vocabulary-sql";
import { consentState, FULL_CONSENT, type ConsentChannel, type ConsentEntry, type ConsentPurpose, type ConsentState } from "@/lib/engine";

// Consent records: the history as recorded, and the current state per customer
// (the engine's consentState over it, so SQL and TypeScript cannot disagree).

type Client = Pick<Db, "$queryRaw" | "$executeRaw">;

/** Each customer's consent now (customers without records have full consent). */
export async function loadConsentStates(client: Client, customerIds: string[]): Promise<Map<string, ConsentState>> {
  const out = new Map<string, ConsentState>();
  const by = await latestConsentEntries(client, customerIds);
  for (const id of customerIds) out.set(id, by.has(id) ? consentState(by.get(id)!) : FULL_CONSENT);
  return out;
}

export interface ConsentHistoryRow {
  id: number;
  purpose: ConsentPurpose;
  channel: ConsentChannel | null;
  granted: boolean;
  recordedAt: Date;
  source: string;
  recordedBy: string | null;
  apiKey: string | null;
}

/** Every consent record of a customer, newest first. */
export async function consentHistory(customerId: string, client: Client = db()): Promise<ConsentHistoryRow[]> {
  return client.$queryRaw<ConsentHistoryRow[]>`
    SELECT r.id, r.purpose::text AS purpose, r.channel::text AS channel, r.granted, r."recordedAt", r.source,
           u.name AS "recordedBy", k.name AS "apiKey"
    FROM "ConsentRecord" r LEFT JOIN "User" u ON u.id = r."recordedById" LEFT JOIN "ApiKey" k ON k.id = r."apiKeyId"
    WHERE r."customerId" = ${customerId}::uuid
    ORDER BY r."recordedAt" DESC, r.id DESC`;
}

export type ConsentInsert = { purpose: ConsentPurpose; channel: ConsentChannel | null; granted: boolean; recordedAt: Date; source: string };

/** Appends consent records (the history is never rewritten). */
export async function insertConsentRecords(client: Client, customerId: string, rows: ConsentInsert[], by: { userId?: string | null; apiKeyId?: string | null }): Promise<void> {
  if (rows.length === 0) return;
  await client.$executeRaw`
    INSERT INTO "ConsentRecord" ("customerId", purpose, channel, granted, "recordedAt", source, "recordedById", "apiKeyId")
    SELECT ${customerId}::uuid, p::"ConsentPurpose", ch::"ConsentChannel", g, (t::timestamptz AT TIME ZONE 'UTC')::timestamp(3), s, ${by.userId ?? null}::uuid, ${by.apiKeyId ?? null}::uuid
    FROM unnest(${rows.map((r) => r.purpose)}::text[], ${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.granted)}::bool[],
                ${rows.map((r) => r.recordedAt.toISOString())}::text[], ${rows.map((r) => r.source)}::text[]) AS t(p, ch, g, t, s)`;
}

/** Withdraws (expires) the customer's open suggestions of actions with these purposes; returns how many. */
export async function withdrawOpenForPurposes(client: Client, customerId: string, purposes: ConsentPurpose[]): Promise<number> {
  if (purposes.length === 0) return 0;
  return client.$executeRaw`
    UPDATE "Recommendation" r SET status = ${sqlLiteral("EXPIRED")}
    FROM "ActionType" a
    WHERE a.id = r."actionTypeId" AND r."customerId" = ${customerId}::uuid AND r.status IN ${OPEN_SQL}
      AND a.purpose::text = ANY(${purposes}::text[])`;
}

/** The latest consent entries of these customers, by customer. */
export async function latestConsentEntries(client: Client, customerIds: string[]): Promise<Map<string, ConsentEntry[]>> {
  const by = new Map<string, ConsentEntry[]>();
  if (customerIds.length === 0) return by;
  const rows = await client.$queryRaw<(ConsentEntry & { customerId: string })[]>`
    SELECT DISTINCT ON ("customerId", purpose, channel) "customerId", purpose::text AS purpose, channel::text AS channel, granted, "recordedAt", id
    FROM "ConsentRecord" WHERE "customerId" = ANY(${customerIds}::uuid[])
    ORDER BY "customerId", purpose, channel, "recordedAt" DESC, id DESC`;
  for (const r of rows) by.set(r.customerId, [...(by.get(r.customerId) ?? []), r]);
  return by;
}
