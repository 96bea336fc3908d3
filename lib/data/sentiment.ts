import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ContactVerdict } from "@/lib/generated/prisma/enums";
import { flagWindows } from "@/lib/metrics/sentiment";
import { db, type Db } from "./db";
import { aggregate, type MetricsScope } from "./metrics";
import { ACTED_ON_SQL, ATTRIBUTION_WINDOW_SQL } from "./vocabulary-sql";

// Customer feedback on contacts (ContactFeedback): writing the rows behind
// CONTACT_FEEDBACK events, and the aggregates of the sentiment dashboard and
// the catalog's "intrusive" flag. lib/metrics/sentiment.ts turns the counts
// into shares, intervals and the flag.
//
// Scope: a feedback row belongs to the team of its customer's current owner
// (it may have no suggestion to take a rep from), and to the customer's
// segment; the action filter keeps feedback linked to that action type only.
// Dates: the feedback's occurredAt, in [from, to] and not after `now`.

type Client = Pick<Db, "$queryRaw" | "$executeRaw">;

/** The customer of each of these suggestions and whether it was held back (control), as id -> row. */
export async function recommendationCustomers(client: Client, ids: string[]): Promise<Map<string, { customerId: string; isControl: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await client.$queryRaw<{ id: string; customerId: string; isControl: boolean }[]>`
      SELECT id, "customerId", "isControl" FROM "Recommendation" WHERE id = ANY(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id, { customerId: r.customerId, isControl: r.isControl }]));
}

export interface WrittenFeedback {
  eventId: number;
  customerId: string;
  occurredAt: Date;
  /** The event's payload (a valid contactFeedbackPayloadSchema). */
  payload: Prisma.JsonValue;
  recommendationId: string | null;
  actionKey: string | null;
}

/**
 * Writes a ContactFeedback row for every CONTACT_FEEDBACK event of these
 * customers that has none yet (the ones just inserted in this transaction),
 * and returns them. Linking: the payload's recommendationId when it has one
 * (checked beforehand to be the customer's); otherwise the customer's most
 * recent shown (non-control) suggestion that was accepted or done with its
 * decision within the attribution window before the feedback; otherwise none.
 */
export async function insertFeedbackFromEvents(client: Client, customerIds: string[]): Promise<WrittenFeedback[]> {
  if (customerIds.length === 0) return [];
  return client.$queryRaw<WrittenFeedback[]>`
      WITH fresh AS (
        SELECT e.id, e."customerId", e."occurredAt", e.payload FROM "CustomerEvent" e
        WHERE e.type = 'CONTACT_FEEDBACK' AND e."customerId" = ANY(${customerIds}::uuid[])
          AND NOT EXISTS (SELECT 1 FROM "ContactFeedback" f WHERE f."eventId" = e.id)
      ),
      linked AS (
        SELECT fresh.*, r.id AS rid, r."actionTypeId" AS aid
        FROM fresh LEFT JOIN LATERAL (
          SELECT r.id, r."actionTypeId" FROM "Recommendation" r
          WHERE r."customerId" = fresh."customerId" AND CASE
            WHEN fresh.payload->>'recommendationId' IS NOT NULL THEN r.id = (fresh.payload->>'recommendationId')::uuid
            ELSE NOT r."isControl" AND r.status IN ${ACTED_ON_SQL}
              AND r."decidedAt" <= fresh."occurredAt" AND r."decidedAt" >= fresh."occurredAt" - ${ATTRIBUTION_WINDOW_SQL} END
          ORDER BY r."decidedAt" DESC NULLS LAST, r."createdAt" DESC, r.id
          LIMIT 1
        ) r ON true
      ),
      ins AS (
        INSERT INTO "ContactFeedback" ("customerId", "eventId", "recommendationId", "actionTypeId", csat, verdict, comment, "occurredAt")
        SELECT "customerId", id, rid, aid, (payload->>'csat')::int, (payload->>'verdict')::"ContactVerdict", NULLIF(payload->>'comment', ''), "occurredAt"
        FROM linked
        ORDER BY id
        ON CONFLICT ("eventId") DO NOTHING
        RETURNING "eventId", "recommendationId", "actionTypeId"
      )
      SELECT ins."eventId", l."customerId", l."occurredAt", l.payload, ins."recommendationId", a.key AS "actionKey"
      FROM ins JOIN linked l ON l.id = ins."eventId" LEFT JOIN "ActionType" a ON a.id = ins."actionTypeId"
      ORDER BY ins."eventId"`;
}

// ---------------------------------------------------------------- aggregates

/** Counts of one group of responses. */
export interface SentimentCounts {
  /** Responses. */
  n: number;
  /** Responses with a CSAT, their mean and sample standard deviation (null below 1 / 2 responses). */
  csatN: number;
  csatMean: number | null;
  csatSd: number | null;
  /** Responses with a verdict, and of those each verdict. */
  verdictN: number;
  helpful: number;
  relevant: number;
  intrusive: number;
}

export interface SentimentData {
  total: SentimentCounts;
  /** Per action type; actionKey null: feedback linked to no suggestion. */
  byAction: (SentimentCounts & { actionKey: string | null; actionName: string | null })[];
  /** Per bucket of scope.grain (start of the bucket), all action types together. */
  byBucket: (SentimentCounts & { bucket: Date })[];
  /** Per bucket and action type (linked feedback only). */
  byActionBucket: (SentimentCounts & { bucket: Date; actionKey: string; actionName: string })[];
}

export const EMPTY_COUNTS: SentimentCounts = { n: 0, csatN: 0, csatMean: null, csatSd: null, verdictN: 0, helpful: 0, relevant: 0, intrusive: 0 };

/** The ContactFeedback rows in scope (alias f), with the customer joined as c and the action type (if any) as a. */
function scopedFeedback(s: Pick<MetricsScope, "teamId" | "actionKey" | "segment">): Prisma.Sql {
  return Prisma.sql`
    FROM "ContactFeedback" f JOIN "Customer" c ON c.id = f."customerId" LEFT JOIN "ActionType" a ON a.id = f."actionTypeId"
    WHERE true
      ${s.teamId === null ? Prisma.empty : Prisma.sql`AND c."ownerId" IN (SELECT id FROM "User" WHERE "teamId" = ${s.teamId}::uuid)`}
      ${s.actionKey === null ? Prisma.empty : Prisma.sql`AND a.key = ${s.actionKey}`}
      ${s.segment === null ? Prisma.empty : Prisma.sql`AND c.segment = ${s.segment}`}`;
}

const COUNTS_SQL = Prisma.sql`
  COUNT(*)::int AS n, COUNT(csat)::int AS "csatN", AVG(csat)::float8 AS "csatMean", stddev_samp(csat)::float8 AS "csatSd",
  COUNT(verdict)::int AS "verdictN",
  COUNT(*) FILTER (WHERE verdict = 'HELPFUL')::int AS helpful,
  COUNT(*) FILTER (WHERE verdict = 'RELEVANT')::int AS relevant,
  COUNT(*) FILTER (WHERE verdict = 'INTRUSIVE')::int AS intrusive`;

type Raw = SentimentCounts & { g: number; bucket: Date | null; actionKey: string | null; actionName: string | null };
const counts = ({ n, csatN, csatMean, csatSd, verdictN, helpful, relevant, intrusive }: Raw): SentimentCounts => ({ n, csatN, csatMean, csatSd, verdictN, helpful, relevant, intrusive });

/** Responses in scope: in total, per action type, per grain bucket, and per action type and bucket, in one pass. */
export async function sentimentMetrics(s: MetricsScope): Promise<SentimentData> {
  const rows = await aggregate<Raw[]>(Prisma.sql`
    WITH fb AS (
      SELECT f."actionTypeId", date_trunc(${s.grain}, f."occurredAt") AS bucket, f.csat, f.verdict
      ${scopedFeedback(s)} AND f."occurredAt" >= ${s.from} AND f."occurredAt" < ${s.toExclusive} AND f."occurredAt" <= ${s.now}
    ),
    rolled AS (
      SELECT (GROUPING("actionTypeId") * 2 + GROUPING(bucket))::int AS g, "actionTypeId", bucket, ${COUNTS_SQL}
      FROM fb GROUP BY GROUPING SETS ((), ("actionTypeId"), (bucket), ("actionTypeId", bucket))
    )
    SELECT rolled.*, a.key AS "actionKey", a.name AS "actionName"
    FROM rolled LEFT JOIN "ActionType" a ON a.id = rolled."actionTypeId"
    ORDER BY g, a.name NULLS LAST, bucket`);
  // g is a bitmask of what is rolled up: 3 = total, 1 = by action, 2 = by bucket, 0 = by action and bucket.
  const total = rows.find((r) => r.g === 3);
  return {
    total: total ? counts(total) : EMPTY_COUNTS,
    byAction: rows.filter((r) => r.g === 1).map((r) => ({ actionKey: r.actionKey, actionName: r.actionName, ...counts(r) })),
    byBucket: rows.filter((r) => r.g === 2 && r.bucket).map((r) => ({ bucket: r.bucket as Date, ...counts(r) })),
    byActionBucket: rows
      .filter((r) => r.g === 0 && r.bucket && r.actionKey)
      .map((r) => ({ bucket: r.bucket as Date, actionKey: r.actionKey as string, actionName: r.actionName ?? "", ...counts(r) })),
  };
}

export interface FeedbackComment {
  id: number;
  occurredAt: Date;
  actionName: string | null;
  csat: number | null;
  verdict: ContactVerdict | null;
  comment: string;
}

/** How many comments the dashboard lists. */
export const COMMENT_LIMIT = 12;

/** The latest comments in scope (newest first). */
export async function recentComments(s: MetricsScope, limit = COMMENT_LIMIT): Promise<FeedbackComment[]> {
  return db().$queryRaw<FeedbackComment[]>`
    SELECT f.id, f."occurredAt", a.name AS "actionName", f.csat, f.verdict, f.comment
    ${scopedFeedback(s)} AND f.comment IS NOT NULL AND f."occurredAt" >= ${s.from} AND f."occurredAt" < ${s.toExclusive} AND f."occurredAt" <= ${s.now}
    ORDER BY f."occurredAt" DESC, f.id DESC
    LIMIT ${limit}`;
}

export interface IntrusiveWindowRow {
  actionTypeId: string;
  actionKey: string;
  actionName: string;
  /** Responses with a verdict, and INTRUSIVE ones, in the last window and the one before (lib/metrics/sentiment.ts flagWindows). */
  lastVerdicts: number;
  lastIntrusive: number;
  previousVerdicts: number;
  previousIntrusive: number;
}

/**
 * Per action type with feedback in either window: the counts the intrusive
 * flag compares, ending at `now`, whatever the dashboard's date range. Scoped
 * by team, action and segment like the dashboard (all null: every customer).
 */
export async function intrusiveWindowCounts(s: Pick<MetricsScope, "teamId" | "actionKey" | "segment">, now: Date): Promise<IntrusiveWindowRow[]> {
  const { lastFrom, previousFrom } = flagWindows(now);
  return db().$queryRaw<IntrusiveWindowRow[]>`
    WITH w AS (
      SELECT f."actionTypeId", f."occurredAt" > ${lastFrom} AS recent, f.verdict
      ${scopedFeedback(s)} AND f."actionTypeId" IS NOT NULL AND f.verdict IS NOT NULL AND f."occurredAt" > ${previousFrom} AND f."occurredAt" <= ${now}
    )
    SELECT a.id AS "actionTypeId", a.key AS "actionKey", a.name AS "actionName",
           COUNT(*) FILTER (WHERE recent)::int AS "lastVerdicts",
           COUNT(*) FILTER (WHERE recent AND verdict = 'INTRUSIVE')::int AS "lastIntrusive",
           COUNT(*) FILTER (WHERE NOT recent)::int AS "previousVerdicts",
           COUNT(*) FILTER (WHERE NOT recent AND verdict = 'INTRUSIVE')::int AS "previousIntrusive"
    FROM w JOIN "ActionType" a ON a.id = w."actionTypeId"
    GROUP BY a.id, a.key, a.name
    ORDER BY a.name`;
}
