-- Issue 17: the Impact page's program comparison and adopter tiers group the
-- unit-days of their view into units (customer × draw) to get each unit's
-- outcome, because a unit with purchases on several days of the window needs
-- them added up first (sums of squares, "at least one", averages per unit).
-- On the 60,000-customer set about 69 % of the unit-days of the default 90-day
-- view are the only purchase day of their unit in the view's window: their
-- outcome is the row itself. Each row now carries its unit's previous and next
-- purchase day in the draw (NULL when there is none), so a view can tell those
-- rows apart without grouping (lib/data/kpis.ts, unitDays: a row whose
-- neighbours lie outside every day the window touches is its unit's only day
-- there) and groups only the others.
--
-- Kept where the rows are written: both refresh functions (purchases recorded,
-- removed or changed; units drawn, re-armed, moved; a draw's window changed)
-- recompute the neighbours of every row of the customers they touched, and the
-- from-scratch rebuild computes them in the same pass. Deleting a whole unit
-- (an assignment removed) changes no other unit's rows.
-- tests/integration/holdout-unit-days.test.ts holds the kept table (all columns)
-- to a rebuild after inserts, updates and deletes; tests/integration/seed.test.ts
-- holds the seeded table to a rebuild.

ALTER TABLE "HoldoutUnitDay" ADD COLUMN "prevDay" DATE, ADD COLUMN "nextDay" DATE;

-- Every row of the given customers' units gets its unit's previous and next day (only rows that differ are written).
CREATE FUNCTION nudge_holdout_unit_day_neighbours(p_customers uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "HoldoutUnitDay" t SET "prevDay" = k.prev, "nextDay" = k.next
    FROM (SELECT "periodId", "customerId", "day",
                 lag("day") OVER w AS prev, lead("day") OVER w AS next,
                 "prevDay" AS old_prev, "nextDay" AS old_next
            FROM "HoldoutUnitDay"
           WHERE "customerId" = ANY (p_customers)
          WINDOW w AS (PARTITION BY "periodId", "customerId" ORDER BY "day")) k
   WHERE t."periodId" = k."periodId" AND t."day" = k."day" AND t."customerId" = k."customerId"
     AND (k.prev, k.next) IS DISTINCT FROM (k.old_prev, k.old_next);
END $$;

CREATE OR REPLACE FUNCTION nudge_refresh_holdout_unit_days(p_customers uuid[], p_days date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_lock_holdout_customers(ARRAY(SELECT DISTINCT unnest(p_customers)));
  DELETE FROM "HoldoutUnitDay" t USING unnest(p_customers, p_days) k(cid, day) WHERE t."customerId" = k.cid AND t."day" = k.day;
  INSERT INTO "HoldoutUnitDay" ("periodId", "day", "customerId", "heldOut", "ownerId", "segment", "purchases", "purchasesWithAmount", "revenue", "crossSells", "upSells")
  SELECT ha."periodId", e."occurredAt"::date, e."customerId", ha."heldOut", ha."ownerId", ha."segment",
         COUNT(*)::int, COUNT(e."amount")::int, COALESCE(SUM(e."amount"), 0), (COUNT(*) FILTER (WHERE e."crossSell"))::int, (COUNT(*) FILTER (WHERE e."upSell"))::int
    FROM (SELECT DISTINCT cid, day FROM unnest(p_customers, p_days) k(cid, day)) k
    JOIN "CustomerEvent" e ON e."customerId" = k.cid AND e."occurredAt" >= k.day AND e."occurredAt" < k.day + 1 AND e."type" = 'PURCHASE'
    JOIN "HoldoutPeriod" p ON e."occurredAt" >= p."startsAt" AND e."occurredAt" < p."endsAt"
    JOIN "HoldoutAssignment" ha ON ha."periodId" = p."id" AND ha."customerId" = e."customerId"
   GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3;
  PERFORM nudge_holdout_unit_day_neighbours(ARRAY(SELECT DISTINCT unnest(p_customers)));
END $$;

CREATE OR REPLACE FUNCTION nudge_refresh_holdout_units(p_periods uuid[], p_customers uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_lock_holdout_customers(ARRAY(SELECT DISTINCT unnest(p_customers)));
  DELETE FROM "HoldoutUnitDay" t USING unnest(p_periods, p_customers) k(period, cid) WHERE t."customerId" = k.cid AND t."periodId" = k.period;
  INSERT INTO "HoldoutUnitDay" ("periodId", "day", "customerId", "heldOut", "ownerId", "segment", "purchases", "purchasesWithAmount", "revenue", "crossSells", "upSells")
  SELECT ha."periodId", e."occurredAt"::date, e."customerId", ha."heldOut", ha."ownerId", ha."segment",
         COUNT(*)::int, COUNT(e."amount")::int, COALESCE(SUM(e."amount"), 0), (COUNT(*) FILTER (WHERE e."crossSell"))::int, (COUNT(*) FILTER (WHERE e."upSell"))::int
    FROM (SELECT DISTINCT period, cid FROM unnest(p_periods, p_customers) k(period, cid)) k
    JOIN "HoldoutAssignment" ha ON ha."periodId" = k.period AND ha."customerId" = k.cid
    JOIN "HoldoutPeriod" p ON p."id" = ha."periodId"
    JOIN "CustomerEvent" e ON e."customerId" = ha."customerId" AND e."occurredAt" >= p."startsAt" AND e."occurredAt" < p."endsAt" AND e."type" = 'PURCHASE'
   GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3;
  PERFORM nudge_holdout_unit_day_neighbours(ARRAY(SELECT DISTINCT unnest(p_customers)));
END $$;

-- From scratch, set-based, neighbours in the same pass (the day rows are
-- grouped first, then each unit's rows ordered by day in one window sort).
CREATE OR REPLACE FUNCTION nudge_rebuild_holdout_unit_days() RETURNS void LANGUAGE plpgsql SET work_mem = '512MB' AS $$
BEGIN
  DELETE FROM "HoldoutUnitDay";
  INSERT INTO "HoldoutUnitDay" ("periodId", "day", "customerId", "heldOut", "ownerId", "segment", "purchases", "purchasesWithAmount", "revenue", "crossSells", "upSells", "prevDay", "nextDay")
  SELECT g.*, lag(g.day) OVER w, lead(g.day) OVER w
    FROM (SELECT ha."periodId", e."occurredAt"::date AS day, e."customerId", ha."heldOut", ha."ownerId", ha."segment",
                 COUNT(*)::int, COUNT(e."amount")::int, COALESCE(SUM(e."amount"), 0), (COUNT(*) FILTER (WHERE e."crossSell"))::int, (COUNT(*) FILTER (WHERE e."upSell"))::int
            FROM "CustomerEvent" e
            JOIN "HoldoutPeriod" p ON e."occurredAt" >= p."startsAt" AND e."occurredAt" < p."endsAt"
            JOIN "HoldoutAssignment" ha ON ha."periodId" = p."id" AND ha."customerId" = e."customerId"
           WHERE e."type" = 'PURCHASE'
           GROUP BY 1, 2, 3, 4, 5, 6) g
  WINDOW w AS (PARTITION BY g."periodId", g."customerId" ORDER BY g.day)
   ORDER BY 1, 2, 3;
END $$;

-- Backfill: the neighbours of the rows already kept, in one pass over the table
-- (cheaper than a rebuild from the events at 1,000,000 customers).
UPDATE "HoldoutUnitDay" t SET "prevDay" = k.prev, "nextDay" = k.next
  FROM (SELECT "periodId", "customerId", "day", lag("day") OVER w AS prev, lead("day") OVER w AS next
          FROM "HoldoutUnitDay" WINDOW w AS (PARTITION BY "periodId", "customerId" ORDER BY "day")) k
 WHERE t."periodId" = k."periodId" AND t."day" = k."day" AND t."customerId" = k."customerId"
   AND (k.prev IS NOT NULL OR k.next IS NOT NULL);
