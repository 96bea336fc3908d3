-- Rollup rebuilds that finish on the 1,000,000-customer data set (issue 17).
--
-- seed:large writes with the fact triggers disabled and then rebuilds every
-- rollup once. At 1 M customers the first rebuild, nudge_rebuild_dashboard_facts,
-- ran for more than 8 minutes without finishing. On a copy of the 60,000 set
-- with the facts cleared (EXPLAIN ANALYZE, 2 cores, 128 MB shared_buffers):
-- - the reaction facts: 6 s to aggregate Feedback and join it, then 73 s to
--   write 261,410 new row versions of "Recommendation", each one inserted
--   into all 14 of its indexes (9.5 M buffer hits, 0.9 M buffers evicted
--   dirty and read again: the indexes do not fit in shared buffers);
-- - the outcomes: 34 s more, in 2,000-customer calls to nudge_refresh_outcomes
--   that update the same rows a second time.
--
-- Now every fact of every recommendation is computed in one set-based pass
-- (hash joins; purchases are a small share of the events) into a temporary
-- table of the rows that differ, and each differing row is written once. When
-- a large share of the table changes (a bulk load), the indexes that back no
-- constraint are dropped for the update and built again afterwards from a sort,
-- which is far cheaper than millions of random index insertions. That path
-- takes an ACCESS EXCLUSIVE lock on "Recommendation" until the transaction
-- ends: it is for bulk loads and backfills, not for a live system's rollups.
-- `bulk` forces the choice (tests use it); NULL decides by the share.
--
-- Same definitions as the triggers keep (nudge_refresh_outcomes for purchasedAt,
-- convertedAt and attributedRevenue; the Feedback aggregate for the reactions);
-- tests/integration/seed.test.ts holds both paths to what the triggers wrote.
-- A recommendation with no feedback, or whose customer has no purchase, gets
-- the empty facts (the old rebuild left such rows as they were).
DROP FUNCTION nudge_rebuild_dashboard_facts();

CREATE FUNCTION nudge_rebuild_dashboard_facts(bulk boolean DEFAULT NULL) RETURNS void LANGUAGE plpgsql
  SET work_mem = '512MB' SET maintenance_work_mem = '1GB' AS $$
DECLARE
  w interval := nudge_attribution_window();
  n_changed bigint;
  n_total double precision;
  defs text[] := '{}';
  idx record;
  d text;
