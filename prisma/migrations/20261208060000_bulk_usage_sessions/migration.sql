-- nudge_rebuild_usage_sessions in one pass over the usage events (issue 17).
-- It called nudge_refresh_usage_sessions once per user: about 0.33 s per user
-- on the 60,000 set (21.9 s for 67 users, 2 cores), so about 5.5 minutes for
-- the 1,007 users of the 1,000,000-customer set, at the end of seed:large.
-- Now the same sessions of every user come from one sort of the events by
-- user and time: the same window as the per-user refresh, partitioned by user
-- (a session starts at a sign-in, at a user's first event, or after a gap of
-- more than 30 minutes; ids break ties of the same instant). The per-user
-- refresh, which the triggers call, is unchanged. A rebuild from scratch, for
-- bulk loads and backfills: unlike the refresh it takes no per-user advisory
-- locks, so writers of usage events should not run at the same time. Only the
-- two fields of meta that are counted are carried through the sort.
CREATE OR REPLACE FUNCTION nudge_rebuild_usage_sessions() RETURNS void LANGUAGE plpgsql
  SET work_mem = '512MB' AS $$
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
   GROUP BY "userId", sid;
END $$;
