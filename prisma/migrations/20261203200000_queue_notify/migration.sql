-- Live queue: a suggestion created, replaced, withdrawn, reacted to, snoozed or
-- re-assigned tells its rep's open queues at once. Each rep has a channel of
-- their own, queue_<rep id without dashes>; /api/queue/stream LISTENs on the
-- caller's channel only. The payload is just "changed" (the page refetches its
-- queue), so Postgres folds the notifications of one transaction into one per
-- rep, and a batch of 25 new suggestions wakes a queue once, at commit.
-- Control-group suggestions are never shown, so they notify nobody.
CREATE FUNCTION nudge_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD."isControl" THEN
    IF TG_OP = 'DELETE'
       OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW."snoozedUntil" IS DISTINCT FROM OLD."snoozedUntil"
       OR NEW."expiresAt" IS DISTINCT FROM OLD."expiresAt"
       OR NEW."repId" IS DISTINCT FROM OLD."repId" THEN
      PERFORM pg_notify('queue_' || replace(OLD."repId"::text, '-', ''), 'changed');
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW."isControl" AND (TG_OP = 'INSERT' OR NEW."repId" IS DISTINCT FROM OLD."repId") THEN
    PERFORM pg_notify('queue_' || replace(NEW."repId"::text, '-', ''), 'changed');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Recommendation_queue_notify" AFTER INSERT OR UPDATE OR DELETE ON "Recommendation"
  FOR EACH ROW EXECUTE FUNCTION nudge_queue_notify();
