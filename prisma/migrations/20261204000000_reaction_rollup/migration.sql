-- Issue 12 (done-when 5) and issue 15: the adoption dashboard counted its
-- reactions (reacted, snoozed, dismissed by reason) by reading every
-- recommendation of the range (about 215,000 rows of a 150 MB index for 90 days
-- on the large data set). RecommendationDay now keeps those counts too, per
-- creation day, rep and action type, so whole days are read from the rollup and
-- only the days a view cuts through row by row (lib/data/usage.ts reactions).
-- Reactions and snoozes dated after "now" (a back-dated view) are subtracted
-- through two small partial indexes, which inserts never touch (both columns are
-- empty when a suggestion is made).

-- AlterTable
ALTER TABLE "RecommendationDay"
  ADD COLUMN "reacted" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "snoozed" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "dismissed" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "dismissedNotRelevant" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "dismissedAlreadyDone" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "dismissedBadTiming" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "dismissedCustomerDeclined" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "dismissedOther" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Recommendation_firstReactionAt_idx" ON "Recommendation"("firstReactionAt") WHERE NOT "isControl" AND "firstReactionAt" IS NOT NULL;
CREATE INDEX "Recommendation_snoozedAt_idx" ON "Recommendation"("snoozedAt") WHERE NOT "isControl" AND "snoozedAt" IS NOT NULL;

-- The same statement-level delta as before (migration 20261203010000), with the reaction columns.
CREATE OR REPLACE FUNCTION nudge_recommendation_days() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src TEXT := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_recs'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_recs'
    ELSE 'SELECT -1 AS sign, * FROM old_recs UNION ALL SELECT 1, * FROM new_recs' END;
BEGIN
  EXECUTE format($q$
    INSERT INTO "RecommendationDay" AS t ("day", "repId", "actionTypeId", "generated", "shown", "accepted", "done", "converted", "revenue", "treatedConverted", "controlN", "controlConverted",
      "reacted", "snoozed", "dismissed", "dismissedNotRelevant", "dismissedAlreadyDone", "dismissedBadTiming", "dismissedCustomerDeclined", "dismissedOther")
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
             COALESCE(SUM(r.sign) FILTER (WHERE r."isControl" AND r."purchasedAt" IS NOT NULL), 0)::int AS cc,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r."firstReactionAt" IS NOT NULL), 0)::int AS re,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status NOT IN ('ACCEPTED', 'DONE', 'DISMISSED') AND r."snoozedAt" IS NOT NULL), 0)::int AS sn,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED'), 0)::int AS di,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'NOT_RELEVANT'), 0)::int AS d1,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'ALREADY_DONE'), 0)::int AS d2,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'BAD_TIMING'), 0)::int AS d3,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'CUSTOMER_DECLINED'), 0)::int AS d4,
             COALESCE(SUM(r.sign) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'OTHER'), 0)::int AS d5
      FROM (%s) r
      GROUP BY 1, 2, 3
    ) x
    WHERE g <> 0 OR s <> 0 OR a <> 0 OR d <> 0 OR c <> 0 OR rev <> 0 OR tc <> 0 OR cn <> 0 OR cc <> 0
       OR re <> 0 OR sn <> 0 OR di <> 0 OR d1 <> 0 OR d2 <> 0 OR d3 <> 0 OR d4 <> 0 OR d5 <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT ("day", "repId", "actionTypeId") DO UPDATE SET
      "generated" = t."generated" + EXCLUDED."generated", "shown" = t."shown" + EXCLUDED."shown", "accepted" = t."accepted" + EXCLUDED."accepted",
      "done" = t."done" + EXCLUDED."done", "converted" = t."converted" + EXCLUDED."converted", "revenue" = t."revenue" + EXCLUDED."revenue",
      "treatedConverted" = t."treatedConverted" + EXCLUDED."treatedConverted", "controlN" = t."controlN" + EXCLUDED."controlN",
      "controlConverted" = t."controlConverted" + EXCLUDED."controlConverted",
      "reacted" = t."reacted" + EXCLUDED."reacted", "snoozed" = t."snoozed" + EXCLUDED."snoozed", "dismissed" = t."dismissed" + EXCLUDED."dismissed",
      "dismissedNotRelevant" = t."dismissedNotRelevant" + EXCLUDED."dismissedNotRelevant", "dismissedAlreadyDone" = t."dismissedAlreadyDone" + EXCLUDED."dismissedAlreadyDone",
      "dismissedBadTiming" = t."dismissedBadTiming" + EXCLUDED."dismissedBadTiming", "dismissedCustomerDeclined" = t."dismissedCustomerDeclined" + EXCLUDED."dismissedCustomerDeclined",
      "dismissedOther" = t."dismissedOther" + EXCLUDED."dismissedOther"
  $q$, src);
  RETURN NULL;
END $fn$;

CREATE OR REPLACE FUNCTION nudge_rebuild_recommendation_days() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "RecommendationDay";
  INSERT INTO "RecommendationDay" ("day", "repId", "actionTypeId", "generated", "shown", "accepted", "done", "converted", "revenue", "treatedConverted", "controlN", "controlConverted",
    "reacted", "snoozed", "dismissed", "dismissedNotRelevant", "dismissedAlreadyDone", "dismissedBadTiming", "dismissedCustomerDeclined", "dismissedOther")
  SELECT date_trunc('day', r."createdAt")::date, r."repId", r."actionTypeId",
         COUNT(*),
         COUNT(*) FILTER (WHERE NOT r."isControl"),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE')),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DONE'),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE') AND r."convertedAt" IS NOT NULL),
         COALESCE(SUM(r."attributedRevenue") FILTER (WHERE NOT r."isControl" AND r.status IN ('ACCEPTED', 'DONE')), 0),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r."purchasedAt" IS NOT NULL),
         COUNT(*) FILTER (WHERE r."isControl"),
         COUNT(*) FILTER (WHERE r."isControl" AND r."purchasedAt" IS NOT NULL),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r."firstReactionAt" IS NOT NULL),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status NOT IN ('ACCEPTED', 'DONE', 'DISMISSED') AND r."snoozedAt" IS NOT NULL),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED'),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'NOT_RELEVANT'),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'ALREADY_DONE'),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'BAD_TIMING'),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'CUSTOMER_DECLINED'),
         COUNT(*) FILTER (WHERE NOT r."isControl" AND r.status = 'DISMISSED' AND r."dismissReason" = 'OTHER')
  FROM "Recommendation" r GROUP BY 1, 2, 3;
$$;

SELECT nudge_rebuild_recommendation_days();
