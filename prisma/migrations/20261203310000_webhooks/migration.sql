-- Signed webhooks (lib/services/webhooks.ts). An admin registers endpoints for
-- chosen events; a change to a recommendation writes one delivery row per
-- subscribed endpoint in the same transaction as the change (a durable outbox),
-- and the delivery worker sends them with back-off until delivered or dead.

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "events" TEXT[],
    "secret" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "endpointId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "eventType" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAttemptAt" TIMESTAMP(3),
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_eventId_key" ON "WebhookDelivery"("endpointId", "eventId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- AddForeignKey
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Fans out recommendation events to the endpoints subscribed to them: one event id
-- per event, one delivery row per endpoint. `events` holds (recommendation id, type).
-- A paused endpoint gets its rows too; the worker sends them once it is resumed.
CREATE FUNCTION nudge_webhook_fan_out(events jsonb) RETURNS void LANGUAGE sql AS $$
  WITH ev AS MATERIALIZED (
    SELECT gen_random_uuid() AS event_id, e->>'type' AS type, (e->>'id')::uuid AS rec_id
    FROM jsonb_array_elements(events) e
  )
  INSERT INTO "WebhookDelivery" ("endpointId", "eventId", "eventType", payload)
  SELECT w.id, ev.event_id, ev.type,
         jsonb_build_object('recommendation', jsonb_build_object(
           'id', r.id, 'status', r.status, 'actionKey', a.key, 'actionName', a.name,
           'customerExternalId', c."externalId", 'repEmail', u.email, 'score', r.score,
           'createdAt', to_char(r."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'decidedAt', to_char(r."decidedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'convertedAt', to_char(r."convertedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'attributedRevenue', r."attributedRevenue"))
  FROM ev
  JOIN "Recommendation" r ON r.id = ev.rec_id
  JOIN "ActionType" a ON a.id = r."actionTypeId"
  JOIN "Customer" c ON c.id = r."customerId"
  JOIN "User" u ON u.id = r."repId"
  JOIN "WebhookEndpoint" w ON ev.type = ANY (w.events)
$$;

-- New suggestions (control-group ones are never shown, so never announced).
CREATE FUNCTION nudge_webhook_recommendations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "WebhookEndpoint") THEN RETURN NULL; END IF;
  PERFORM nudge_webhook_fan_out(COALESCE(
    (SELECT jsonb_agg(jsonb_build_object('id', n.id, 'type', 'suggestion.created')) FROM changed n WHERE NOT n."isControl"), '[]'::jsonb));
  RETURN NULL;
END $$;

-- A suggestion accepted (from pending or snoozed), dismissed or done (from an
-- open status), or converted (its first purchase within the window after the decision).
CREATE FUNCTION nudge_webhook_recommendations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "WebhookEndpoint") THEN RETURN NULL; END IF;
  PERFORM nudge_webhook_fan_out(COALESCE((
    SELECT jsonb_agg(jsonb_build_object('id', id, 'type', type)) FROM (
      SELECT n.id, CASE n.status WHEN 'ACCEPTED' THEN 'suggestion.accepted' WHEN 'DISMISSED' THEN 'suggestion.dismissed' ELSE 'suggestion.done' END AS type
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE NOT n."isControl" AND n.status IS DISTINCT FROM o.status
        AND ((n.status = 'ACCEPTED' AND o.status IN ('PENDING', 'SNOOZED'))
          OR (n.status IN ('DISMISSED', 'DONE') AND o.status IN ('PENDING', 'ACCEPTED', 'SNOOZED')))
      UNION ALL
      SELECT n.id, 'suggestion.converted'
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE NOT n."isControl" AND o."convertedAt" IS NULL AND n."convertedAt" IS NOT NULL
    ) t), '[]'::jsonb));
  RETURN NULL;
END $$;

CREATE TRIGGER "Recommendation_webhooks_insert" AFTER INSERT ON "Recommendation"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_webhook_recommendations_inserted();
CREATE TRIGGER "Recommendation_webhooks_update" AFTER UPDATE ON "Recommendation"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION nudge_webhook_recommendations_updated();
