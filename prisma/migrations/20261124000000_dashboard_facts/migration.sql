-- Dashboard facts. The manager dashboards aggregate every recommendation in a
-- date range; joining each one to its feedback and to the customer's purchases
-- at read time took seconds on a year of data. Instead, the outcome of each
-- recommendation is kept on the row, and usage is rolled up per user and day,
-- by triggers, so every writer (server actions, the API, seeds, tests) keeps
-- them right without knowing about them. lib/data/schema-extras.ts lists the
-- triggers for the schema check.

-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN "firstReactionAt" TIMESTAMP(3),
ADD COLUMN "snoozedAt" TIMESTAMP(3),
ADD COLUMN "dismissReason" "DismissReason",
ADD COLUMN "purchasedAt" TIMESTAMP(3),
ADD COLUMN "convertedAt" TIMESTAMP(3),
ADD COLUMN "attributedRevenue" DECIMAL(14,2) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "UsageDay" (
    "userId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "signIns" INTEGER NOT NULL DEFAULT 0,
    "queueViews" INTEGER NOT NULL DEFAULT 0,
    "customerViews" INTEGER NOT NULL DEFAULT 0,
    "reactions" INTEGER NOT NULL DEFAULT 0,
    "firstSignInAt" TIMESTAMP(3),
    "lastActiveAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageDay_pkey" PRIMARY KEY ("userId","day")
);

-- CreateIndex
CREATE INDEX "UsageDay_day_idx" ON "UsageDay"("day");

-- CreateIndex
CREATE INDEX "Recommendation_dashboard_idx" ON "Recommendation"("createdAt", "repId", "actionTypeId", "isControl", "status", "propensity", "modelVersion", "decidedAt", "shownAt", "firstReactionAt", "snoozedAt", "dismissReason", "purchasedAt", "convertedAt", "attributedRevenue", "id");

-- CreateIndex (partial: lib/data/schema-extras.ts)
CREATE INDEX "Recommendation_reaction_idx" ON "Recommendation"("createdAt", "actionTypeId", "repId", "firstReactionAt", "shownAt") WHERE NOT "isControl" AND "firstReactionAt" IS NOT NULL;

-- AddForeignKey
ALTER TABLE "UsageDay" ADD CONSTRAINT "UsageDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The attribution window (lib/data/generation.ts ATTRIBUTION_WINDOW_DAYS; a test keeps them equal).
CREATE FUNCTION nudge_attribution_window() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '14 days' $$;

-- Recomputes purchasedAt, convertedAt and attributedRevenue for every recommendation of the given customers:
-- - purchasedAt: the first PURCHASE in (createdAt, createdAt + window];
-- - convertedAt (accepted or done, not control): the first PURCHASE in (decision, decision + window], decision = COALESCE(decidedAt, createdAt);
-- - attributedRevenue: each PURCHASE credited once, to the accepted recommendation with the latest decision whose window covers it (ties: lowest id).
CREATE FUNCTION nudge_refresh_outcomes(customer_ids uuid[]) RETURNS void LANGUAGE sql AS $$
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
           COALESCE(c.revenue, 0) AS revenue
      FROM recs r LEFT JOIN credited c ON c.rec = r.id
  )
  UPDATE "Recommendation" t
     SET "purchasedAt" = f."purchasedAt", "convertedAt" = f."convertedAt", "attributedRevenue" = f.revenue
    FROM facts f
   WHERE t.id = f.id
     AND (t."purchasedAt", t."convertedAt", t."attributedRevenue") IS DISTINCT FROM (f."purchasedAt", f."convertedAt", f.revenue);
$$;

-- Purchases recorded or removed: refresh those customers.
CREATE FUNCTION nudge_purchases_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_refresh_outcomes(ARRAY(SELECT DISTINCT "customerId" FROM changed WHERE type = 'PURCHASE'));
  RETURN NULL;
END $$;

CREATE TRIGGER "CustomerEvent_outcomes_insert" AFTER INSERT ON "CustomerEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_purchases_changed();
CREATE TRIGGER "CustomerEvent_outcomes_delete" AFTER DELETE ON "CustomerEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_purchases_changed();

-- New recommendations: only those already accepted, or with a purchase after their creation
-- (back-dated data), can change anything; a suggestion generated now cannot.
CREATE FUNCTION nudge_recommendations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_refresh_outcomes(ARRAY(
    SELECT DISTINCT n."customerId" FROM changed n
     WHERE (NOT n."isControl" AND n.status IN ('ACCEPTED', 'DONE'))
        OR EXISTS (SELECT 1 FROM "CustomerEvent" e
                    WHERE e."customerId" = n."customerId" AND e.type = 'PURCHASE' AND e."occurredAt" > n."createdAt")));
  RETURN NULL;
END $$;

CREATE TRIGGER "Recommendation_outcomes_insert" AFTER INSERT ON "Recommendation"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendations_inserted();

-- A decision made, changed or undone moves conversions and credited revenue for that customer.
CREATE FUNCTION nudge_recommendation_decided() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nudge_refresh_outcomes(ARRAY[NEW."customerId"]);
  RETURN NULL;
END $$;

