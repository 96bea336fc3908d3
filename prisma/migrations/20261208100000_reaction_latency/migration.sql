-- Issue 17 (dashboards at most 150 ms): the adoption page's medians of time to
-- reaction sorted every reacted recommendation of the range (about 135,000 rows
-- for 90 days on the large data set, sorted once per grouping set: in all, per
-- action type, per rep). ReactionLatency keeps instead mergeable histograms
-- of those times per creation day and month (UTC), rep and action type, with buckets of
-- bounded relative width (DDSketch, Masson et al., VLDB 2019): a time of x > 0
-- minutes falls in bucket ceil(ln x / ln g), g = (1 + a) / (1 - a) with
-- a = 0.01, i.e. (g^(i-1), g^i], and bucket i stands for 2 g^i / (g + 1), which
-- is within a relative 1 % of every value in it; a time of 0 has its own bucket
-- (-2147483648, standing for 0). The median read from the merged histogram
-- (lib/data/usage.ts reactions) is therefore within 1 % of the exact median
-- (percentile_cont(0.5): both middle values are, so is their mean), whatever
-- the number of reactions, and reading it costs about reps x buckets per month
-- of the view instead of a sort of every reaction.
--
-- Definition of a time (as lib/data/usage.ts): shown recommendations (not
-- control) with a first reaction, GREATEST(0, firstReactionAt - COALESCE(shownAt,
-- createdAt)) in minutes. Kept by statement-level triggers like RecommendationDay;
-- bulk loads with triggers off call nudge_rebuild_reaction_latency_days().

-- The bucket of a time in minutes, and the value a bucket stands for (immutable, inlined by the planner).
CREATE FUNCTION nudge_latency_bucket(minutes double precision) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN minutes <= 0 THEN -2147483648 ELSE ceil(ln(minutes) / ln(1.01::float8 / 0.99::float8))::int END
$$;
CREATE FUNCTION nudge_latency_value(bucket integer) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN bucket = -2147483648 THEN 0::float8 ELSE 2 * power(1.01::float8 / 0.99::float8, bucket) / (1.01::float8 / 0.99::float8 + 1) END
$$;
-- A recommendation's time to first reaction in minutes (NULL: control, or no reaction yet).
CREATE FUNCTION nudge_reaction_minutes("isControl" boolean, "firstReactionAt" timestamp, "shownAt" timestamp, "createdAt" timestamp) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN NOT "isControl" AND "firstReactionAt" IS NOT NULL
              THEN GREATEST(0, date_part('epoch', "firstReactionAt" - COALESCE("shownAt", "createdAt")) / 60.0) END
$$;

-- CreateTable
-- One row per histogram and bucket. kind 0 = per rep and action type, 1 = per rep (every action type), 2 = per action
-- type (every rep); level 0 = a UTC day (start = the day), 1 = a calendar month (start = its first day; kinds 1 and 2
-- only). The rep or action type a kind spans is the nil UUID. So a view of every team and action type reads whole
-- months as one histogram per rep and per action type (at most reps x buckets rows, whatever the number of customers),
-- its other whole days as one per rep and day, and only the days it cuts through row by row.
CREATE TABLE "ReactionLatency" (
    "kind" SMALLINT NOT NULL,
    "level" SMALLINT NOT NULL,
    "start" DATE NOT NULL,
    "repId" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "bucket" INTEGER NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReactionLatency_pkey" PRIMARY KEY ("kind","level","start","repId","actionTypeId","bucket")
);

-- The histograms one time counts in: its day per (rep, action type), per rep and per action type; its month per rep and per action type.
CREATE FUNCTION nudge_reaction_latency_keys("createdAt" timestamp, "repId" uuid, "actionTypeId" uuid)
  RETURNS TABLE (kind smallint, level smallint, start date, rep uuid, action uuid) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT v.kind::smallint, v.level::smallint, v.start, v.rep, v.action FROM (VALUES
    (0, 0, date_trunc('day', "createdAt")::date, "repId", "actionTypeId"),
    (1, 0, date_trunc('day', "createdAt")::date, "repId", '00000000-0000-0000-0000-000000000000'::uuid),
    (2, 0, date_trunc('day', "createdAt")::date, '00000000-0000-0000-0000-000000000000'::uuid, "actionTypeId"),
    (1, 1, date_trunc('month', "createdAt")::date, "repId", '00000000-0000-0000-0000-000000000000'::uuid),
    (2, 1, date_trunc('month', "createdAt")::date, '00000000-0000-0000-0000-000000000000'::uuid, "actionTypeId")
  ) v(kind, level, start, rep, action)
