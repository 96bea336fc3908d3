-- Issue 12 (done-when 5): the model dashboard read every recommendation of the
-- range twice (calibration, and quality per period, version and action type).
-- RecommendationModelDay keeps the sums it needs per creation day, rep, action
-- type, model version and calibration band (lib/metrics/calibration.ts
-- calibrationBand), kept by statement-level triggers as RecommendationDay is;
-- lib/data/metrics.ts modelMetrics reads whole days from it and the days a view
-- cuts through row by row. Precision depends on "now" through the decision time
-- and the conversion time; the few acted-on recommendations decided or converted
-- after the view's cut-off are found through a partial index and corrected.
--
-- Definitions (as lib/data/vocabulary-sql.ts resolvedSql and lib/data/metrics.ts):
--   resolved  = not control and (ACCEPTED, DONE, DISMISSED, or EXPIRED after it was shown)
--   accepted  = not control and (ACCEPTED or DONE)          (a subset of resolved)
--   converted = accepted with convertedAt set
--   propensitySum, brierSum (p - y)^2, logLossSum -ln p or -ln(1 - p) (p clipped to [1e-6, 1 - 1e-6]),
--   correct (p >= 0.5) = accepted: over resolved recommendations

-- CreateTable
CREATE TABLE "RecommendationModelDay" (
    "day" DATE NOT NULL,
    "repId" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "band" INTEGER NOT NULL,
    "generated" INTEGER NOT NULL DEFAULT 0,
    "resolved" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "converted" INTEGER NOT NULL DEFAULT 0,
    "correct" INTEGER NOT NULL DEFAULT 0,
    "propensitySum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "brierSum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "logLossSum" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "RecommendationModelDay_pkey" PRIMARY KEY ("day","repId","actionTypeId","modelVersion","band")
);

-- CreateIndex
CREATE INDEX "Recommendation_acted_decidedAt_idx" ON "Recommendation"("decidedAt") WHERE NOT "isControl" AND status IN ('ACCEPTED', 'DONE');

CREATE FUNCTION nudge_recommendation_model_days() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src TEXT := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_recs'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_recs'
    ELSE 'SELECT -1 AS sign, * FROM old_recs UNION ALL SELECT 1, * FROM new_recs' END;
BEGIN
  EXECUTE format($q$
    INSERT INTO "RecommendationModelDay" AS t ("day", "repId", "actionTypeId", "modelVersion", "band", "generated", "resolved", "accepted", "converted", "correct", "propensitySum", "brierSum", "logLossSum")
    SELECT * FROM (
      SELECT date_trunc('day', r."createdAt")::date AS day, r."repId", r."actionTypeId", r."modelVersion",
             (LEAST(9, GREATEST(0, floor(r.propensity * 10))) + 1)::int AS band,
             COALESCE(SUM(r.sign), 0)::int AS g,
             COALESCE(SUM(r.sign) FILTER (WHERE r.res), 0)::int AS res,
             COALESCE(SUM(r.sign) FILTER (WHERE r.acc), 0)::int AS acc,
             COALESCE(SUM(r.sign) FILTER (WHERE r.acc AND r."convertedAt" IS NOT NULL), 0)::int AS conv,
             COALESCE(SUM(r.sign) FILTER (WHERE r.res AND (r.propensity >= 0.5) = r.acc), 0)::int AS ok,
             COALESCE(SUM(r.sign * r.propensity) FILTER (WHERE r.res), 0)::float8 AS ps,
             COALESCE(SUM(r.sign * power(r.propensity - r.acc::int, 2)) FILTER (WHERE r.res), 0)::float8 AS bs,
             COALESCE(SUM(r.sign * CASE WHEN r.acc THEN -ln(LEAST(GREATEST(r.propensity, 1e-6), 1 - 1e-6)) ELSE -ln(1 - LEAST(GREATEST(r.propensity, 1e-6), 1 - 1e-6)) END) FILTER (WHERE r.res), 0)::float8 AS ls
      FROM (
        SELECT x.*,
               NOT x."isControl" AND (x.status IN ('ACCEPTED', 'DONE', 'DISMISSED') OR (x.status = 'EXPIRED' AND x."shownAt" IS NOT NULL)) AS res,
               NOT x."isControl" AND x.status IN ('ACCEPTED', 'DONE') AS acc
        FROM (%s) x
      ) r
      GROUP BY 1, 2, 3, 4, 5
    ) x
    WHERE g <> 0 OR res <> 0 OR acc <> 0 OR conv <> 0 OR ok <> 0 OR ps <> 0 OR bs <> 0 OR ls <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("day", "repId", "actionTypeId", "modelVersion", "band") DO UPDATE SET
      "generated" = t."generated" + EXCLUDED."generated", "resolved" = t."resolved" + EXCLUDED."resolved", "accepted" = t."accepted" + EXCLUDED."accepted",
      "converted" = t."converted" + EXCLUDED."converted", "correct" = t."correct" + EXCLUDED."correct",
      "propensitySum" = t."propensitySum" + EXCLUDED."propensitySum", "brierSum" = t."brierSum" + EXCLUDED."brierSum", "logLossSum" = t."logLossSum" + EXCLUDED."logLossSum"
  $q$, src);
  RETURN NULL;
