-- Latency of recorded events, new suggestions and decisions (issue 17):
-- nudge_refresh_outcomes runs for every recorded event
-- (nudge_purchases_changed), every new suggestion
-- (nudge_recommendations_inserted) and every decision
-- (nudge_recommendation_decided).
-- - It was LANGUAGE sql, not inlined, so PostgreSQL planned its statement on
--   every call: 2-3 ms on the large data set, even for an empty list. As
--   plpgsql the plan is cached per session, and an empty list returns at once.
-- - It looked up the customer's purchases once per suggestion and fact (two
--   correlated subqueries, plus the credit join), and since the events are
--   partitioned by month each lookup probed every month's index: about 8 ms
--   for one customer with a dozen suggestions. It now reads the customers'
--   purchases once (from their oldest suggestion or decision on, so older
--   months are pruned) and joins them to the suggestions.
-- Same definitions as before:
-- - purchasedAt: the first PURCHASE in (createdAt, createdAt + window];
-- - convertedAt (accepted or done, not control): the first PURCHASE in (decision, decision + window], decision = COALESCE(decidedAt, createdAt);
-- - attributedRevenue: each PURCHASE credited once, to the accepted recommendation with the latest decision whose window covers it (ties: lowest id), capped at what the column holds.
CREATE OR REPLACE FUNCTION nudge_refresh_outcomes(customer_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  since timestamp(3);
BEGIN
  IF customer_ids IS NULL OR cardinality(customer_ids) = 0 THEN
    RETURN;
  END IF;
  -- Every window opens at a suggestion's creation or its decision (which back-dated data can put first).
  SELECT MIN(LEAST(r."createdAt", COALESCE(r."decidedAt", r."createdAt"))) INTO since FROM "Recommendation" r WHERE r."customerId" = ANY (customer_ids);
  IF since IS NULL THEN
    RETURN;
  END IF;
  WITH recs AS (
    SELECT r.id, r."customerId", r."createdAt",
           NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE') AS accepted,
           COALESCE(r."decidedAt", r."createdAt") AS decision
      FROM "Recommendation" r
     WHERE r."customerId" = ANY (customer_ids)
  ),
  purchases AS MATERIALIZED (
    SELECT e.id, e."customerId", e."occurredAt", e.amount
      FROM "CustomerEvent" e
     WHERE e."customerId" = ANY (customer_ids) AND e.type = 'PURCHASE' AND e."occurredAt" > since
  ),
  credited AS (
    SELECT rec, SUM(amount) AS revenue FROM (
      SELECT DISTINCT ON (e.id) r.id AS rec, e.amount
        FROM purchases e
        JOIN recs r ON r."customerId" = e."customerId" AND r.accepted
         AND e."occurredAt" > r.decision AND e."occurredAt" <= r.decision + nudge_attribution_window()
       ORDER BY e.id, r.decision DESC, r.id
    ) c GROUP BY rec
  ),
  firsts AS (
    SELECT r.id,
           MIN(p."occurredAt") FILTER (WHERE p."occurredAt" > r."createdAt" AND p."occurredAt" <= r."createdAt" + nudge_attribution_window()) AS "purchasedAt",
           MIN(p."occurredAt") FILTER (WHERE r.accepted AND p."occurredAt" > r.decision AND p."occurredAt" <= r.decision + nudge_attribution_window()) AS "convertedAt"
      FROM recs r LEFT JOIN purchases p ON p."customerId" = r."customerId"
     GROUP BY r.id
  ),
  facts AS (
    SELECT f.id, f."purchasedAt", f."convertedAt", LEAST(COALESCE(c.revenue, 0), 999999999999.99) AS revenue
      FROM firsts f LEFT JOIN credited c ON c.rec = f.id
  )
  UPDATE "Recommendation" t
     SET "purchasedAt" = f."purchasedAt", "convertedAt" = f."convertedAt", "attributedRevenue" = f.revenue
    FROM facts f
   WHERE t.id = f.id
     AND (t."purchasedAt", t."convertedAt", t."attributedRevenue") IS DISTINCT FROM (f."purchasedAt", f."convertedAt", f.revenue);
END $$;

-- Only purchases move outcomes: a batch of other events skips the call.
CREATE OR REPLACE FUNCTION nudge_purchases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed WHERE type = 'PURCHASE') THEN
    PERFORM nudge_refresh_outcomes(ARRAY(SELECT DISTINCT "customerId" FROM changed WHERE type = 'PURCHASE'));
  END IF;
  RETURN NULL;
END $$;