$$;

-- Static statements (planned once per trigger, not on every call), one per operation.
CREATE FUNCTION nudge_reaction_latency() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ReactionLatency" AS t ("kind", "level", "start", "repId", "actionTypeId", "bucket", "n")
    SELECT k.kind, k.level, k.start, k.rep, k.action, r.bucket, SUM(r.sign)::int
    FROM (SELECT 1 AS sign, x."createdAt", x."repId", x."actionTypeId",
                 nudge_latency_bucket(nudge_reaction_minutes(x."isControl", x."firstReactionAt", x."shownAt", x."createdAt")) AS bucket
          FROM new_recs x WHERE NOT x."isControl" AND x."firstReactionAt" IS NOT NULL) r
    CROSS JOIN LATERAL nudge_reaction_latency_keys(r."createdAt", r."repId", r."actionTypeId") k
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ("kind", "level", "start", "repId", "actionTypeId", "bucket") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ReactionLatency" AS t ("kind", "level", "start", "repId", "actionTypeId", "bucket", "n")
    SELECT k.kind, k.level, k.start, k.rep, k.action, r.bucket, SUM(r.sign)::int
    FROM (SELECT -1 AS sign, x."createdAt", x."repId", x."actionTypeId",
                 nudge_latency_bucket(nudge_reaction_minutes(x."isControl", x."firstReactionAt", x."shownAt", x."createdAt")) AS bucket
          FROM old_recs x WHERE NOT x."isControl" AND x."firstReactionAt" IS NOT NULL) r
    CROSS JOIN LATERAL nudge_reaction_latency_keys(r."createdAt", r."repId", r."actionTypeId") k
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ("kind", "level", "start", "repId", "actionTypeId", "bucket") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  ELSE
    INSERT INTO "ReactionLatency" AS t ("kind", "level", "start", "repId", "actionTypeId", "bucket", "n")
    SELECT * FROM (
      SELECT k.kind, k.level, k.start, k.rep, k.action, r.bucket, SUM(r.sign)::int AS n
      FROM (
        SELECT -1 AS sign, o."createdAt", o."repId", o."actionTypeId",
               nudge_latency_bucket(nudge_reaction_minutes(o."isControl", o."firstReactionAt", o."shownAt", o."createdAt")) AS bucket
        FROM old_recs o WHERE NOT o."isControl" AND o."firstReactionAt" IS NOT NULL
        UNION ALL
        SELECT 1, x."createdAt", x."repId", x."actionTypeId",
               nudge_latency_bucket(nudge_reaction_minutes(x."isControl", x."firstReactionAt", x."shownAt", x."createdAt"))
        FROM new_recs x WHERE NOT x."isControl" AND x."firstReactionAt" IS NOT NULL
      ) r
      CROSS JOIN LATERAL nudge_reaction_latency_keys(r."createdAt", r."repId", r."actionTypeId") k
      GROUP BY 1, 2, 3, 4, 5, 6
    ) d
    WHERE d.n <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ("kind", "level", "start", "repId", "actionTypeId", "bucket") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER "Recommendation_latency_insert" AFTER INSERT ON "Recommendation"
  REFERENCING NEW TABLE AS new_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_reaction_latency();
CREATE TRIGGER "Recommendation_latency_update" AFTER UPDATE ON "Recommendation"
  REFERENCING OLD TABLE AS old_recs NEW TABLE AS new_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_reaction_latency();
CREATE TRIGGER "Recommendation_latency_delete" AFTER DELETE ON "Recommendation"
  REFERENCING OLD TABLE AS old_recs FOR EACH STATEMENT EXECUTE FUNCTION nudge_reaction_latency();

-- Recounts every histogram from the recommendations (the backfill below, and bulk loads that write with triggers disabled).
CREATE FUNCTION nudge_rebuild_reaction_latency_days() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "ReactionLatency";
  INSERT INTO "ReactionLatency" ("kind", "level", "start", "repId", "actionTypeId", "bucket", "n")
  SELECT k.kind, k.level, k.start, k.rep, k.action, nudge_latency_bucket(nudge_reaction_minutes(r."isControl", r."firstReactionAt", r."shownAt", r."createdAt")), COUNT(*)::int
  FROM "Recommendation" r CROSS JOIN LATERAL nudge_reaction_latency_keys(r."createdAt", r."repId", r."actionTypeId") k
  WHERE NOT r."isControl" AND r."firstReactionAt" IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6;
$$;

SELECT nudge_rebuild_reaction_latency_days();