END $fn$;

CREATE TRIGGER "Recommendation_model_days_insert" AFTER INSERT ON "Recommendation"
  REFERENCING NEW TABLE AS new_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendation_model_days();
CREATE TRIGGER "Recommendation_model_days_update" AFTER UPDATE ON "Recommendation"
  REFERENCING OLD TABLE AS old_recs NEW TABLE AS new_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendation_model_days();
CREATE TRIGGER "Recommendation_model_days_delete" AFTER DELETE ON "Recommendation"
  REFERENCING OLD TABLE AS old_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendation_model_days();

-- Recounts every day from the recommendations (the backfill below, and bulk loads that write with triggers disabled).
CREATE FUNCTION nudge_rebuild_recommendation_model_days() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "RecommendationModelDay";
  INSERT INTO "RecommendationModelDay" ("day", "repId", "actionTypeId", "modelVersion", "band", "generated", "resolved", "accepted", "converted", "correct", "propensitySum", "brierSum", "logLossSum")
  SELECT date_trunc('day', r."createdAt")::date, r."repId", r."actionTypeId", r."modelVersion", (LEAST(9, GREATEST(0, floor(r.propensity * 10))) + 1)::int,
         COUNT(*),
         COUNT(*) FILTER (WHERE r.res),
         COUNT(*) FILTER (WHERE r.acc),
         COUNT(*) FILTER (WHERE r.acc AND r."convertedAt" IS NOT NULL),
         COUNT(*) FILTER (WHERE r.res AND (r.propensity >= 0.5) = r.acc),
         COALESCE(SUM(r.propensity) FILTER (WHERE r.res), 0),
         COALESCE(SUM(power(r.propensity - r.acc::int, 2)) FILTER (WHERE r.res), 0),
         COALESCE(SUM(CASE WHEN r.acc THEN -ln(LEAST(GREATEST(r.propensity, 1e-6), 1 - 1e-6)) ELSE -ln(1 - LEAST(GREATEST(r.propensity, 1e-6), 1 - 1e-6)) END) FILTER (WHERE r.res), 0)
  FROM (
    SELECT x.*,
           NOT x."isControl" AND (x.status IN ('ACCEPTED', 'DONE', 'DISMISSED') OR (x.status = 'EXPIRED' AND x."shownAt" IS NOT NULL)) AS res,
           NOT x."isControl" AND x.status IN ('ACCEPTED', 'DONE') AS acc
    FROM "Recommendation" x
  ) r
  GROUP BY 1, 2, 3, 4, 5;
$$;

SELECT nudge_rebuild_recommendation_model_days();
