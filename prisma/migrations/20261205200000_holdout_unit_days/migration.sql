-- Issue 12, done-when 5: the program comparison and the adopter tiers (lib/data/kpis.ts)
-- read the purchases of each holdout unit (customer × draw) per UTC day from
-- this table instead of joining every purchase of the view to HoldoutAssignment
-- to learn its unit's arm, owner and segment. One row per unit and day with at
-- least one purchase in the draw's window, carrying the assignment's arm, owner
-- and segment; only days the view cuts are read from the events. Kept by triggers
-- on CustomerEvent (purchases recorded, removed or changed), HoldoutAssignment
-- (units drawn, re-armed, moved with their customer, removed) and HoldoutPeriod (a
-- draw's window changed), so every writer keeps it right; rebuilt from scratch by
-- nudge_rebuild_holdout_unit_days() after bulk loads with the triggers off.

-- CreateTable
CREATE TABLE "HoldoutUnitDay" (
    "periodId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "customerId" UUID NOT NULL,
    "heldOut" BOOLEAN NOT NULL,
    "ownerId" UUID,
    "segment" TEXT,
    "purchases" INTEGER NOT NULL,
    "purchasesWithAmount" INTEGER NOT NULL,
    "revenue" DECIMAL(16,2) NOT NULL,
    "crossSells" INTEGER NOT NULL,
    "upSells" INTEGER NOT NULL,

    CONSTRAINT "HoldoutUnitDay_pkey" PRIMARY KEY ("periodId","day","customerId")
);

-- CreateIndex
CREATE INDEX "HoldoutUnitDay_customerId_day_idx" ON "HoldoutUnitDay"("customerId", "day");

-- AddForeignKey
ALTER TABLE "HoldoutUnitDay" ADD CONSTRAINT "HoldoutUnitDay_periodId_fkey" FOREIGN KEY ("periodId") REFERENCES "HoldoutPeriod"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HoldoutUnitDay" ADD CONSTRAINT "HoldoutUnitDay_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Writers of the same customers queue behind each other (the refresh reads the
-- events and assignments committed before it, so two concurrent writers must not
-- both miss the other's rows): a few customers lock each customer, under a shared
-- lock on the table; a bulk statement takes that lock alone, exclusively (so a
-- purge of many customers does not fill the lock table).
CREATE FUNCTION nudge_lock_holdout_customers(p_customers uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(p_customers) > 32 THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('nudge-holdout-unit-days', 0));
  ELSE
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('nudge-holdout-unit-days', 0));
    PERFORM pg_advisory_xact_lock(hashtextextended('nudge-holdout-unit-days:' || c::text, 0))
      FROM (SELECT DISTINCT c FROM unnest(p_customers) c ORDER BY c) k;
  END IF;
END $$;

-- Recomputes the given customers' unit days on the given days from their purchases.
CREATE FUNCTION nudge_refresh_holdout_unit_days(p_customers uuid[], p_days date[]) RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

-- Recomputes the given units (draw × customer) over their draw's whole window.
CREATE FUNCTION nudge_refresh_holdout_units(p_periods uuid[], p_customers uuid[]) RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

-- Purchases recorded or removed: their customers' days in a draw are recomputed.
CREATE FUNCTION nudge_holdout_unit_days_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cids uuid[];
  days date[];
BEGIN
  SELECT array_agg(cid ORDER BY cid, day), array_agg(day ORDER BY cid, day) INTO cids, days
    FROM (SELECT DISTINCT e."customerId" AS cid, e."occurredAt"::date AS day FROM changed e
           WHERE e."type" = 'PURCHASE' AND EXISTS (SELECT 1 FROM "HoldoutPeriod" p WHERE e."occurredAt" >= p."startsAt" AND e."occurredAt" < p."endsAt")) k;
  IF cids IS NOT NULL THEN
    PERFORM nudge_refresh_holdout_unit_days(cids, days);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_unit_days_insert" AFTER INSERT ON "CustomerEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_events();
CREATE TRIGGER "CustomerEvent_unit_days_delete" AFTER DELETE ON "CustomerEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_events();

-- An event changed in what the table counts (the application never does this;
-- retention and erasure only clear payloads, which fires nothing here).
CREATE FUNCTION nudge_holdout_unit_days_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_refresh_holdout_unit_days(ARRAY[OLD."customerId", NEW."customerId"], ARRAY[OLD."occurredAt"::date, NEW."occurredAt"::date]);
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_unit_days_update" AFTER UPDATE ON "CustomerEvent"
  FOR EACH ROW WHEN (OLD."customerId" IS DISTINCT FROM NEW."customerId" OR OLD."type" IS DISTINCT FROM NEW."type" OR OLD."occurredAt" IS DISTINCT FROM NEW."occurredAt"
                     OR OLD."amount" IS DISTINCT FROM NEW."amount" OR OLD."crossSell" IS DISTINCT FROM NEW."crossSell" OR OLD."upSell" IS DISTINCT FROM NEW."upSell")
  EXECUTE FUNCTION nudge_holdout_unit_days_event_changed();

-- Units drawn, removed, or changed in arm, owner or segment (a customer
-- reassigned or re-segmented moves its assignments, nudge_holdout_unit_follow).
CREATE FUNCTION nudge_holdout_unit_days_units() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  periods uuid[];
  cids uuid[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "HoldoutUnitDay" t USING old_units o WHERE t."customerId" = o."customerId" AND t."periodId" = o."periodId";
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg("periodId" ORDER BY "customerId", "periodId"), array_agg("customerId" ORDER BY "customerId", "periodId") INTO periods, cids FROM new_units;
  ELSE
    SELECT array_agg(period ORDER BY cid, period), array_agg(cid ORDER BY cid, period) INTO periods, cids
      FROM (SELECT o."periodId" AS period, o."customerId" AS cid FROM old_units o
             WHERE NOT EXISTS (SELECT 1 FROM new_units n WHERE n."periodId" = o."periodId" AND n."customerId" = o."customerId"
                                 AND n."heldOut" = o."heldOut" AND n."ownerId" IS NOT DISTINCT FROM o."ownerId" AND n."segment" IS NOT DISTINCT FROM o."segment")
            UNION
            SELECT n."periodId", n."customerId" FROM new_units n
             WHERE NOT EXISTS (SELECT 1 FROM old_units o WHERE n."periodId" = o."periodId" AND n."customerId" = o."customerId"
                                 AND n."heldOut" = o."heldOut" AND n."ownerId" IS NOT DISTINCT FROM o."ownerId" AND n."segment" IS NOT DISTINCT FROM o."segment")) k;
  END IF;
  IF cids IS NOT NULL THEN
    PERFORM nudge_refresh_holdout_units(periods, cids);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "HoldoutAssignment_unit_days_insert" AFTER INSERT ON "HoldoutAssignment"
  REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_units();
CREATE TRIGGER "HoldoutAssignment_unit_days_update" AFTER UPDATE ON "HoldoutAssignment"
  REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_units();
CREATE TRIGGER "HoldoutAssignment_unit_days_delete" AFTER DELETE ON "HoldoutAssignment"
  REFERENCING OLD TABLE AS old_units FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_units();

-- A draw's window changed (a draw ended early, lib/data/holdout.ts): its units are recomputed.
CREATE FUNCTION nudge_holdout_unit_days_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_refresh_holdout_units(array_agg("periodId"), array_agg("customerId"))
    FROM (SELECT "periodId", "customerId" FROM "HoldoutAssignment" WHERE "periodId" = NEW."id" ORDER BY "customerId") k
  HAVING COUNT(*) > 0;
  DELETE FROM "HoldoutUnitDay" WHERE "periodId" = NEW."id" AND NOT EXISTS (SELECT 1 FROM "HoldoutAssignment" ha WHERE ha."periodId" = NEW."id");
  RETURN NULL;
END $$;

CREATE TRIGGER "HoldoutPeriod_unit_days_update" AFTER UPDATE ON "HoldoutPeriod"
  FOR EACH ROW WHEN (OLD."startsAt" IS DISTINCT FROM NEW."startsAt" OR OLD."endsAt" IS DISTINCT FROM NEW."endsAt")
  EXECUTE FUNCTION nudge_holdout_unit_days_period();

-- From scratch, set-based: the backfill below, and bulk loads that insert with
-- the triggers disabled (npm run seed:large) and rebuild once afterwards.
CREATE FUNCTION nudge_rebuild_holdout_unit_days() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "HoldoutUnitDay";
  INSERT INTO "HoldoutUnitDay" ("periodId", "day", "customerId", "heldOut", "ownerId", "segment", "purchases", "purchasesWithAmount", "revenue", "crossSells", "upSells")
  SELECT ha."periodId", e."occurredAt"::date, e."customerId", ha."heldOut", ha."ownerId", ha."segment",
         COUNT(*)::int, COUNT(e."amount")::int, COALESCE(SUM(e."amount"), 0), (COUNT(*) FILTER (WHERE e."crossSell"))::int, (COUNT(*) FILTER (WHERE e."upSell"))::int
    FROM "CustomerEvent" e
    JOIN "HoldoutPeriod" p ON e."occurredAt" >= p."startsAt" AND e."occurredAt" < p."endsAt"
    JOIN "HoldoutAssignment" ha ON ha."periodId" = p."id" AND ha."customerId" = e."customerId"
   WHERE e."type" = 'PURCHASE'
   GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3;
END $$;

SELECT nudge_rebuild_holdout_unit_days();
