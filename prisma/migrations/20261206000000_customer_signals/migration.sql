-- Issue 17: each customer's event signals (lib/engine/features.ts EventAggregates)
-- kept current, so a batch reads one row per customer instead of re-aggregating
-- every customer's events on every run.
--
-- A row holds the signals as of "asOf" and stays exact until "validUntil": the
-- first moment an event leaves one of its windows (a purchase 90 days old, a
-- ticket or click 30 days old, a visit 7 days old) or an event dated after
-- "asOf" comes into view; NULL when nothing the row counts will ever change by
-- time alone. Readers use a row for a moment t only when asOf <= t < validUntil
-- (lib/data/decisions.ts loadEventAggregates) and compute the rest from the
-- events with the same function, nudge_customer_signals_at, so there is one
-- definition. Kept by statement triggers on CustomerEvent (insert, delete, and
-- an update that changes what a row counts); rows past their validity are
-- refreshed by the batch; nudge_rebuild_customer_signals() rebuilds all after
-- bulk loads with the triggers off.

-- CreateTable
CREATE TABLE "CustomerSignal" (
    "customerId" UUID NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "validUntil" TIMESTAMP(3),
    "lastContactAt" TIMESTAMP(3),
    "lastPurchaseAt" TIMESTAMP(3),
    "ordersLast90d" INTEGER NOT NULL,
    "spendLast90d" DECIMAL(16,2) NOT NULL,
    "openTickets" INTEGER NOT NULL,
    "webVisitsLast7d" INTEGER NOT NULL,
    "emailClicksLast30d" INTEGER NOT NULL,

    CONSTRAINT "CustomerSignal_pkey" PRIMARY KEY ("customerId")
);

-- AddForeignKey
ALTER TABLE "CustomerSignal" ADD CONSTRAINT "CustomerSignal_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The signals of the given customers at p_at, from their events: the same
-- definitions as lib/engine/features.ts aggregateEvents (held to them by
-- tests/integration/sql-matches-engine.test.ts), plus validUntil. One row per
-- customer given, with or without events.
CREATE FUNCTION nudge_customer_signals_at(p_customers uuid[], p_at timestamp(3))
RETURNS TABLE ("customerId" uuid, "validUntil" timestamp(3), "lastContactAt" timestamp(3), "lastPurchaseAt" timestamp(3), "ordersLast90d" integer,
               "spendLast90d" numeric, "openTickets" integer, "webVisitsLast7d" integer, "emailClicksLast30d" integer)
LANGUAGE sql STABLE AS $$
  SELECT k.cid,
         LEAST(MIN(e."occurredAt") FILTER (WHERE e."occurredAt" > p_at),
               MIN(e."occurredAt") FILTER (WHERE e.type = 'PURCHASE' AND e."occurredAt" > p_at - interval '90 days' AND e."occurredAt" <= p_at) + interval '90 days',
               MIN(e."occurredAt") FILTER (WHERE e.type = 'SUPPORT_TICKET' AND e."occurredAt" > p_at - interval '30 days' AND e."occurredAt" <= p_at
                                            AND COALESCE(lower(e.payload->>'status'), '') <> 'closed') + interval '30 days',
               MIN(e."occurredAt") FILTER (WHERE e.type = 'WEB_VISIT' AND e."occurredAt" > p_at - interval '7 days' AND e."occurredAt" <= p_at) + interval '7 days',
               MIN(e."occurredAt") FILTER (WHERE e.type = 'EMAIL_CLICK' AND e."occurredAt" > p_at - interval '30 days' AND e."occurredAt" <= p_at) + interval '30 days'),
         MAX(e."occurredAt") FILTER (WHERE e.type IN ('MEETING', 'CALL', 'EMAIL_SENT') AND e."occurredAt" <= p_at),
         MAX(e."occurredAt") FILTER (WHERE e.type = 'PURCHASE' AND e."occurredAt" <= p_at),
         (COUNT(*) FILTER (WHERE e.type = 'PURCHASE' AND e."occurredAt" > p_at - interval '90 days' AND e."occurredAt" <= p_at))::int,
         COALESCE(SUM(e.amount) FILTER (WHERE e.type = 'PURCHASE' AND e."occurredAt" > p_at - interval '90 days' AND e."occurredAt" <= p_at), 0),
         (COUNT(*) FILTER (WHERE e.type = 'SUPPORT_TICKET' AND e."occurredAt" > p_at - interval '30 days' AND e."occurredAt" <= p_at
                            AND COALESCE(lower(e.payload->>'status'), '') <> 'closed'))::int,
         (COUNT(*) FILTER (WHERE e.type = 'WEB_VISIT' AND e."occurredAt" > p_at - interval '7 days' AND e."occurredAt" <= p_at))::int,
         (COUNT(*) FILTER (WHERE e.type = 'EMAIL_CLICK' AND e."occurredAt" > p_at - interval '30 days' AND e."occurredAt" <= p_at))::int
    FROM (SELECT DISTINCT unnest(p_customers) AS cid) k
    LEFT JOIN "CustomerEvent" e ON e."customerId" = k.cid
   GROUP BY k.cid
$$;