BEGIN
  DELETE FROM "UsageDay";
  INSERT INTO "UsageDay" ("userId", "day", "signIns", "queueViews", "customerViews", "reactions", "firstSignInAt", "lastActiveAt")
  SELECT "userId", "at"::date,
         COUNT(*) FILTER (WHERE type = 'SIGN_IN'), COUNT(*) FILTER (WHERE type = 'QUEUE_VIEW'),
         COUNT(*) FILTER (WHERE type = 'CUSTOMER_VIEW'), COUNT(*) FILTER (WHERE type = 'REACTION'),
         MIN("at") FILTER (WHERE type = 'SIGN_IN'), MAX("at")
    FROM "UsageEvent"
   WHERE type <> 'DASHBOARD_VIEW'
   GROUP BY "userId", "at"::date;

  DROP TABLE IF EXISTS pg_temp.nudge_rebuilt_facts;
  CREATE TEMP TABLE nudge_rebuilt_facts ON COMMIT DROP AS
  WITH purchases AS MATERIALIZED (
    SELECT e.id, e."customerId", e."occurredAt", e.amount FROM "CustomerEvent" e WHERE e.type = 'PURCHASE'
  ),
  recs AS (
    SELECT r.id, r."customerId", r."createdAt",
           NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE') AS accepted,
           COALESCE(r."decidedAt", r."createdAt") AS decision
      FROM "Recommendation" r
  ),
  -- Each recommendation with each of its customer's purchases inside one of its two windows.
  pairs AS MATERIALIZED (
    SELECT r.id AS rec, r."createdAt", r.accepted, r.decision, p.id AS pid, p."occurredAt", p.amount
      FROM recs r JOIN purchases p ON p."customerId" = r."customerId"
     WHERE (p."occurredAt" > r."createdAt" AND p."occurredAt" <= r."createdAt" + w)
        OR (r.accepted AND p."occurredAt" > r.decision AND p."occurredAt" <= r.decision + w)
  ),
  firsts AS (
    SELECT rec,
           MIN("occurredAt") FILTER (WHERE "occurredAt" > "createdAt" AND "occurredAt" <= "createdAt" + w) AS "purchasedAt",
           MIN("occurredAt") FILTER (WHERE accepted AND "occurredAt" > decision AND "occurredAt" <= decision + w) AS "convertedAt"
      FROM pairs GROUP BY rec
  ),
  -- Each purchase credited once: to the accepted recommendation with the latest decision whose window covers it (ties: lowest id).
  credited AS (
    SELECT rec, SUM(amount) AS revenue FROM (
      SELECT DISTINCT ON (pid) rec, amount
        FROM pairs WHERE accepted AND "occurredAt" > decision AND "occurredAt" <= decision + w
       ORDER BY pid, decision DESC, rec
    ) c GROUP BY rec
  ),
  reactions AS (
    SELECT "recommendationId" AS id,
           MIN("createdAt") FILTER (WHERE kind <> 'UNDO') AS "firstAt",
           MIN("createdAt") FILTER (WHERE kind = 'SNOOZE') AS "snoozedAt"
      FROM "Feedback" GROUP BY "recommendationId"
  ),
  -- The latest dismissal's reason.
  dismissals AS (
    SELECT DISTINCT ON ("recommendationId") "recommendationId" AS id, COALESCE("dismissReason", 'OTHER') AS reason
      FROM "Feedback" WHERE kind = 'DISMISS'
     ORDER BY "recommendationId", "createdAt" DESC, id DESC
  ),
  facts AS (
    SELECT r.id, x."firstAt", x."snoozedAt", dm.reason AS "dismissReason", f."purchasedAt", f."convertedAt",
           LEAST(COALESCE(c.revenue, 0), 999999999999.99) AS revenue,
           r."firstReactionAt" AS old_first, r."snoozedAt" AS old_snoozed, r."dismissReason" AS old_reason,
           r."purchasedAt" AS old_purchased, r."convertedAt" AS old_converted, r."attributedRevenue" AS old_revenue
      FROM "Recommendation" r
      LEFT JOIN reactions x ON x.id = r.id
      LEFT JOIN dismissals dm ON dm.id = r.id
      LEFT JOIN firsts f ON f.rec = r.id
      LEFT JOIN credited c ON c.rec = r.id
  )
  SELECT id, "firstAt", "snoozedAt", "dismissReason", "purchasedAt", "convertedAt", revenue
    FROM facts
   WHERE (old_first, old_snoozed, old_reason, old_purchased, old_converted, old_revenue)
         IS DISTINCT FROM ("firstAt", "snoozedAt", "dismissReason", "purchasedAt", "convertedAt", revenue);
  GET DIAGNOSTICS n_changed = ROW_COUNT;
  IF n_changed = 0 THEN
    RETURN;
  END IF;
  ANALYZE pg_temp.nudge_rebuilt_facts;

  IF bulk IS NULL THEN
    SELECT reltuples INTO n_total FROM pg_class WHERE oid = '"Recommendation"'::regclass;
    bulk := n_changed >= 50000 AND n_changed * 5 >= GREATEST(n_total, n_changed);
  END IF;
  IF bulk THEN
    -- Every index of the table that backs no constraint (all but the primary key), dropped for the update, built again after it.
    FOR idx IN
      SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
       WHERE i.indrelid = '"Recommendation"'::regclass
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
       ORDER BY 1
    LOOP
      defs := defs || idx.def;
      EXECUTE 'DROP INDEX ' || idx.name;
    END LOOP;
  END IF;

  UPDATE "Recommendation" t
     SET "firstReactionAt" = f."firstAt", "snoozedAt" = f."snoozedAt", "dismissReason" = f."dismissReason",
         "purchasedAt" = f."purchasedAt", "convertedAt" = f."convertedAt", "attributedRevenue" = f.revenue
    FROM pg_temp.nudge_rebuilt_facts f
   WHERE t.id = f.id;

  FOREACH d IN ARRAY defs LOOP
    EXECUTE d;
  END LOOP;
  DROP TABLE pg_temp.nudge_rebuilt_facts;
END $$;

-- The other rebuilds are single aggregates over whole tables: enough memory
-- that their hashes and sorts stay in memory at 1 M customers (the default
-- 4 MB spilled to disk).
ALTER FUNCTION nudge_rebuild_recommendation_days() SET work_mem = '512MB';
ALTER FUNCTION nudge_rebuild_recommendation_model_days() SET work_mem = '512MB';
ALTER FUNCTION nudge_rebuild_holdout_unit_days() SET work_mem = '512MB';
ALTER FUNCTION nudge_rebuild_customer_signals() SET work_mem = '512MB';