CREATE TRIGGER "Recommendation_outcomes_update" AFTER UPDATE ON "Recommendation"
  FOR EACH ROW
  WHEN ((OLD.status IN ('ACCEPTED', 'DONE')) IS DISTINCT FROM (NEW.status IN ('ACCEPTED', 'DONE'))
        OR OLD."decidedAt" IS DISTINCT FROM NEW."decidedAt"
        OR OLD."isControl" IS DISTINCT FROM NEW."isControl"
        OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION nudge_recommendation_decided();

-- Reactions: first reaction (anything but an undo), first snooze, reason of the latest dismissal.
CREATE FUNCTION nudge_feedback_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Recommendation" r
     SET "firstReactionAt" = LEAST(r."firstReactionAt", f."firstAt"),
         "snoozedAt" = LEAST(r."snoozedAt", f."snoozedAt"),
         "dismissReason" = COALESCE(f."dismissReason", r."dismissReason")
    FROM (
      SELECT "recommendationId" AS id,
             MIN("createdAt") FILTER (WHERE kind <> 'UNDO') AS "firstAt",
             MIN("createdAt") FILTER (WHERE kind = 'SNOOZE') AS "snoozedAt",
             (array_agg(COALESCE("dismissReason", 'OTHER') ORDER BY "createdAt" DESC, id DESC) FILTER (WHERE kind = 'DISMISS'))[1] AS "dismissReason"
        FROM changed
       GROUP BY "recommendationId"
    ) f
   WHERE r.id = f.id AND f."firstAt" IS NOT NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER "Feedback_facts_insert" AFTER INSERT ON "Feedback"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_feedback_facts();

-- Usage per user and UTC day (dashboard views are not rep activity and are left out).
CREATE FUNCTION nudge_usage_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "UsageDay" AS d ("userId", "day", "signIns", "queueViews", "customerViews", "reactions", "firstSignInAt", "lastActiveAt")
  SELECT "userId", "at"::date,
         COUNT(*) FILTER (WHERE type = 'SIGN_IN'), COUNT(*) FILTER (WHERE type = 'QUEUE_VIEW'),
         COUNT(*) FILTER (WHERE type = 'CUSTOMER_VIEW'), COUNT(*) FILTER (WHERE type = 'REACTION'),
         MIN("at") FILTER (WHERE type = 'SIGN_IN'), MAX("at")
    FROM changed
   WHERE type <> 'DASHBOARD_VIEW'
   GROUP BY "userId", "at"::date
  ON CONFLICT ("userId", "day") DO UPDATE
     SET "signIns" = d."signIns" + EXCLUDED."signIns",
         "queueViews" = d."queueViews" + EXCLUDED."queueViews",
         "customerViews" = d."customerViews" + EXCLUDED."customerViews",
         "reactions" = d."reactions" + EXCLUDED."reactions",
         "firstSignInAt" = LEAST(d."firstSignInAt", EXCLUDED."firstSignInAt"),
         "lastActiveAt" = GREATEST(d."lastActiveAt", EXCLUDED."lastActiveAt");
  RETURN NULL;
END $$;

CREATE TRIGGER "UsageEvent_days_insert" AFTER INSERT ON "UsageEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_days();

-- Recomputes every fact from scratch, set-based: the backfill below, and bulk loads that
-- insert with these triggers disabled (npm run seed:large) and rebuild once afterwards.
CREATE FUNCTION nudge_rebuild_dashboard_facts() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
BEGIN
  UPDATE "Recommendation" r
     SET "firstReactionAt" = f."firstAt", "snoozedAt" = f."snoozedAt", "dismissReason" = f."dismissReason"
    FROM (
      SELECT "recommendationId" AS id,
             MIN("createdAt") FILTER (WHERE kind <> 'UNDO') AS "firstAt",
             MIN("createdAt") FILTER (WHERE kind = 'SNOOZE') AS "snoozedAt",
             (array_agg(COALESCE("dismissReason", 'OTHER') ORDER BY "createdAt" DESC, id DESC) FILTER (WHERE kind = 'DISMISS'))[1] AS "dismissReason"
        FROM "Feedback"
       GROUP BY "recommendationId"
    ) f
   WHERE r.id = f.id
     AND (r."firstReactionAt", r."snoozedAt", r."dismissReason") IS DISTINCT FROM (f."firstAt", f."snoozedAt", f."dismissReason");

  DELETE FROM "UsageDay";
  INSERT INTO "UsageDay" ("userId", "day", "signIns", "queueViews", "customerViews", "reactions", "firstSignInAt", "lastActiveAt")
  SELECT "userId", "at"::date,
         COUNT(*) FILTER (WHERE type = 'SIGN_IN'), COUNT(*) FILTER (WHERE type = 'QUEUE_VIEW'),
         COUNT(*) FILTER (WHERE type = 'CUSTOMER_VIEW'), COUNT(*) FILTER (WHERE type = 'REACTION'),
         MIN("at") FILTER (WHERE type = 'SIGN_IN'), MAX("at")
    FROM "UsageEvent"
   WHERE type <> 'DASHBOARD_VIEW'
   GROUP BY "userId", "at"::date;

  -- Outcomes: nudge_refresh_outcomes over every customer with a purchase, a few thousand at a time
  -- (small arrays keep its plan on the customerId indexes).
  FOR ids IN
    SELECT array_agg(id) FROM (
      SELECT id, (row_number() OVER (ORDER BY id) - 1) / 2000 AS chunk
        FROM (SELECT DISTINCT "customerId" AS id FROM "CustomerEvent" WHERE type = 'PURCHASE') p
    ) c GROUP BY chunk
  LOOP
    PERFORM nudge_refresh_outcomes(ids);
  END LOOP;
END $$;

-- Backfill what is already there.
SELECT nudge_rebuild_dashboard_facts();
