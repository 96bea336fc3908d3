-- A reaction writes its suggestion once (issue 17: accept latency). Before,
-- nudge_apply_reaction updated the suggestion, then the Feedback row's trigger
-- (nudge_feedback_facts) updated it again for the dashboard facts (first
-- reaction, first snooze, dismiss reason), and each of the two updates wrote
-- a new row version and fired every trigger on "Recommendation" (days, model
-- days, latency, feeds, webhooks, queue notify). Now the function sets those
-- facts in its own update, and the Feedback trigger updates only suggestions
-- whose facts would change (none, after a reaction through the function),
-- and runs no update at all when there are none. Other writers of Feedback
-- (contact feedback from the API, the seeds, tests) get the facts from the
-- trigger as before. The facts are the same: tests/integration compare them to
-- a recomputation from the raw history, and the rollups are kept from the old
-- and new rows of each update, so one update or two give the same sums.

CREATE OR REPLACE FUNCTION nudge_apply_reaction(
  p_id uuid, p_user uuid, p_kind "FeedbackKind",
  p_prev_status "RecommendationStatus", p_prev_snoozed timestamp(3), p_prev_decided timestamp(3), p_prev_expires timestamp(3),
  p_last_feedback integer,
  p_status "RecommendationStatus", p_snoozed timestamp(3), p_decided timestamp(3), p_expires timestamp(3),
  p_snooze_until timestamp(3), p_reason "DismissReason", p_note text, p_key text, p_hash text, p_at timestamp(3)
) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  -- The row lock orders reactions to one suggestion; each statement below reads a snapshot taken after it.
  PERFORM 1 FROM "Recommendation" WHERE id = p_id AND "repId" = p_user AND NOT "isControl" FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  IF NOT EXISTS (
       SELECT 1 FROM "Recommendation"
       WHERE id = p_id AND status = p_prev_status AND "snoozedUntil" IS NOT DISTINCT FROM p_prev_snoozed
         AND "decidedAt" IS NOT DISTINCT FROM p_prev_decided AND "expiresAt" = p_prev_expires)
     OR (SELECT max(f.id) FROM "Feedback" f WHERE f."recommendationId" = p_id) IS DISTINCT FROM p_last_feedback THEN
    RETURN false;
  END IF;
  -- The reaction's dashboard facts (what nudge_feedback_facts would set once the Feedback row is in) in the same
  -- update: the first reaction and the first snooze are the earliest, the dismiss reason the latest dismissal's.
  UPDATE "Recommendation" SET status = p_status, "decidedAt" = p_decided, "snoozedUntil" = p_snoozed, "expiresAt" = p_expires,
         "firstReactionAt" = CASE WHEN p_kind <> 'UNDO' THEN LEAST("firstReactionAt", p_at) ELSE "firstReactionAt" END,
         "snoozedAt" = CASE WHEN p_kind = 'SNOOZE' THEN LEAST("snoozedAt", p_at) ELSE "snoozedAt" END,
         "dismissReason" = CASE WHEN p_kind = 'DISMISS' THEN COALESCE(p_reason, 'OTHER') ELSE "dismissReason" END
   WHERE id = p_id;
  INSERT INTO "Feedback" ("recommendationId", "userId", kind, "dismissReason", note, "snoozeUntil", "previousStatus", "previousSnoozedUntil",
                          "previousDecidedAt", "previousExpiresAt", status, "idempotencyKey", "requestHash", "createdAt")
  VALUES (p_id, p_user, p_kind, p_reason, p_note, p_snooze_until, p_prev_status, p_prev_snoozed, p_prev_decided, p_prev_expires, p_status, p_key, p_hash, p_at);
  INSERT INTO "UsageEvent" ("userId", type, at, meta)
  VALUES (p_user, 'REACTION', p_at, jsonb_build_object('kind', p_kind::text, 'recommendationId', p_id::text));
  RETURN true;
END
$$;

-- Only suggestions whose facts change are updated. When there are none (a reaction through nudge_apply_reaction set
-- its facts itself), no update runs, so no trigger on "Recommendation" fires for nothing. The update computes the
-- facts from the row as it updates it, as before.
CREATE OR REPLACE FUNCTION nudge_feedback_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM (SELECT "recommendationId" AS id,
             MIN("createdAt") FILTER (WHERE kind <> 'UNDO') AS "firstAt",
             MIN("createdAt") FILTER (WHERE kind = 'SNOOZE') AS "snoozedAt",
             (array_agg(COALESCE("dismissReason", 'OTHER') ORDER BY "createdAt" DESC, id DESC) FILTER (WHERE kind = 'DISMISS'))[1] AS "dismissReason"
        FROM changed
       GROUP BY "recommendationId") f
      JOIN "Recommendation" r ON r.id = f.id
     WHERE f."firstAt" IS NOT NULL
     AND (r."firstReactionAt" IS DISTINCT FROM LEAST(r."firstReactionAt", f."firstAt")
          OR r."snoozedAt" IS DISTINCT FROM LEAST(r."snoozedAt", f."snoozedAt")
          OR r."dismissReason" IS DISTINCT FROM COALESCE(f."dismissReason", r."dismissReason"))) THEN
    RETURN NULL;
  END IF;
  UPDATE "Recommendation" r
     SET "firstReactionAt" = LEAST(r."firstReactionAt", f."firstAt"),
         "snoozedAt" = LEAST(r."snoozedAt", f."snoozedAt"),
         "dismissReason" = COALESCE(f."dismissReason", r."dismissReason")
    FROM (SELECT "recommendationId" AS id,
             MIN("createdAt") FILTER (WHERE kind <> 'UNDO') AS "firstAt",
             MIN("createdAt") FILTER (WHERE kind = 'SNOOZE') AS "snoozedAt",
             (array_agg(COALESCE("dismissReason", 'OTHER') ORDER BY "createdAt" DESC, id DESC) FILTER (WHERE kind = 'DISMISS'))[1] AS "dismissReason"
        FROM changed
       GROUP BY "recommendationId") f
   WHERE r.id = f.id AND f."firstAt" IS NOT NULL
     AND (r."firstReactionAt" IS DISTINCT FROM LEAST(r."firstReactionAt", f."firstAt")
          OR r."snoozedAt" IS DISTINCT FROM LEAST(r."snoozedAt", f."snoozedAt")
          OR r."dismissReason" IS DISTINCT FROM COALESCE(f."dismissReason", r."dismissReason"));
  RETURN NULL;
END $$;
