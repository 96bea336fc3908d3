-- Customer data rights (issue 16): consent by purpose and channel with its
-- history (replacing Customer.doNotContact / marketingOptOut), each action
-- type's purpose, API keys limited by purpose, the access record, erasure and
-- the retention of raw events.

CREATE TYPE "ConsentPurpose" AS ENUM ('SERVICE', 'MARKETING', 'PROFILING');
CREATE TYPE "ConsentChannel" AS ENUM ('EMAIL', 'PHONE', 'IN_PERSON');
CREATE TYPE "CustomerAccessKind" AS ENUM ('VIEW', 'EXPORT', 'ERASE');

CREATE TABLE "ConsentRecord" (
  "id" SERIAL NOT NULL,
  "customerId" UUID NOT NULL,
  "purpose" "ConsentPurpose" NOT NULL,
  "channel" "ConsentChannel",
  "granted" BOOLEAN NOT NULL,
  "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "source" TEXT NOT NULL,
  "recordedById" UUID,
  "apiKeyId" UUID,
  CONSTRAINT "ConsentRecord_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ConsentRecord_customerId_purpose_channel_recordedAt_idx" ON "ConsentRecord"("customerId", "purpose", "channel", "recordedAt");
ALTER TABLE "ConsentRecord" ADD CONSTRAINT "ConsentRecord_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ConsentRecord" ADD CONSTRAINT "ConsentRecord_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ConsentRecord" ADD CONSTRAINT "ConsentRecord_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The old flags' meaning, as consent rows: "do not contact" withdrew every
-- contact (service and marketing, every channel); "marketing opt-out" withdrew
-- marketing offers. No row means the default: granted.
INSERT INTO "ConsentRecord" ("customerId", purpose, channel, granted, "recordedAt", source)
SELECT c.id, p.purpose::"ConsentPurpose", ch.channel::"ConsentChannel", false, c."updatedAt", 'migration: doNotContact'
FROM "Customer" c CROSS JOIN (VALUES ('SERVICE'), ('MARKETING')) p(purpose) CROSS JOIN (VALUES ('EMAIL'), ('PHONE'), ('IN_PERSON')) ch(channel)
WHERE c."doNotContact";
INSERT INTO "ConsentRecord" ("customerId", purpose, channel, granted, "recordedAt", source)
SELECT c.id, 'MARKETING', ch.channel::"ConsentChannel", false, c."updatedAt", 'migration: marketingOptOut'
FROM "Customer" c CROSS JOIN (VALUES ('EMAIL'), ('PHONE'), ('IN_PERSON')) ch(channel)
WHERE c."marketingOptOut" AND NOT c."doNotContact";

ALTER TABLE "Customer" DROP COLUMN "doNotContact", DROP COLUMN "marketingOptOut";
ALTER TABLE "Customer" ADD COLUMN "erasedAt" TIMESTAMP(3);

-- What each action is for: marketing offers need marketing consent, everything else service-contact consent.
ALTER TABLE "ActionType" ADD COLUMN "purpose" "ConsentPurpose" NOT NULL DEFAULT 'SERVICE';
UPDATE "ActionType" SET purpose = 'MARKETING' WHERE category = 'OFFER';

-- An API key may be limited to some purposes (empty: every purpose).
-- Values are ConsentPurpose names (checked by the application, as scopes are).
ALTER TABLE "ApiKey" ADD COLUMN "purposes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Who opened which customer, who exported or erased what.
CREATE TABLE "CustomerAccess" (
  "id" SERIAL NOT NULL,
  "customerId" UUID NOT NULL,
  "kind" "CustomerAccessKind" NOT NULL,
  "userId" UUID,
  "apiKeyId" UUID,
  "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "CustomerAccess_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "CustomerAccess_at_idx" ON "CustomerAccess"("at");
CREATE INDEX "CustomerAccess_customerId_at_idx" ON "CustomerAccess"("customerId", "at");
CREATE INDEX "CustomerAccess_userId_at_idx" ON "CustomerAccess"("userId", "at");
ALTER TABLE "CustomerAccess" ADD CONSTRAINT "CustomerAccess_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "CustomerAccess" ADD CONSTRAINT "CustomerAccess_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "CustomerAccess" ADD CONSTRAINT "CustomerAccess_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Retention of raw events (days) and the purge runs.
ALTER TABLE "ProgramSettings" ADD COLUMN "eventRetentionDays" INTEGER NOT NULL DEFAULT 730;

CREATE TABLE "RetentionRun" (
  "id" SERIAL NOT NULL,
  "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "finishedAt" TIMESTAMP(3),
  "cutoff" TIMESTAMP(3) NOT NULL,
  "retentionDays" INTEGER NOT NULL,
  "trigger" TEXT NOT NULL,
  "actorId" UUID,
  "eventsDeleted" INTEGER NOT NULL DEFAULT 0,
  "eventsStripped" INTEGER NOT NULL DEFAULT 0,
  "deletedByType" JSONB NOT NULL DEFAULT '{}',
  "error" TEXT,
  CONSTRAINT "RetentionRun_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RetentionRun_startedAt_idx" ON "RetentionRun"("startedAt");
ALTER TABLE "RetentionRun" ADD CONSTRAINT "RetentionRun_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
