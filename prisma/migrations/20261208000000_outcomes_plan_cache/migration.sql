-- Re-score latency (issue 17): nudge_refresh_outcomes runs for every recorded
-- event (nudge_purchases_changed), every new suggestion
-- (nudge_recommendations_inserted) and every decision
-- (nudge_recommendation_decided). As a LANGUAGE sql function that is not
-- inlined, PostgreSQL planned its statement on every call: 2-3 ms on the
-- large data set, even for an empty list. As plpgsql the plan is cached per
-- session, and an empty list returns at once. Same statement, same results.
CREATE OR REPLACE FUNCTION nudge_refresh_outcomes(customer_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF customer_ids IS NULL OR cardinality(customer_ids) = 0 THEN
    RETURN;
  END IF;
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
END $$;

-- Only purchases move outcomes: a batch of other events skips the call.
CREATE OR REPLACE FUNCTION nudge_purchases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed WHERE type = 'PURCHASE') THEN
    PERFORM nudge_refresh_outcomes(ARRAY(SELECT DISTINCT "customerId" FROM changed WHERE type = 'PURCHASE'));
  END IF;
  RETURN NULL;
END $$;
