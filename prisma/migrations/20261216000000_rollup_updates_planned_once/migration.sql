-- The rollups of suggestions by day (RecommendationDay) and by model band (RecommendationModelDay) are kept by
-- statement triggers that build their INSERT ... ON CONFLICT with EXECUTE, to read whichever transition tables the
-- operation has. EXECUTE plans the statement on every call: about 0.5 ms each for a one-row UPDATE (a reaction,
-- an expiry, an outcome), 1.1 ms of the 1.4-1.9 ms an accept's UPDATE spent in its triggers (EXPLAIN ANALYZE, 60,000
-- set), and as much for the suggestion an event's re-score inserts. UPDATE and INSERT are now static SQL, planned
-- once per connection, one statement each (the transition tables a statement may name depend on the operation);
-- DELETE (erasure, clean-ups) keeps EXECUTE. Each statement is the old text with its source spelled out;
-- tests/integration/recommendation-days.test.ts holds both rollups to a recount after inserts, reactions, undos,
-- purchases and deletions.

CREATE OR REPLACE FUNCTION nudge_recommendation_days()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  -- What EXECUTE below reads: only a DELETE gets there (INSERT and UPDATE return before).
  src TEXT := 'SELECT -1 AS sign, * FROM old_recs';
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM old_recs) THEN
      RETURN NULL;
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM new_recs) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
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
      FROM (SELECT -1 AS sign, * FROM old_recs UNION ALL SELECT 1, * FROM new_recs) r
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
      "dismissedOther" = t."dismissedOther" + EXCLUDED."dismissedOther";
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
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
      FROM (SELECT 1 AS sign, * FROM new_recs) r
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
      "dismissedOther" = t."dismissedOther" + EXCLUDED."dismissedOther";
    RETURN NULL;
  END IF;
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
END $function$;

CREATE OR REPLACE FUNCTION nudge_recommendation_model_days()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  -- What EXECUTE below reads: only a DELETE gets there (INSERT and UPDATE return before).
  src TEXT := 'SELECT -1 AS sign, * FROM old_recs';
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM old_recs) THEN
      RETURN NULL;
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM new_recs) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
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
        FROM (SELECT -1 AS sign, * FROM old_recs UNION ALL SELECT 1, * FROM new_recs) x
      ) r
      GROUP BY 1, 2, 3, 4, 5
    ) x
    WHERE g <> 0 OR res <> 0 OR acc <> 0 OR conv <> 0 OR ok <> 0 OR ps <> 0 OR bs <> 0 OR ls <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("day", "repId", "actionTypeId", "modelVersion", "band") DO UPDATE SET
      "generated" = t."generated" + EXCLUDED."generated", "resolved" = t."resolved" + EXCLUDED."resolved", "accepted" = t."accepted" + EXCLUDED."accepted",
      "converted" = t."converted" + EXCLUDED."converted", "correct" = t."correct" + EXCLUDED."correct",
      "propensitySum" = t."propensitySum" + EXCLUDED."propensitySum", "brierSum" = t."brierSum" + EXCLUDED."brierSum", "logLossSum" = t."logLossSum" + EXCLUDED."logLossSum";
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
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
        FROM (SELECT 1 AS sign, * FROM new_recs) x
      ) r
      GROUP BY 1, 2, 3, 4, 5
    ) x
    WHERE g <> 0 OR res <> 0 OR acc <> 0 OR conv <> 0 OR ok <> 0 OR ps <> 0 OR bs <> 0 OR ls <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("day", "repId", "actionTypeId", "modelVersion", "band") DO UPDATE SET
      "generated" = t."generated" + EXCLUDED."generated", "resolved" = t."resolved" + EXCLUDED."resolved", "accepted" = t."accepted" + EXCLUDED."accepted",
      "converted" = t."converted" + EXCLUDED."converted", "correct" = t."correct" + EXCLUDED."correct",
      "propensitySum" = t."propensitySum" + EXCLUDED."propensitySum", "brierSum" = t."brierSum" + EXCLUDED."brierSum", "logLossSum" = t."logLossSum" + EXCLUDED."logLossSum";
    RETURN NULL;
  END IF;
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
END $function$;
