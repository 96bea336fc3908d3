-- Issue 15, adoption as the product owner asked: the first-run tour and key
-- feature use recorded as usage, the pulse survey (NPS and CSAT), its cadence,
-- and adoption targets per team (lib/data/engagement.ts, lib/data/pulse.ts,
-- lib/data/targets.ts).

-- AlterEnum (the new values are not used in this transaction)
ALTER TYPE "UsageEventType" ADD VALUE 'TOUR';
ALTER TYPE "UsageEventType" ADD VALUE 'FEATURE';

-- CreateEnum
CREATE TYPE "PulseKind" AS ENUM ('NPS', 'CSAT');

-- AlterTable
ALTER TABLE "ProgramSettings" ADD COLUMN "pulseEveryWeeks" INTEGER NOT NULL DEFAULT 6;

-- CreateTable
CREATE TABLE "PulseResponse" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "teamId" UUID,
    "kind" "PulseKind" NOT NULL,
    "score" INTEGER,
    "comment" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PulseResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdoptionTarget" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "teamId" UUID,
    "metric" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "updatedById" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdoptionTarget_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PulseResponse_userId_kind_at_idx" ON "PulseResponse"("userId", "kind", "at");

-- CreateIndex
CREATE INDEX "PulseResponse_at_idx" ON "PulseResponse"("at");

-- CreateIndex
CREATE UNIQUE INDEX "AdoptionTarget_teamId_metric_key" ON "AdoptionTarget"("teamId", "metric");

-- CreateIndex (partial: tooling/db/schema-extras.ts) one program-wide target per metric
CREATE UNIQUE INDEX "AdoptionTarget_program_metric_key" ON "AdoptionTarget"("metric") WHERE "teamId" IS NULL;

-- AddForeignKey
ALTER TABLE "PulseResponse" ADD CONSTRAINT "PulseResponse_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PulseResponse" ADD CONSTRAINT "PulseResponse_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdoptionTarget" ADD CONSTRAINT "AdoptionTarget_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdoptionTarget" ADD CONSTRAINT "AdoptionTarget_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
