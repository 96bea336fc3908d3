-- Issue: "Does it sell?" A global holdout stored per customer and draw, the
-- policy's logged decisions for off-policy evaluation, customers' feedback on
-- contacts, and the purchase facts behind cross-sell and up-sell.

-- AlterEnum (a new value is usable once this migration has committed)
ALTER TYPE "EventType" ADD VALUE 'CONTACT_FEEDBACK';

-- CreateEnum
CREATE TYPE "HoldoutRedraw" AS ENUM ('MONTH', 'QUARTER', 'HALF_YEAR');

-- CreateEnum
CREATE TYPE "ContactVerdict" AS ENUM ('HELPFUL', 'RELEVANT', 'INTRUSIVE');

-- AlterTable
ALTER TABLE "CustomerEvent" ADD COLUMN "productLine" TEXT,
ADD COLUMN "crossSell" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "upSell" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN "pickProbability" DOUBLE PRECISION,
ADD COLUMN "candidates" JSONB;

-- CreateTable
CREATE TABLE "ProgramSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "globalHoldoutPct" DOUBLE PRECISION NOT NULL DEFAULT 5,
    "holdoutRedraw" "HoldoutRedraw" NOT NULL DEFAULT 'QUARTER',
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProgramSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HoldoutPeriod" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "pct" DOUBLE PRECISION NOT NULL,
    "salt" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoldoutPeriod_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HoldoutAssignment" (
    "periodId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "heldOut" BOOLEAN NOT NULL,
    "assignedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoldoutAssignment_pkey" PRIMARY KEY ("periodId","customerId")
);

-- CreateTable
CREATE TABLE "ContactFeedback" (
    "id" SERIAL NOT NULL,
    "customerId" UUID NOT NULL,
    "eventId" INTEGER,
    "recommendationId" UUID,
    "actionTypeId" UUID,
    "csat" INTEGER,
    "verdict" "ContactVerdict",
    "comment" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactFeedback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HoldoutPeriod_key_key" ON "HoldoutPeriod"("key");

-- CreateIndex
CREATE INDEX "HoldoutPeriod_startsAt_endsAt_idx" ON "HoldoutPeriod"("startsAt", "endsAt");

-- CreateIndex
CREATE INDEX "HoldoutAssignment_customerId_idx" ON "HoldoutAssignment"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "ContactFeedback_eventId_key" ON "ContactFeedback"("eventId");

-- CreateIndex
CREATE INDEX "ContactFeedback_actionTypeId_occurredAt_idx" ON "ContactFeedback"("actionTypeId", "occurredAt");

-- CreateIndex
CREATE INDEX "ContactFeedback_occurredAt_idx" ON "ContactFeedback"("occurredAt");

-- CreateIndex
CREATE INDEX "ContactFeedback_customerId_idx" ON "ContactFeedback"("customerId");

-- AddForeignKey
ALTER TABLE "HoldoutAssignment" ADD CONSTRAINT "HoldoutAssignment_periodId_fkey" FOREIGN KEY ("periodId") REFERENCES "HoldoutPeriod"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HoldoutAssignment" ADD CONSTRAINT "HoldoutAssignment_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactFeedback" ADD CONSTRAINT "ContactFeedback_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactFeedback" ADD CONSTRAINT "ContactFeedback_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "CustomerEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactFeedback" ADD CONSTRAINT "ContactFeedback_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactFeedback" ADD CONSTRAINT "ContactFeedback_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "ActionType"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The one settings row.
INSERT INTO "ProgramSettings" ("id") VALUES (1) ON CONFLICT DO NOTHING;

-- Cross-sell and up-sell are facts of a purchase at the moment it is recorded,
-- judged against the customer's earlier purchases (by occurredAt):
--   crossSell: the customer had bought before, but never this product line;
--   upSell:    the customer had bought before, and never as much in one order.
-- Set by the database so every writer (API, seed, import) agrees.
CREATE FUNCTION nudge_purchase_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  earlier_max numeric;
  earlier_count int;
  same_line boolean;
BEGIN
  SELECT COUNT(*), MAX(amount), COALESCE(BOOL_OR(NEW."productLine" IS NOT NULL AND "productLine" = NEW."productLine"), false)
    INTO earlier_count, earlier_max, same_line
    FROM "CustomerEvent"
   WHERE "customerId" = NEW."customerId" AND type = 'PURCHASE' AND "occurredAt" < NEW."occurredAt";
  NEW."crossSell" := earlier_count > 0 AND NEW."productLine" IS NOT NULL AND NOT same_line;
  NEW."upSell" := earlier_count > 0 AND NEW.amount IS NOT NULL AND earlier_max IS NOT NULL AND NEW.amount > earlier_max;
  RETURN NEW;
END $$;

CREATE TRIGGER "CustomerEvent_purchase_facts" BEFORE INSERT ON "CustomerEvent"
  FOR EACH ROW WHEN (NEW.type = 'PURCHASE') EXECUTE FUNCTION nudge_purchase_facts();
