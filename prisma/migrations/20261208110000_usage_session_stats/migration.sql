-- Issue 17 (dashboards at most 150 ms): the adoption page's session figures
-- (count, median length and length histogram, in all and per rep; key feature
-- use per rep) read every session of the period from UsageSession (about
-- 58,000 rows for 90 days on the large data set) and sorted them for the
-- medians. UsageSessionStat keeps, per day and per calendar month of the
-- sessions' start (UTC) and per user, the sums of those sessions by length:
-- bucket = nudge_latency_bucket(minutes) (migration 20261208100000_reaction_latency:
-- buckets of bounded relative width, each standing for a value within 1 % of
-- every length in it, 0 apart), wbucket = the page's length histogram bucket
-- (width_bucket over lib/metrics/engagement.ts SESSION_BUCKETS: 1, 5, 15, 30,
-- 60 minutes); n sessions, ms their summed length in milliseconds, and the
-- summed feature counts. lib/data/engagement.ts reads whole months and days
-- from here and only the sessions the period's bounds cut (or that start on a
-- day it cuts) one by one; the median session length becomes an estimate within
-- 1 % of the exact median. Kept by statement-level triggers on UsageSession
-- (itself kept by triggers on UsageEvent); bulk loads that rebuild UsageSession
-- with these triggers on keep it too, and nudge_rebuild_usage_session_stats()
-- recounts it from scratch.

-- CreateTable
CREATE TABLE "UsageSessionStat" (
    "level" SMALLINT NOT NULL,
    "start" DATE NOT NULL,
    "userId" UUID NOT NULL,
    "bucket" INTEGER NOT NULL,
    "wbucket" SMALLINT NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,
    "ms" BIGINT NOT NULL DEFAULT 0,
    "signIns" INTEGER NOT NULL DEFAULT 0,
    "accepts" INTEGER NOT NULL DEFAULT 0,
    "dones" INTEGER NOT NULL DEFAULT 0,
    "dismisses" INTEGER NOT NULL DEFAULT 0,
    "snoozes" INTEGER NOT NULL DEFAULT 0,
    "customerViews" INTEGER NOT NULL DEFAULT 0,
    "searches" INTEGER NOT NULL DEFAULT 0,
    "keyboard" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UsageSessionStat_pkey" PRIMARY KEY ("level","start","userId","bucket","wbucket")
);

