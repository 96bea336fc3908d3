-- Latency of a recorded event, a reaction and a queue view (issue 17).
--
-- 1. Plans of the purchase path's triggers, cached per session.
--    A purchase runs four triggers on "CustomerEvent": the outcome facts
--    (nudge_purchases_changed -> nudge_refresh_outcomes), the holdout unit days
--    (nudge_holdout_unit_days_events -> nudge_refresh_holdout_unit_days), the kept
--    signals (nudge_customer_signals_events) and the purchase flags
--    (nudge_purchase_facts). Their statements read the events, which are
--    partitioned by month, so a custom plan (PostgreSQL's choice, since it can
--    prune months at planning time) is planned again on every call, across
--    every month's partition and its indexes. On the 60,000-customer set that
--    planning was most of the purchase's cost: the four triggers took 12-25 ms
--    for one purchase; with generic plans (planned once per connection, months
--    pruned when the plan starts) 1.6-2.1 ms (EXPLAIN ANALYZE of the same
--    insert, alternating, 2026-12-03). For 500 and 1,000 customers in one
--    statement (the API takes at most 1,000 events) the generic plans took
--    about as long in all as the custom ones (psql, same day), so a bulk
--    insert through the API does not get slower.
--    Only these four: a generic plan is not better everywhere. The usage
--    sessions' refresh took 50-130 ms with one (it reads a user's events from
--    a time only known at run time) against 2 ms with custom plans; the
--    triggers on "Recommendation" and "Feedback" measured the same either way.
ALTER FUNCTION nudge_purchases_changed() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION nudge_holdout_unit_days_events() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION nudge_customer_signals_events() SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION nudge_purchase_facts() SET plan_cache_mode = force_generic_plan;

-- 2. A usage event that continues the user's latest session extends it.
--    Every queue view and reaction writes a usage event, and the trigger
--    rebuilt the user's current session from its first event, so the cost grew
--    with the session (4-5 ms per event after an hour of use). The common case
--    is one new event after the user's last one, within the idle limit and not
--    a sign-in: that session's row is updated in place (one index probe). Any
--    other change (several events of a user in one statement, an event before
--    the last one, a sign-in, a gap past the idle limit, a deletion) rebuilds
--    from the affected session as before. Sessions follow the same rule either
--    way (tests/integration/usage-sessions.test.ts: one event at a time equals
--    a rebuild from scratch).
CREATE OR REPLACE FUNCTION nudge_usage_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT "userId", MIN(at) AS since, COUNT(*) AS n FROM changed WHERE type <> 'DASHBOARD_VIEW' GROUP BY "userId" ORDER BY "userId" LOOP
    IF TG_OP = 'INSERT' AND r.n = 1 THEN
      PERFORM pg_advisory_xact_lock(hashtextextended('nudge-usage-session:' || r."userId"::text, 0));
      UPDATE "UsageSession" s
         SET "lastEventId" = e.id, "endedAt" = e.at, "events" = s."events" + 1,
             "accepts" = s."accepts" + ((e.type = 'REACTION' AND e.meta->>'kind' = 'ACCEPT') IS TRUE)::int,
             "dones" = s."dones" + ((e.type = 'REACTION' AND e.meta->>'kind' = 'DONE') IS TRUE)::int,
             "dismisses" = s."dismisses" + ((e.type = 'REACTION' AND e.meta->>'kind' = 'DISMISS') IS TRUE)::int,
             "snoozes" = s."snoozes" + ((e.type = 'REACTION' AND e.meta->>'kind' = 'SNOOZE') IS TRUE)::int,
             "customerViews" = s."customerViews" + ((e.type = 'CUSTOMER_VIEW') IS TRUE)::int,
             "searches" = s."searches" + ((e.type = 'FEATURE' AND e.meta->>'feature' = 'search') IS TRUE)::int,
             "keyboard" = s."keyboard" + ((e.type = 'FEATURE' AND e.meta->>'feature' = 'keyboard') IS TRUE)::int
        FROM changed e,
             LATERAL (SELECT l."firstEventId" FROM "UsageSession" l WHERE l."userId" = r."userId"
                       ORDER BY l."endedAt" DESC, l."lastEventId" DESC LIMIT 1) latest
       WHERE e."userId" = r."userId" AND e.type NOT IN ('DASHBOARD_VIEW', 'SIGN_IN')
         AND s."userId" = r."userId" AND s."firstEventId" = latest."firstEventId"
         AND (e.at, e.id) > (s."endedAt", s."lastEventId") AND e.at - s."endedAt" <= interval '30 minutes';
      CONTINUE WHEN FOUND;
    END IF;
    PERFORM nudge_refresh_usage_sessions(r."userId", r.since);
  END LOOP;
  RETURN NULL;
END $$;
