import "server-only";
import { db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";

// The BI feeds' reads. FeedLog rows (written by triggers, migration
// 20261203320000_feeds) carry the id of the transaction that wrote them. A page
// holds only rows of transactions older than the oldest one still running
// (see HORIZON below) at the reader's snapshot: every such transaction has ended,
// so no row can still appear at or before the page's last (txId, id). Reading
// from there on is therefore complete and never repeats a row. A transaction
// that runs long holds the feeds back until it ends (they lag, they never skip).
// Only this database's transactions count: transaction ids are shared by every
// database of the server, and a long one in another database (a bulk load, a
// report) writes no FeedLog row here, so it must not hold the feeds back.

export interface FeedPosition {
  txId: string;
  id: string;
}

export interface ReactionFeedRow {
  position: FeedPosition;
  id: number;
  recommendationId: string;
  kind: string;
  dismissReason: string | null;
  previousStatus: string;
  status: string | null;
  at: Date;
  repEmail: string;
  actionKey: string;
  customerExternalId: string;
}

export interface OutcomeFeedRow {
  position: FeedPosition;
  recommendationId: string;
  actionKey: string;
  customerExternalId: string;
  repEmail: string;
  isControl: boolean;
  status: string;
  createdAt: Date;
  decidedAt: Date | null;
  purchasedAt: Date | null;
  convertedAt: Date | null;
  attributedRevenue: string;
  changedAt: Date;
}

const START: FeedPosition = { txId: "0", id: "0" };

export interface FeedPage<T> {
  items: T[];
  /** Where the next page starts (the page's last log row, kept or not); null: the page was empty. */
  last: FeedPosition | null;
  /** The page was full: more may follow at once. */
  full: boolean;
}

/**
 * The horizon: the oldest transaction of this database still running at the
 * reader's snapshot, else the snapshot's xmax (every id below it has ended).
 * A running transaction counts as another database's only when a session of
 * another database is seen holding it; one that ended meanwhile, a prepared
 * one, or one whose session this role may not see counts as this database's,
 * so the horizon errs towards lagging, never towards skipping.
 */
const HORIZON = Prisma.sql`(
  SELECT COALESCE(
           (SELECT min(x::text::bigint) FROM pg_snapshot_xip(snap.s) AS x
             WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.backend_xid = x::xid AND a.datname IS DISTINCT FROM current_database())),
           pg_snapshot_xmax(snap.s)::text::bigint)
    FROM (SELECT pg_current_snapshot() AS s) snap)`;

/** The log rows after `from` that every reader may see, at most `limit`. */
const page = (feed: "reactions" | "outcomes", from: FeedPosition, limit: number) => Prisma.sql`
  SELECT id, "txId", "refId", at FROM "FeedLog"
   WHERE feed = ${feed}
     AND ("txId", id) > (${from.txId}::bigint, ${from.id}::bigint)
     AND "txId" < ${HORIZON}
   ORDER BY "txId", id
   LIMIT ${limit}`;

/** Rows whose subject was deleted since (a customer removed) are dropped, but still move the cursor. */
function toPage<T extends { txId: string; seq: string; actionKey: string | null }>(rows: T[], limit: number, kept: (r: T) => boolean): FeedPage<Omit<T, "txId" | "seq"> & { position: FeedPosition }> {
  const last = rows.length ? { txId: rows[rows.length - 1]!.txId, id: rows[rows.length - 1]!.seq } : null;
  return { items: rows.filter(kept).map(({ txId, seq, ...r }) => ({ ...r, position: { txId, id: seq } })), last, full: rows.length === limit };
}

export async function reactionFeedPage(after: FeedPosition | null, limit: number): Promise<FeedPage<ReactionFeedRow>> {
  const from = after ?? START;
  const rows = await db().$queryRaw<(Omit<ReactionFeedRow, "position"> & { txId: string; seq: string })[]>`
    WITH l AS (${page("reactions", from, limit)})
    SELECT l."txId"::text AS "txId", l.id::text AS seq, f.id, f."recommendationId"::text AS "recommendationId", f.kind::text AS kind,
           f."dismissReason"::text AS "dismissReason", f."previousStatus"::text AS "previousStatus", f.status::text AS status, f."createdAt" AS at,
           u.email AS "repEmail", a.key AS "actionKey", c."externalId" AS "customerExternalId"
      FROM l
      LEFT JOIN "Feedback" f ON f.id = l."refId"::int
      LEFT JOIN "User" u ON u.id = f."userId"
      LEFT JOIN "Recommendation" r ON r.id = f."recommendationId"
      LEFT JOIN "ActionType" a ON a.id = r."actionTypeId"
      LEFT JOIN "Customer" c ON c.id = r."customerId"
     ORDER BY l."txId", l.id`;
  return toPage(rows, limit, (r) => r.actionKey !== null);
}

export async function outcomeFeedPage(after: FeedPosition | null, limit: number): Promise<FeedPage<OutcomeFeedRow>> {
  const from = after ?? START;
  const rows = await db().$queryRaw<(Omit<OutcomeFeedRow, "position"> & { txId: string; seq: string })[]>`
    WITH l AS (${page("outcomes", from, limit)})
    SELECT l."txId"::text AS "txId", l.id::text AS seq, r.id::text AS "recommendationId", a.key AS "actionKey", c."externalId" AS "customerExternalId",
           u.email AS "repEmail", r."isControl", r.status::text AS status, r."createdAt", r."decidedAt", r."purchasedAt", r."convertedAt",
           r."attributedRevenue"::text AS "attributedRevenue", l.at AS "changedAt"
      FROM l
      LEFT JOIN "Recommendation" r ON r.id = l."refId"::uuid
      LEFT JOIN "User" u ON u.id = r."repId"
      LEFT JOIN "ActionType" a ON a.id = r."actionTypeId"
      LEFT JOIN "Customer" c ON c.id = r."customerId"
     ORDER BY l."txId", l.id`;
  return toPage(rows, limit, (r) => r.actionKey !== null);
}