-- A session's length in milliseconds, and its two buckets.
CREATE FUNCTION nudge_session_ms("startedAt" timestamp, "endedAt" timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round(date_part('epoch', "endedAt" - "startedAt") * 1000)::bigint
$$;
CREATE FUNCTION nudge_session_wbucket(ms bigint) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT width_bucket(ms / 60000.0::float8, ARRAY[1, 5, 15, 30, 60]::float8[])::smallint
$$;

-- Static statements (planned once per trigger), one per operation: each changed session adds (or takes) its day's and month's row.
CREATE FUNCTION nudge_usage_session_stats() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    INSERT INTO "UsageSessionStat" AS t ("level", "start", "userId", "bucket", "wbucket", "n", "ms", "signIns", "accepts", "dones", "dismisses", "snoozes", "customerViews", "searches", "keyboard")
    SELECT k.level, k.start, s."userId", nudge_latency_bucket(s.ms / 60000.0), nudge_session_wbucket(s.ms), COUNT(*)::int, SUM(s.ms)::bigint,
           SUM(s."signIns")::int, SUM(s.accepts)::int, SUM(s.dones)::int, SUM(s.dismisses)::int, SUM(s.snoozes)::int, SUM(s."customerViews")::int, SUM(s.searches)::int, SUM(s.keyboard)::int
    FROM (SELECT x.*, nudge_session_ms(x."startedAt", x."endedAt") AS ms FROM new_sessions x) s
    CROSS JOIN LATERAL (VALUES (0::smallint, date_trunc('day', s."startedAt")::date), (1::smallint, date_trunc('month', s."startedAt")::date)) k(level, start)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("level", "start", "userId", "bucket", "wbucket") DO UPDATE SET
      "n" = t."n" + EXCLUDED."n", "ms" = t."ms" + EXCLUDED."ms", "signIns" = t."signIns" + EXCLUDED."signIns", "accepts" = t."accepts" + EXCLUDED."accepts",
      "dones" = t."dones" + EXCLUDED."dones", "dismisses" = t."dismisses" + EXCLUDED."dismisses", "snoozes" = t."snoozes" + EXCLUDED."snoozes",
      "customerViews" = t."customerViews" + EXCLUDED."customerViews", "searches" = t."searches" + EXCLUDED."searches", "keyboard" = t."keyboard" + EXCLUDED."keyboard";
  END IF;
  IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
    INSERT INTO "UsageSessionStat" AS t ("level", "start", "userId", "bucket", "wbucket", "n", "ms", "signIns", "accepts", "dones", "dismisses", "snoozes", "customerViews", "searches", "keyboard")
    SELECT k.level, k.start, s."userId", nudge_latency_bucket(s.ms / 60000.0), nudge_session_wbucket(s.ms), -COUNT(*)::int, -SUM(s.ms)::bigint,
           -SUM(s."signIns")::int, -SUM(s.accepts)::int, -SUM(s.dones)::int, -SUM(s.dismisses)::int, -SUM(s.snoozes)::int, -SUM(s."customerViews")::int, -SUM(s.searches)::int, -SUM(s.keyboard)::int
    FROM (SELECT x.*, nudge_session_ms(x."startedAt", x."endedAt") AS ms FROM old_sessions x) s
    CROSS JOIN LATERAL (VALUES (0::smallint, date_trunc('day', s."startedAt")::date), (1::smallint, date_trunc('month', s."startedAt")::date)) k(level, start)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("level", "start", "userId", "bucket", "wbucket") DO UPDATE SET
      "n" = t."n" + EXCLUDED."n", "ms" = t."ms" + EXCLUDED."ms", "signIns" = t."signIns" + EXCLUDED."signIns", "accepts" = t."accepts" + EXCLUDED."accepts",
      "dones" = t."dones" + EXCLUDED."dones", "dismisses" = t."dismisses" + EXCLUDED."dismisses", "snoozes" = t."snoozes" + EXCLUDED."snoozes",
      "customerViews" = t."customerViews" + EXCLUDED."customerViews", "searches" = t."searches" + EXCLUDED."searches", "keyboard" = t."keyboard" + EXCLUDED."keyboard";
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER "UsageSession_stats_insert" AFTER INSERT ON "UsageSession"
  REFERENCING NEW TABLE AS new_sessions FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_session_stats();
CREATE TRIGGER "UsageSession_stats_update" AFTER UPDATE ON "UsageSession"
  REFERENCING OLD TABLE AS old_sessions NEW TABLE AS new_sessions FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_session_stats();
CREATE TRIGGER "UsageSession_stats_delete" AFTER DELETE ON "UsageSession"
  REFERENCING OLD TABLE AS old_sessions FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_session_stats();

-- Recounts every row from the sessions (the backfill below; bulk loads that write sessions with these triggers off).
CREATE FUNCTION nudge_rebuild_usage_session_stats() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "UsageSessionStat";
  INSERT INTO "UsageSessionStat" ("level", "start", "userId", "bucket", "wbucket", "n", "ms", "signIns", "accepts", "dones", "dismisses", "snoozes", "customerViews", "searches", "keyboard")
  SELECT k.level, k.start, s."userId", nudge_latency_bucket(s.ms / 60000.0), nudge_session_wbucket(s.ms), COUNT(*)::int, SUM(s.ms)::bigint,
         SUM(s."signIns")::int, SUM(s.accepts)::int, SUM(s.dones)::int, SUM(s.dismisses)::int, SUM(s.snoozes)::int, SUM(s."customerViews")::int, SUM(s.searches)::int, SUM(s.keyboard)::int
  FROM (SELECT x.*, nudge_session_ms(x."startedAt", x."endedAt") AS ms FROM "UsageSession" x) s
  CROSS JOIN LATERAL (VALUES (0::smallint, date_trunc('day', s."startedAt")::date), (1::smallint, date_trunc('month', s."startedAt")::date)) k(level, start)
  GROUP BY 1, 2, 3, 4, 5;
$$;

SELECT nudge_rebuild_usage_session_stats();