-- Writers of the same customers queue behind each other: a refresh reads the
-- events committed before it took its locks, so two concurrent writers must not
-- both miss the other's events. A few customers lock each customer under a
-- shared lock on the table; a bulk statement takes that lock alone,
-- exclusively (so a purge of many customers does not fill the lock table).
CREATE FUNCTION nudge_lock_customer_signals(p_customers uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(p_customers) > 32 THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('nudge-customer-signals', 0));
  ELSE
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('nudge-customer-signals', 0));
    PERFORM pg_advisory_xact_lock(hashtextextended('nudge-customer-signals:' || c::text, 0))
      FROM (SELECT DISTINCT c FROM unnest(p_customers) c ORDER BY c) k;
  END IF;
END $$;

-- Recomputes the given customers' rows as of p_at (customers that no longer
-- exist are skipped) and returns them.
CREATE FUNCTION nudge_refresh_customer_signals(p_customers uuid[], p_at timestamp(3)) RETURNS SETOF "CustomerSignal" LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_lock_customer_signals(ARRAY(SELECT DISTINCT unnest(p_customers)));
  -- A new statement, so a new snapshot: it sees every event committed before the locks were granted.
  RETURN QUERY
    WITH up AS (
      INSERT INTO "CustomerSignal" ("customerId", "asOf", "validUntil", "lastContactAt", "lastPurchaseAt", "ordersLast90d", "spendLast90d", "openTickets", "webVisitsLast7d", "emailClicksLast30d")
      SELECT s."customerId", p_at, s."validUntil", s."lastContactAt", s."lastPurchaseAt", s."ordersLast90d", s."spendLast90d", s."openTickets", s."webVisitsLast7d", s."emailClicksLast30d"
        FROM nudge_customer_signals_at(p_customers, p_at) s
       WHERE EXISTS (SELECT 1 FROM "Customer" c WHERE c.id = s."customerId")
       ORDER BY s."customerId"
      ON CONFLICT ("customerId") DO UPDATE SET
        "asOf" = EXCLUDED."asOf", "validUntil" = EXCLUDED."validUntil", "lastContactAt" = EXCLUDED."lastContactAt", "lastPurchaseAt" = EXCLUDED."lastPurchaseAt",
        "ordersLast90d" = EXCLUDED."ordersLast90d", "spendLast90d" = EXCLUDED."spendLast90d", "openTickets" = EXCLUDED."openTickets",
        "webVisitsLast7d" = EXCLUDED."webVisitsLast7d", "emailClicksLast30d" = EXCLUDED."emailClicksLast30d"
      RETURNING *)
    SELECT * FROM up;
END $$;

-- Events recorded or removed: their customers' rows are recomputed as of now.
CREATE FUNCTION nudge_customer_signals_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cids uuid[];
BEGIN
  SELECT array_agg(DISTINCT "customerId") INTO cids FROM changed;
  IF cids IS NOT NULL THEN
    PERFORM nudge_refresh_customer_signals(cids, (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_signals_insert" AFTER INSERT ON "CustomerEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_signals_events();
CREATE TRIGGER "CustomerEvent_signals_delete" AFTER DELETE ON "CustomerEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_signals_events();

-- Events changed in what a row counts: customer, type, time, amount, or a
-- ticket's payload (its status). Retention stripping purchases' payloads and
-- sources changes nothing here.
CREATE FUNCTION nudge_customer_signals_events_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cids uuid[];
BEGIN
  SELECT array_agg(DISTINCT v.c) INTO cids
    FROM (SELECT o."customerId" AS ocid, n."customerId" AS ncid FROM old_events o JOIN new_events n ON n.id = o.id
           WHERE o."customerId" IS DISTINCT FROM n."customerId" OR o.type IS DISTINCT FROM n.type OR o."occurredAt" IS DISTINCT FROM n."occurredAt"
              OR o.amount IS DISTINCT FROM n.amount
              OR ((o.type = 'SUPPORT_TICKET' OR n.type = 'SUPPORT_TICKET') AND o.payload IS DISTINCT FROM n.payload)) k
    CROSS JOIN LATERAL (VALUES (k.ocid), (k.ncid)) v(c);
  IF cids IS NOT NULL THEN
    PERFORM nudge_refresh_customer_signals(cids, (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_signals_update" AFTER UPDATE ON "CustomerEvent"
  REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_signals_events_changed();

-- Every customer's row, as of now, from scratch (after bulk loads with the triggers off).
CREATE FUNCTION nudge_rebuild_customer_signals() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  v_at timestamp(3) := (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3);
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('nudge-customer-signals', 0));
  DELETE FROM "CustomerSignal";
  INSERT INTO "CustomerSignal" ("customerId", "asOf", "validUntil", "lastContactAt", "lastPurchaseAt", "ordersLast90d", "spendLast90d", "openTickets", "webVisitsLast7d", "emailClicksLast30d")
  SELECT s."customerId", v_at, s."validUntil", s."lastContactAt", s."lastPurchaseAt", s."ordersLast90d", s."spendLast90d", s."openTickets",
         s."webVisitsLast7d", s."emailClicksLast30d"
    FROM nudge_customer_signals_at(ARRAY(SELECT id FROM "Customer"), v_at) s;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
