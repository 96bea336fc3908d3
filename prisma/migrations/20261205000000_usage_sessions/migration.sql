-- Sessions of use, kept as usage events arrive (issue 15: the adoption page's
-- sessions and key feature use without re-reading every usage event of the period).
-- A session is a user's usage events (dashboard views aside) in (at, id) order; a
-- sign-in starts a new one, and so does a gap of more than 30 minutes
-- (SESSION_IDLE_MINUTES in lib/metrics/engagement.ts). Each row holds the session's
-- first and last event (time and id) and its counts of the events the page shows.

CREATE TABLE "UsageSession" (
    "userId" UUID NOT NULL,
    "firstEventId" INTEGER NOT NULL,
    "lastEventId" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3) NOT NULL,
    "events" INTEGER NOT NULL,
    "signIns" INTEGER NOT NULL DEFAULT 0,
    "accepts" INTEGER NOT NULL DEFAULT 0,
    "dones" INTEGER NOT NULL DEFAULT 0,
    "dismisses" INTEGER NOT NULL DEFAULT 0,
    "snoozes" INTEGER NOT NULL DEFAULT 0,
    "customerViews" INTEGER NOT NULL DEFAULT 0,
    "searches" INTEGER NOT NULL DEFAULT 0,
    "keyboard" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UsageSession_pkey" PRIMARY KEY ("userId","firstEventId")
);

CREATE INDEX "UsageSession_userId_endedAt_idx" ON "UsageSession"("userId", "endedAt");
CREATE INDEX "UsageSession_startedAt_idx" ON "UsageSession"("startedAt");

ALTER TABLE "UsageSession" ADD CONSTRAINT "UsageSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Recomputes one user's sessions from `since` on: every session that ends within
-- the idle gap before `since`, or later, is dropped and rebuilt from the events.
-- Sessions that ended earlier cannot change (a later event is more than the gap
-- away from them). The advisory lock queues two writers of the same user.
CREATE FUNCTION nudge_refresh_usage_sessions(p_user uuid, p_since timestamp) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cut_at timestamp := p_since;
  cut_id integer := 0;
  first_at timestamp;
  first_id integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('nudge-usage-session:' || p_user::text, 0));
  -- Rebuild from the first event of the earliest dropped session, or from the
  -- earliest changed event if that is earlier (ids break ties of the same instant).
  SELECT "startedAt", "firstEventId" INTO first_at, first_id
    FROM "UsageSession" WHERE "userId" = p_user AND "endedAt" >= p_since - interval '30 minutes'
   ORDER BY "startedAt", "firstEventId" LIMIT 1;
  IF first_at IS NOT NULL AND first_at <= p_since THEN
    cut_at := first_at;
    cut_id := first_id;
  END IF;
  DELETE FROM "UsageSession" WHERE "userId" = p_user AND "endedAt" >= p_since - interval '30 minutes';
  INSERT INTO "UsageSession" ("userId", "firstEventId", "lastEventId", "startedAt", "endedAt", "events", "signIns", "accepts", "dones", "dismisses", "snoozes", "customerViews", "searches", "keyboard")
  SELECT p_user, (array_agg(id ORDER BY at, id))[1], (array_agg(id ORDER BY at DESC, id DESC))[1], MIN(at), MAX(at), COUNT(*)::int,
         COUNT(*) FILTER (WHERE type = 'SIGN_IN')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND meta->>'kind' = 'ACCEPT')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND meta->>'kind' = 'DONE')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND meta->>'kind' = 'DISMISS')::int,
         COUNT(*) FILTER (WHERE type = 'REACTION' AND meta->>'kind' = 'SNOOZE')::int,
         COUNT(*) FILTER (WHERE type = 'CUSTOMER_VIEW')::int,
         COUNT(*) FILTER (WHERE type = 'FEATURE' AND meta->>'feature' = 'search')::int,
         COUNT(*) FILTER (WHERE type = 'FEATURE' AND meta->>'feature' = 'keyboard')::int
    FROM (
      SELECT id, at, type, meta, SUM(starts) OVER (ORDER BY at, id ROWS UNBOUNDED PRECEDING) AS sid
        FROM (
          SELECT id, at, type, meta,
                 CASE WHEN type = 'SIGN_IN' OR lag(at) OVER w IS NULL OR at - lag(at) OVER w > interval '30 minutes' THEN 1 ELSE 0 END AS starts
            FROM "UsageEvent"
           WHERE "userId" = p_user AND at >= cut_at AND (at, id) >= (cut_at, cut_id) AND type <> 'DASHBOARD_VIEW'
          WINDOW w AS (ORDER BY at, id)
        ) e
    ) n
   GROUP BY sid;
END $$;

CREATE FUNCTION nudge_usage_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT "userId", MIN(at) AS since FROM changed WHERE type <> 'DASHBOARD_VIEW' GROUP BY "userId" ORDER BY "userId" LOOP
    PERFORM nudge_refresh_usage_sessions(r."userId", r.since);
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER "UsageEvent_sessions_insert" AFTER INSERT ON "UsageEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_sessions();
CREATE TRIGGER "UsageEvent_sessions_delete" AFTER DELETE ON "UsageEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_sessions();

-- From scratch: the backfill below, and bulk loads that insert with the triggers
-- disabled (npm run seed:large) and rebuild once afterwards. Each user's sessions
-- are rebuilt by the same function the triggers call, so there is one definition.
CREATE FUNCTION nudge_rebuild_usage_sessions() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  u uuid;
BEGIN
  DELETE FROM "UsageSession";
  FOR u IN SELECT DISTINCT "userId" FROM "UsageEvent" WHERE type <> 'DASHBOARD_VIEW' ORDER BY 1 LOOP
    PERFORM nudge_refresh_usage_sessions(u, '-infinity'::timestamp);
  END LOOP;
END $$;

SELECT nudge_rebuild_usage_sessions();
