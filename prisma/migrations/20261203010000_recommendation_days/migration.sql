-- Issue 12, "Does it sell?": the conversion dashboard (and the Impact page on
-- top of it) read every recommendation of the date range (about 215,000 rows
-- of a 150 MB index for 90 days on the large data set) on every view.
-- RecommendationDay keeps the same counts per creation day, rep and action
-- type, so whole days are read as one row per rep and action type; only the
-- days a view cuts through (today, and the day the 14-day attribution windows
-- close) are read row by row (lib/data/metrics.ts conversionMetrics).
-- Kept by statement-level triggers on Recommendation: each statement's rows
-- counted once, applied as a delta in key order.

-- CreateTable
CREATE TABLE "RecommendationDay" (
    "day" DATE NOT NULL,
    "repId" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "generated" INTEGER NOT NULL DEFAULT 0,
    "shown" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "converted" INTEGER NOT NULL DEFAULT 0,
    "revenue" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "treatedConverted" INTEGER NOT NULL DEFAULT 0,
    "controlN" INTEGER NOT NULL DEFAULT 0,
    "controlConverted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RecommendationDay_pkey" PRIMARY KEY ("day","repId","actionTypeId")
);

-- CreateIndex
CREATE INDEX "Recommendation_convertedAt_idx" ON "Recommendation"("convertedAt");

-- Each statement's recommendations as signed counts per creation day, rep and
-- action type (inserted rows +1, deleted -1, updated: old -1 and new +1), applied
-- in key order; keys whose counts did not move (most updates: shownAt, snoozes,
-- scores) are not touched. The transition tables differ by event, so the
-- source is chosen by TG_OP and the one query run with EXECUTE.
CREATE FUNCTION nudge_recommendation_days() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src TEXT := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_recs'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_recs'
    ELSE 'SELECT -1 AS sign, * FROM old_recs UNION ALL SELECT 1, * FROM new_recs' END;
BEGIN
  EXECUTE format($q$
    INSERT INTO "RecommendationDay" AS t ("day", "repId", "actionTypeId", "generated", "shown", "accepted", "done", "converted", "revenue", "treatedConverted", "controlN", "controlConverted")
    SELECT * FROM (
      SELECT date_trunc('day', r."createdAt")::date AS day, r."repId", r."actionTypeId",
             COALESCE(SUM(r.sign), 0)::int AS g,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl"), 0)::int AS s,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE')), 0)::int AS a,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status = 'DONE'), 0)::int AS d,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE') AND r."convertedAt" IS NOT NULL), 0)::int AS c,
             COALESCE(SUM(r.sign * r."attributedRevenue") FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE')), 0) AS rev,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r."purchasedAt" IS NOT NULL), 0)::int AS tc,
             COALESCE(SUM(r.sign) FILTER (WHERE r."isControl"), 0)::int AS cn,
             COALESCE(SUM(r.sign) FILTER (WHERE r."isControl" AND r."purchasedAt" IS NOT NULL), 0)::int AS cc
      FROM (%s) r
      GROUP BY 1, 2, 3
    ) x
    WHERE g <> 0 OR s <> 0 OR a <> 0 OR d <> 0 OR c <> 0 OR rev <> 0 OR tc <> 0 OR cn <> 0 OR cc <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT ("day", "repId", "actionTypeId") DO UPDATE SET
      "generated" = t."generated" + EXCLUDED."generated", "shown" = t."shown" + EXCLUDED."shown", "accepted" = t."accepted" + EXCLUDED."accepted",
      "done" = t."done" + EXCLUDED."done", "converted" = t."converted" + EXCLUDED."converted", "revenue" = t."revenue" + EXCLUDED."revenue",
      "treatedConverted" = t."treatedConverted" + EXCLUDED."treatedConverted", "controlN" = t."controlN" + EXCLUDED."controlN",
      "controlConverted" = t."controlConverted" + EXCLUDED."controlConverted"
  $q$, src);
  RETURN NULL;
END $fn$;

CREATE TRIGGER "Recommendation_days_insert" AFTER INSERT ON "Recommendation"
  REFERENCING NEW TABLE AS new_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendation_days();
CREATE TRIGGER "Recommendation_days_update" AFTER UPDATE ON "Recommendation"
  REFERENCING OLD TABLE AS old_recs NEW TABLE AS new_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendation_days();
CREATE TRIGGER "Recommendation_days_delete" AFTER DELETE ON "Recommendation"
  REFERENCING OLD TABLE AS old_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendation_days();

-- Recounts every day from the recommendations (the backfill below, and bulk
-- loads that write with triggers disabled: tooling/seed/large.ts).
CREATE FUNCTION nudge_rebuild_recommendation_days() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "RecommendationDay";
  INSERT INTO "RecommendationDay" ("day", "repId", "actionTypeId", "generated", "shown", "accepted", "done", "converted", "revenue", "treatedConverted", "controlN", "controlConverted")
  SELECT date_trunc('day', r."createdAt")::date, r."repId", r."actionTypeId",
         COUNT(*),
         COUNT(*) FILTER (WHERE NOT r."isControl"),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE')),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DONE'),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE') AND r."convertedAt" IS NOT NULL),
         COALESCE(SUM(r."attributedRevenue") FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE')), 0),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r."purchasedAt" IS NOT NULL),
         COUNT(*) FILTER (WHERE r."isControl"),
         COUNT(*) FILTER (WHERE r."isControl" AND r."purchasedAt" IS NOT NULL)
  FROM "Recommendation" r GROUP BY 1, 2, 3;
$$;

SELECT nudge_rebuild_recommendation_days();
