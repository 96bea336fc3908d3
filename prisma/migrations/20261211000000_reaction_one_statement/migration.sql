-- A rep's reaction in one statement (issue 17: accept latency). The service
-- (lib/services/reactions.ts) reads the suggestion, its last reaction and any
-- reaction stored under the request's idempotency key in one query, decides the
-- next state in TypeScript (lib/domain/vocabulary.ts), then calls this
-- function, which applies it only if nothing changed since that read: it locks
-- the row, compares the state and the id of the last reaction with what the
-- service read (an undo that restored the same state still moved that id),
-- and returns false without writing when they differ, so the service reads
-- again and decides again. Writes happen in the order the service used to
-- issue them (the suggestion, its Feedback row, the rep's usage event), each
-- its own statement, so every trigger sees what it saw before. Before: BEGIN,
-- a locking read, up to two more reads, three writes and COMMIT, eight round
-- trips with the session check; now two.
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
  UPDATE "Recommendation" SET status = p_status, "decidedAt" = p_decided, "snoozedUntil" = p_snoozed, "expiresAt" = p_expires WHERE id = p_id;
  INSERT INTO "Feedback" ("recommendationId", "userId", kind, "dismissReason", note, "snoozeUntil", "previousStatus", "previousSnoozedUntil",
                          "previousDecidedAt", "previousExpiresAt", status, "idempotencyKey", "requestHash", "createdAt")
  VALUES (p_id, p_user, p_kind, p_reason, p_note, p_snooze_until, p_prev_status, p_prev_snoozed, p_prev_decided, p_prev_expires, p_status, p_key, p_hash, p_at);
  INSERT INTO "UsageEvent" ("userId", type, at, meta)
  VALUES (p_user, 'REACTION', p_at, jsonb_build_object('kind', p_kind::text, 'recommendationId', p_id::text));
  RETURN true;
END
$$;
