-- Issue 17, "Scale": history partitioned by month. CustomerEvent (by
-- "occurredAt") and UsageEvent (by "at") become tables PARTITIONED BY RANGE,
-- one partition per calendar month (UTC, the columns are timestamp without
-- time zone) named <Table>_pYYYY_MM, plus a DEFAULT partition so that no
-- insert fails for a month without a partition. nudge_ensure_month_partitions
-- creates missing months (this migration for the data's range and three months
-- ahead; the app's retention timer every hour, lib/services/retention.ts),
-- moving any rows the DEFAULT partition holds for them.
--
-- What Postgres imposes on a partitioned table, and what replaces it:
-- - a primary key or unique index must contain the partition key: the keys
--   become (id, "occurredAt") and (id, "at"); ids still come from the same
--   sequences.
-- - CustomerEvent."idempotencyKey" cannot stay unique on its own: the keys live
--   in "CustomerEventKey" (primary key on the key), kept by triggers on
--   CustomerEvent for every writer alike: an insert claims its key first and
--   is skipped when another event holds it (what the old
--   ON CONFLICT ("idempotencyKey") DO NOTHING did, waiting for a concurrent
--   claim to commit); clearing or changing a key, moving an event or deleting
--   it follows in the key table.
-- - a foreign key to CustomerEvent would need "occurredAt" in ContactFeedback
--   and would stop retention from detaching a month: ContactFeedback."eventId"
--   is kept by triggers instead (an insert or change must name an existing
--   event, locked FOR KEY SHARE as a foreign key does; deleting an event sets
--   it to NULL, as ON DELETE SET NULL did).
-- - an UPDATE that moves a row to another month is a DELETE plus an INSERT to
--   Postgres: row-level AFTER UPDATE triggers do not fire for it (statement
--   triggers with transition tables do see it), so the holdout unit days'
--   row-level update trigger becomes a statement-level one.

-- ---------------------------------------------------------------- partitions

-- One month of one partitioned table; true when it was created. A month whose
-- rows went to the DEFAULT partition meanwhile is filled from it, then attached.
CREATE FUNCTION nudge_ensure_month_partition(p_table text, p_column text, p_month timestamp) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  m timestamp := date_trunc('month', p_month);
  part text := format('%s_p%s', p_table, to_char(m, 'YYYY_MM'));
  def text := p_table || '_default';
  moved boolean;
BEGIN
  IF to_regclass(format('%I', part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- Two processes creating the same month: the second waits, then finds it.
  PERFORM pg_advisory_xact_lock(hashtext('nudge_partitions'), hashtext(p_table));
  IF to_regclass(format('%I', part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  moved := false;
  IF to_regclass(format('%I', def)) IS NOT NULL THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', def, p_column, p_column) INTO moved USING m, m + interval '1 month';
  END IF;
  IF moved THEN
    EXECUTE format('CREATE TABLE %I (LIKE %I)', part, p_table);
    EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE %I >= $1 AND %I < $2', part, def, p_column, p_column) USING m, m + interval '1 month';
    EXECUTE format('DELETE FROM %I WHERE %I >= $1 AND %I < $2', def, p_column, p_column) USING m, m + interval '1 month';
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_table, part, m, m + interval '1 month');
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, p_table, m, m + interval '1 month');
  END IF;
  RETURN true;
END $$;

-- Every month from p_from's to p_to's (both included) of CustomerEvent and
-- UsageEvent; returns how many partitions it created.
CREATE FUNCTION nudge_ensure_month_partitions(p_from timestamp, p_to timestamp) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  m timestamp := date_trunc('month', p_from);
  created int := 0;
BEGIN
  WHILE m <= p_to LOOP
    created := created + nudge_ensure_month_partition('CustomerEvent', 'occurredAt', m)::int
                       + nudge_ensure_month_partition('UsageEvent', 'at', m)::int;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END $$;

-- Monthly partitions of a table with their bounds (the DEFAULT one has none), oldest first.
CREATE FUNCTION nudge_month_partitions(p_table text)
RETURNS TABLE (partition_name text, starts_at timestamp, ends_at timestamp) LANGUAGE sql STABLE AS $$
  SELECT c.relname::text,
         (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamp,
         (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamp
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = to_regclass(format('%I', p_table)) AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
   ORDER BY 2
$$;

-- Retention by whole months (lib/data/retention.ts purgeEventsBefore): every
-- CustomerEvent month that ends at or before the cutoff is rewritten at once
-- instead of row by row. What retention keeps (purchases, stripped of payload,
-- source and idempotency key; each customer's latest contact, as it is) is
-- copied into a new table, the month is detached and dropped, and the copy
-- attached in its place; a month with nothing to keep is simply dropped. No
-- row-level work on the 90 % that goes, no dead rows, no vacuum. The triggers
-- a row DELETE would fire are not needed for what goes: purchases (outcomes,
-- holdout unit days) stay, and every signal reads either a window of at most
-- 90 days (the cutoff is at least 120 days back) or the latest contact and
-- purchases, which stay; the references a DELETE would clear are cleared here
-- (their keys in "CustomerEventKey", ContactFeedback."eventId"). Writers to the
-- parent wait (SHARE lock) while a month is rewritten; readers do not, until the
-- short detach and attach. The partly expired month, and the DEFAULT partition,
-- are left to the row deletes.
CREATE FUNCTION nudge_retention_rewrite_months(p_cutoff timestamp, p_contact_types text[])
RETURNS TABLE (months text[], deleted jsonb, stripped int) LANGUAGE plpgsql AS $$
DECLARE
  part record;
  kept text;
  n_stripped int;
  month_deleted jsonb;
BEGIN
  months := '{}';
  deleted := '{}'::jsonb;
  stripped := 0;
  FOR part IN SELECT * FROM nudge_month_partitions('CustomerEvent') WHERE ends_at <= p_cutoff ORDER BY starts_at LOOP
    LOCK TABLE "CustomerEvent" IN SHARE MODE;
    kept := part.partition_name || '_kept';
    EXECUTE format('CREATE TEMP TABLE nudge_month_rows ON COMMIT DROP AS
      SELECT e."id", e."customerId", e."type", e."idempotencyKey",
             e."type" = ''PURCHASE'' OR (e."type"::text = ANY($1) AND NOT EXISTS (
               SELECT 1 FROM "CustomerEvent" n
                WHERE n."customerId" = e."customerId" AND n."type"::text = ANY($1)
                  AND (n."occurredAt" > e."occurredAt" OR (n."occurredAt" = e."occurredAt" AND n."id" > e."id")))) AS keep,
             e."type" = ''PURCHASE'' AND (e."payload" IS NOT NULL OR e."source" IS NOT NULL OR e."idempotencyKey" IS NOT NULL OR e."requestHash" IS NOT NULL) AS strip
        FROM %I e', part.partition_name) USING p_contact_types;
    SELECT COALESCE(jsonb_object_agg(t, COALESCE((deleted->>t)::int, 0) + n), '{}'::jsonb) INTO month_deleted
      FROM (SELECT "type"::text AS t, COUNT(*)::int AS n FROM nudge_month_rows WHERE NOT keep GROUP BY 1) c;
    deleted := deleted || month_deleted;
    SELECT COUNT(*)::int INTO n_stripped FROM nudge_month_rows WHERE strip;
    stripped := stripped + n_stripped;
    -- What a DELETE (and the purchases' UPDATE) would have cleared.
    DELETE FROM "CustomerEventKey" k USING nudge_month_rows r
     WHERE k."idempotencyKey" = r."idempotencyKey" AND k."eventId" = r."id" AND (NOT r.keep OR r.strip);
    UPDATE "ContactFeedback" f SET "eventId" = NULL FROM nudge_month_rows r WHERE f."eventId" = r."id" AND NOT r.keep;
    EXECUTE format('CREATE TABLE %I (LIKE "CustomerEvent")', kept);
    EXECUTE format('INSERT INTO %I SELECT e."id", e."customerId", e."type", e."occurredAt", e."amount",
                      CASE WHEN r.strip THEN NULL ELSE e."payload" END, CASE WHEN r.strip THEN NULL ELSE e."source" END,
                      CASE WHEN r.strip THEN NULL ELSE e."idempotencyKey" END, e."createdAt", CASE WHEN r.strip THEN NULL ELSE e."requestHash" END,
                      e."productLine", e."crossSell", e."upSell"
                    FROM %I e JOIN nudge_month_rows r ON r."id" = e."id" WHERE r.keep', kept, part.partition_name);
    -- Proves the bounds, so ATTACH need not scan the table.
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK ("occurredAt" >= %L AND "occurredAt" < %L)', kept, kept || '_bounds', part.starts_at, part.ends_at);
    EXECUTE format('ALTER TABLE "CustomerEvent" DETACH PARTITION %I', part.partition_name);
    EXECUTE format('DROP TABLE %I', part.partition_name);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', kept, part.partition_name);
    EXECUTE format('ALTER TABLE "CustomerEvent" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part.partition_name, part.starts_at, part.ends_at);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part.partition_name, kept || '_bounds');
    DROP TABLE nudge_month_rows;
    months := months || part.partition_name;
  END LOOP;
  RETURN NEXT;
END $$;

-- ---------------------------------------------------------------- CustomerEvent

ALTER TABLE "ContactFeedback" DROP CONSTRAINT "ContactFeedback_eventId_fkey";
ALTER TABLE "CustomerEvent" RENAME TO "CustomerEvent_unpartitioned";
ALTER SEQUENCE "CustomerEvent_id_seq" OWNED BY NONE;

CREATE TABLE "CustomerEvent" (
    "id" INTEGER NOT NULL DEFAULT nextval('"CustomerEvent_id_seq"'::regclass),
    "customerId" UUID NOT NULL,
    "type" "EventType" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "amount" DECIMAL(14,2),
    "payload" JSONB,
    "source" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestHash" TEXT,
    "productLine" TEXT,
    "crossSell" BOOLEAN NOT NULL DEFAULT false,
    "upSell" BOOLEAN NOT NULL DEFAULT false
) PARTITION BY RANGE ("occurredAt");
ALTER SEQUENCE "CustomerEvent_id_seq" OWNED BY "CustomerEvent"."id";
CREATE TABLE "CustomerEvent_default" PARTITION OF "CustomerEvent" DEFAULT;

-- ---------------------------------------------------------------- UsageEvent

ALTER TABLE "UsageEvent" RENAME TO "UsageEvent_unpartitioned";
ALTER SEQUENCE "UsageEvent_id_seq" OWNED BY NONE;

CREATE TABLE "UsageEvent" (
    "id" INTEGER NOT NULL DEFAULT nextval('"UsageEvent_id_seq"'::regclass),
    "userId" UUID NOT NULL,
    "type" "UsageEventType" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "meta" JSONB
) PARTITION BY RANGE ("at");
ALTER SEQUENCE "UsageEvent_id_seq" OWNED BY "UsageEvent"."id";
CREATE TABLE "UsageEvent_default" PARTITION OF "UsageEvent" DEFAULT;

-- Months from the oldest row (at most ten years back; older rows go to DEFAULT),
-- or from last month on an empty database (the seeds create their history's
-- months), to three months ahead.
SELECT nudge_ensure_month_partitions(
  GREATEST(LEAST(COALESCE((SELECT MIN("occurredAt") FROM "CustomerEvent_unpartitioned"), now()::timestamp - interval '1 month'),
                 COALESCE((SELECT MIN("at") FROM "UsageEvent_unpartitioned"), now()::timestamp - interval '1 month'),
                 now()::timestamp - interval '1 month'),
           now()::timestamp - interval '10 years'),
  now()::timestamp + interval '3 months');

-- Rows moved before any index or trigger exists (the rollups they feed are
-- already right); indexes are then built once per partition.
INSERT INTO "CustomerEvent" ("id", "customerId", "type", "occurredAt", "amount", "payload", "source", "idempotencyKey", "createdAt", "requestHash", "productLine", "crossSell", "upSell")
SELECT "id", "customerId", "type", "occurredAt", "amount", "payload", "source", "idempotencyKey", "createdAt", "requestHash", "productLine", "crossSell", "upSell"
  FROM "CustomerEvent_unpartitioned";
INSERT INTO "UsageEvent" ("id", "userId", "type", "at", "meta")
SELECT "id", "userId", "type", "at", "meta" FROM "UsageEvent_unpartitioned";
DROP TABLE "CustomerEvent_unpartitioned";
DROP TABLE "UsageEvent_unpartitioned";

ALTER TABLE "CustomerEvent" ADD CONSTRAINT "CustomerEvent_pkey" PRIMARY KEY ("id", "occurredAt");
CREATE INDEX "CustomerEvent_customerId_occurredAt_idx" ON "CustomerEvent"("customerId", "occurredAt");
CREATE INDEX "CustomerEvent_type_occurredAt_idx" ON "CustomerEvent"("type", "occurredAt");
CREATE INDEX "CustomerEvent_kpi_idx" ON "CustomerEvent"("type", "occurredAt", "customerId", "amount", "crossSell", "upSell");
ALTER TABLE "CustomerEvent" ADD CONSTRAINT "CustomerEvent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "UsageEvent" ADD CONSTRAINT "UsageEvent_pkey" PRIMARY KEY ("id", "at");
CREATE INDEX "UsageEvent_userId_at_idx" ON "UsageEvent"("userId", "at");
CREATE INDEX "UsageEvent_type_at_idx" ON "UsageEvent"("type", "at");
ALTER TABLE "UsageEvent" ADD CONSTRAINT "UsageEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------- idempotency keys

CREATE TABLE "CustomerEventKey" (
    "idempotencyKey" TEXT NOT NULL,
    "eventId" INTEGER NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "requestHash" TEXT,
    CONSTRAINT "CustomerEventKey_pkey" PRIMARY KEY ("idempotencyKey")
);
INSERT INTO "CustomerEventKey" ("idempotencyKey", "eventId", "occurredAt", "requestHash")
SELECT "idempotencyKey", "id", "occurredAt", "requestHash" FROM "CustomerEvent" WHERE "idempotencyKey" IS NOT NULL;

-- An event with a key claims it; held by another event, the row is skipped
-- (the statement reports it not inserted). The same event claiming again is an
-- UPDATE moving it to another month (Postgres re-inserts it there). DO NOTHING
-- then an UPDATE that matches only the same event, rather than one
-- DO UPDATE ... WHERE: that form locks the key's row even when it changes
-- nothing, so concurrent retries of one key would queue behind each other.
CREATE FUNCTION nudge_customer_event_key_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "CustomerEventKey" ("idempotencyKey", "eventId", "occurredAt", "requestHash")
  VALUES (NEW."idempotencyKey", NEW."id", NEW."occurredAt", NEW."requestHash")
  ON CONFLICT ("idempotencyKey") DO NOTHING;
  IF FOUND THEN
    RETURN NEW;
  END IF;
  UPDATE "CustomerEventKey" SET "occurredAt" = NEW."occurredAt", "requestHash" = NEW."requestHash"
   WHERE "idempotencyKey" = NEW."idempotencyKey" AND "eventId" = NEW."id";
  IF FOUND THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_key_claim" BEFORE INSERT ON "CustomerEvent"
  FOR EACH ROW WHEN (NEW."idempotencyKey" IS NOT NULL) EXECUTE FUNCTION nudge_customer_event_key_claim();

-- Keys cleared (erasure, retention), changed or moved with their event.
CREATE FUNCTION nudge_customer_event_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "CustomerEventKey" k USING old_events o JOIN new_events n ON n."id" = o."id"
   WHERE k."idempotencyKey" = o."idempotencyKey" AND k."eventId" = o."id" AND o."idempotencyKey" IS DISTINCT FROM n."idempotencyKey";
  INSERT INTO "CustomerEventKey" ("idempotencyKey", "eventId", "occurredAt", "requestHash")
  SELECT n."idempotencyKey", n."id", n."occurredAt", n."requestHash"
    FROM new_events n JOIN old_events o ON o."id" = n."id"
   WHERE n."idempotencyKey" IS NOT NULL
     AND (n."idempotencyKey", n."occurredAt", n."requestHash") IS DISTINCT FROM (o."idempotencyKey", o."occurredAt", o."requestHash")
  ON CONFLICT ("idempotencyKey") DO UPDATE SET "occurredAt" = EXCLUDED."occurredAt", "requestHash" = EXCLUDED."requestHash"
    WHERE "CustomerEventKey"."eventId" = EXCLUDED."eventId";
  IF EXISTS (SELECT 1 FROM new_events n JOIN "CustomerEventKey" k ON k."idempotencyKey" = n."idempotencyKey" WHERE k."eventId" <> n."id") THEN
    RAISE EXCEPTION 'duplicate idempotency key' USING ERRCODE = 'unique_violation', CONSTRAINT = 'CustomerEventKey_pkey';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_keys_update" AFTER UPDATE ON "CustomerEvent"
  REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_event_keys_changed();

-- Events deleted (retention, erasure of a customer, tests): their keys go, and
-- contact feedback that pointed at them keeps its row without the event.
CREATE FUNCTION nudge_customer_event_refs_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "CustomerEventKey" k USING changed o WHERE k."idempotencyKey" = o."idempotencyKey" AND k."eventId" = o."id";
  UPDATE "ContactFeedback" f SET "eventId" = NULL FROM changed o WHERE f."eventId" = o."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_refs_delete" AFTER DELETE ON "CustomerEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_event_refs_deleted();

-- ContactFeedback."eventId" must name an existing event (locked as a foreign key would).
CREATE FUNCTION nudge_contact_feedback_event_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "CustomerEvent" WHERE "id" = NEW."eventId" FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ContactFeedback."eventId" % names no CustomerEvent', NEW."eventId"
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ContactFeedback_eventId_fkey';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "ContactFeedback_event_exists" BEFORE INSERT OR UPDATE OF "eventId" ON "ContactFeedback"
  FOR EACH ROW WHEN (NEW."eventId" IS NOT NULL) EXECUTE FUNCTION nudge_contact_feedback_event_exists();
UPDATE "ContactFeedback" f SET "eventId" = NULL WHERE "eventId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "CustomerEvent" e WHERE e."id" = f."eventId");

-- ---------------------------------------------------------------- the triggers the old tables had

CREATE TRIGGER "CustomerEvent_purchase_facts" BEFORE INSERT ON "CustomerEvent"
  FOR EACH ROW WHEN (NEW.type = 'PURCHASE') EXECUTE FUNCTION nudge_purchase_facts();
CREATE TRIGGER "CustomerEvent_outcomes_insert" AFTER INSERT ON "CustomerEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_purchases_changed();
CREATE TRIGGER "CustomerEvent_outcomes_delete" AFTER DELETE ON "CustomerEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_purchases_changed();
CREATE TRIGGER "CustomerEvent_signals_insert" AFTER INSERT ON "CustomerEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_signals_events();
CREATE TRIGGER "CustomerEvent_signals_delete" AFTER DELETE ON "CustomerEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_signals_events();
CREATE TRIGGER "CustomerEvent_signals_update" AFTER UPDATE ON "CustomerEvent"
  REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION nudge_customer_signals_events_changed();
CREATE TRIGGER "CustomerEvent_unit_days_insert" AFTER INSERT ON "CustomerEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_events();
CREATE TRIGGER "CustomerEvent_unit_days_delete" AFTER DELETE ON "CustomerEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_events();

-- Statement-level now (a row moved to another month fires no row-level AFTER
-- UPDATE trigger): the (customer, day) pairs of every event changed in
-- customer, type, time, amount or flags, before and after, are recomputed.
DROP FUNCTION nudge_holdout_unit_days_event_changed();
CREATE FUNCTION nudge_holdout_unit_days_events_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_refresh_holdout_unit_days(array_agg(cid ORDER BY cid, day), array_agg(day ORDER BY cid, day))
    FROM (SELECT o."customerId" AS cid, o."occurredAt"::date AS day FROM old_events o JOIN new_events n ON n."id" = o."id"
           WHERE (o."customerId", o."type", o."occurredAt", o."amount", o."crossSell", o."upSell")
                 IS DISTINCT FROM (n."customerId", n."type", n."occurredAt", n."amount", n."crossSell", n."upSell")
          UNION
          SELECT n."customerId", n."occurredAt"::date FROM old_events o JOIN new_events n ON n."id" = o."id"
           WHERE (o."customerId", o."type", o."occurredAt", o."amount", o."crossSell", o."upSell")
                 IS DISTINCT FROM (n."customerId", n."type", n."occurredAt", n."amount", n."crossSell", n."upSell")) k
  HAVING COUNT(*) > 0;
  RETURN NULL;
END $$;
CREATE TRIGGER "CustomerEvent_unit_days_update" AFTER UPDATE ON "CustomerEvent"
  REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_unit_days_events_changed();

CREATE TRIGGER "UsageEvent_days_insert" AFTER INSERT ON "UsageEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_days();
CREATE TRIGGER "UsageEvent_sessions_insert" AFTER INSERT ON "UsageEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_sessions();
CREATE TRIGGER "UsageEvent_sessions_delete" AFTER DELETE ON "UsageEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_sessions();

-- Autovacuum never analyzes a partitioned parent; the planner's estimates
-- across partitions need these.
ANALYZE "CustomerEvent";
ANALYZE "UsageEvent";
ANALYZE "CustomerEventKey";

-- The moved rows' partitions have no visibility map yet, so the dashboards'
-- index-only scans would visit the heap until autovacuum passes (and it may be
-- off): npm run db:migrate vacuums them once the migration has committed.
-- after commit: VACUUM (ANALYZE) "CustomerEvent", "UsageEvent"
