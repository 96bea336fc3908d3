-- Exact undo: a reaction keeps everything it changed on the recommendation
-- (status was already kept as previousStatus; now also the snooze date, the
-- decision time and the expiry), so undo restores the previous state exactly.
-- The status it led to is kept too: a retry with the same idempotency key is
-- answered with it.
ALTER TABLE "Feedback" ADD COLUMN "previousSnoozedUntil" TIMESTAMP(3),
ADD COLUMN "previousDecidedAt" TIMESTAMP(3),
ADD COLUMN "previousExpiresAt" TIMESTAMP(3),
ADD COLUMN "status" "RecommendationStatus",
ADD COLUMN "requestHash" TEXT;

-- Idempotency as Stripe documents it: a key remembers a hash of the request it
-- came with, so the same key with a different request is refused.
ALTER TABLE "CustomerEvent" ADD COLUMN "requestHash" TEXT;

-- Credited revenue cannot overflow its column (NUMERIC(14,2)). The API refuses a
-- purchase that would bring a customer's purchases past 999,999,999,999.99
-- (lib/services/ingest.ts), and every credited sum is a part of those; this cap
-- is the last guard for two such batches racing each other.
CREATE OR REPLACE FUNCTION nudge_refresh_outcomes(customer_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  WITH recs AS (
    SELECT r.id, r."customerId", r."createdAt",
           NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE') AS accepted,
           COALESCE(r."decidedAt", r."createdAt") AS decision
      FROM "Recommendation" r
     WHERE r."customerId" = ANY (customer_ids)
  ),
  credited AS (
    SELECT rec, SUM(amount) AS revenue FROM (
      SELECT DISTINCT ON (e.id) r.id AS rec, e.amount
        FROM "CustomerEvent" e
        JOIN recs r ON r."customerId" = e."customerId" AND r.accepted
         AND e."occurredAt" > r.decision AND e."occurredAt" <= r.decision + nudge_attribution_window()
       WHERE e."customerId" = ANY (customer_ids) AND e.type = 'PURCHASE'
       ORDER BY e.id, r.decision DESC, r.id
    ) c GROUP BY rec
  ),
  facts AS (
    SELECT r.id,
           (SELECT MIN(e."occurredAt") FROM "CustomerEvent" e
             WHERE e."customerId" = r."customerId" AND e.type = 'PURCHASE'
               AND e."occurredAt" > r."createdAt" AND e."occurredAt" <= r."createdAt" + nudge_attribution_window()) AS "purchasedAt",
           CASE WHEN r.accepted THEN
             (SELECT MIN(e."occurredAt") FROM "CustomerEvent" e
               WHERE e."customerId" = r."customerId" AND e.type = 'PURCHASE'
                 AND e."occurredAt" > r.decision AND e."occurredAt" <= r.decision + nudge_attribution_window()) END AS "convertedAt",
           LEAST(COALESCE(c.revenue, 0), 999999999999.99) AS revenue
      FROM recs r LEFT JOIN credited c ON c.rec = r.id
  )
  UPDATE "Recommendation" t
     SET "purchasedAt" = f."purchasedAt", "convertedAt" = f."convertedAt", "attributedRevenue" = f.revenue
    FROM facts f
   WHERE t.id = f.id
     AND (t."purchasedAt", t."convertedAt", t."attributedRevenue") IS DISTINCT FROM (f."purchasedAt", f."convertedAt", f.revenue);
$$;
