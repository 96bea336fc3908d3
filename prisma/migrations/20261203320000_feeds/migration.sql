-- Cursor-paginated feeds for BI (lib/data/feeds.ts). Triggers append one FeedLog
-- row per reaction recorded and per recommendation created or changed (status or
-- outcome), tagged with the writing transaction's id. A reader is served only
-- rows of transactions older than every transaction still running
-- (pg_snapshot_xmin), in (txId, id) order, so no row can later appear behind its
-- cursor: paging while writes continue has no gaps and no duplicates.

-- CreateTable
CREATE TABLE "FeedLog" (
    "id" BIGSERIAL NOT NULL,
    "txId" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "feed" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FeedLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FeedLog_feed_txId_id_idx" ON "FeedLog"("feed", "txId", "id");

CREATE FUNCTION nudge_feed_reactions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FeedLog" (feed, "refId") SELECT 'reactions', id::text FROM changed ORDER BY id;
  RETURN NULL;
END $$;

CREATE FUNCTION nudge_feed_outcomes_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FeedLog" (feed, "refId") SELECT 'outcomes', id::text FROM changed ORDER BY id;
  RETURN NULL;
END $$;

CREATE FUNCTION nudge_feed_outcomes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FeedLog" (feed, "refId")
  SELECT 'outcomes', n.id::text FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE n.status IS DISTINCT FROM o.status OR n."decidedAt" IS DISTINCT FROM o."decidedAt" OR n."purchasedAt" IS DISTINCT FROM o."purchasedAt"
     OR n."convertedAt" IS DISTINCT FROM o."convertedAt" OR n."attributedRevenue" IS DISTINCT FROM o."attributedRevenue"
  ORDER BY n.id;
  RETURN NULL;
END $$;

CREATE TRIGGER "Feedback_feed_insert" AFTER INSERT ON "Feedback"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_feed_reactions();
CREATE TRIGGER "Recommendation_feed_insert" AFTER INSERT ON "Recommendation"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_feed_outcomes_inserted();
CREATE TRIGGER "Recommendation_feed_update" AFTER UPDATE ON "Recommendation"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION nudge_feed_outcomes_updated();
