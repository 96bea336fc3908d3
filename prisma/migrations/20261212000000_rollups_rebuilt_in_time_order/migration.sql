-- Rollups rebuilt in time order (issue 17: dashboard latency). Live writes
-- fill the rollup tables day by day, so a day's rows sit on a few neighbouring
-- pages. The set-based rebuilds (a bulk load or backfill, and both seeds) wrote
-- them in the order their hash aggregate produced, one day's rows spread over
-- the whole table: on the 60,000-customer set a 90-day reaction-latency read
-- visited 4,969 heap pages for 14,986 rows (one page per 3 rows), the sessions
-- read 1,599 pages for 11,662. Each rebuild now writes its rows sorted by day
-- (then by the rest of the key), the layout live writing produces; the rows are
-- the same. Existing tables are left as they are: a rebuild, or CLUSTER on the
-- primary key in a maintenance window, lays them out again. The two rebuilds
-- that had no work_mem of their own get the others' 512MB for the sort.

CREATE OR REPLACE FUNCTION nudge_rebuild_recommendation_days()
 RETURNS void
 LANGUAGE sql
 SET work_mem TO '512MB'
AS $function$
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
  FROM "Recommendation" r GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3;
$function$;

CREATE OR REPLACE FUNCTION nudge_rebuild_recommendation_model_days()
 RETURNS void
 LANGUAGE sql
 SET work_mem TO '512MB'
AS $function$
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
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5;
$function$;

CREATE OR REPLACE FUNCTION nudge_rebuild_reaction_latency_days()
 RETURNS void
 LANGUAGE sql
 SET work_mem TO '512MB'
AS $function$
  DELETE FROM "ReactionLatency";
  INSERT INTO "ReactionLatency" ("kind", "level", "start", "repId", "actionTypeId", "bucket", "n")
  SELECT k.kind, k.level, k.start, k.rep, k.action, nudge_latency_bucket(nudge_reaction_minutes(r."isControl", r."firstReactionAt", r."shownAt", r."createdAt")), COUNT(*)::int
  FROM "Recommendation" r CROSS JOIN LATERAL nudge_reaction_latency_keys(r."createdAt", r."repId", r."actionTypeId") k
  WHERE NOT r."isControl" AND r."firstReactionAt" IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 3, 2, 1, 4, 5, 6;
$function$;

CREATE OR REPLACE FUNCTION nudge_rebuild_usage_sessions()
 RETURNS void
 LANGUAGE plpgsql
 SET work_mem TO '512MB'
AS $function$
BEGIN
  DELETE FROM "UsageSession";
  INSERT INTO "UsageSession" ("userId", "firstEventId", "lastEventId", "startedAt", "endedAt", "events", "signIns", "accepts", "dones", "dismisses", "snoozes", "customerViews", "searches", "keyboard")
  SELECT "userId", (array_agg(id ORDER BY at, id))[1], (array_agg(id ORDER BY at DESC, id DESC))[1], MIN(at), MAX(at), COUNT(*)::int,
         COUNT(*) FILTER (WHERE type = 'SIGN_IN')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND kind = 'ACCEPT')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND kind = 'DONE')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND kind = 'DISMISS')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND kind = 'SNOOZE')::int,
         COUNT(*) FILTER (WHERE type = 'CUSTOMER_VIEW')::int,
         COUNT(*) FILTER (WHERE type = 'FEATURE' AND feature = 'search')::int,
         COUNT(*) FILTER (WHERE type = 'FEATURE' AND feature = 'keyboard')::int
    FROM (
      SELECT "userId", id, at, type, kind, feature, SUM(starts) OVER (PARTITION BY "userId" ORDER BY at, id ROWS UNBOUNDED PRECEDING) AS sid
        FROM (
          SELECT "userId", id, at, type, meta->>'kind' AS kind, meta->>'feature' AS feature,
                 CASE WHEN type = 'SIGN_IN' OR lag(at) OVER w IS NULL OR at - lag(at) OVER w > interval '30 minutes' THEN 1 ELSE 0 END AS starts
            FROM "UsageEvent"
           WHERE type <> 'DASHBOARD_VIEW'
          WINDOW w AS (PARTITION BY "userId" ORDER BY at, id)
        ) e
    ) n
   GROUP BY "userId", sid
   ORDER BY 4, 1;
END $function$;

CREATE OR REPLACE FUNCTION nudge_rebuild_usage_session_stats()
 RETURNS void
 LANGUAGE sql
 SET work_mem TO '512MB'
AS $function$
  DELETE FROM "UsageSessionStat";
  INSERT INTO "UsageSessionStat" ("level", "start", "userId", "bucket", "wbucket", "n", "ms", "signIns", "accepts", "dones", "dismisses", "snoozes", "customerViews", "searches", "keyboard")
  SELECT k.level, k.start, s."userId", nudge_latency_bucket(s.ms / 60000.0), nudge_session_wbucket(s.ms), COUNT(*)::int, SUM(s.ms)::bigint,
         SUM(s."signIns")::int, SUM(s.accepts)::int, SUM(s.dones)::int, SUM(s.dismisses)::int, SUM(s.snoozes)::int, SUM(s."customerViews")::int, SUM(s.searches)::int, SUM(s.keyboard)::int
  FROM (SELECT x.*, nudge_session_ms(x."startedAt", x."endedAt") AS ms FROM "UsageSession" x) s
  CROSS JOIN LATERAL (VALUES (0::smallint, date_trunc('day', s."startedAt")::date), (1::smallint, date_trunc('month', s."startedAt")::date)) k(level, start)
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 2, 1, 3, 4, 5;
$function$;
