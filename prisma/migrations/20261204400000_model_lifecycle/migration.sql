-- Model lifecycle (README "Model lifecycle"): stored model versions (the
-- fitted propensity models and segment statistics the engine scores with),
-- the drift monitor's checks and alerts, and the admin-set drift thresholds.

-- CreateEnum
CREATE TYPE "ModelVersionStatus" AS ENUM ('CANDIDATE', 'SHADOW', 'ACTIVE', 'RETIRED');

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" INTEGER NOT NULL,
    "status" "ModelVersionStatus" NOT NULL DEFAULT 'CANDIDATE',
    "reason" TEXT NOT NULL,
    "trainedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "windowFrom" TIMESTAMP(3),
    "windowTo" TIMESTAMP(3) NOT NULL,
    "halfLifeDays" DOUBLE PRECISION NOT NULL,
    "trials" DOUBLE PRECISION NOT NULL,
    "parameters" JSONB NOT NULL,
    "summary" JSONB NOT NULL,
    "evaluation" JSONB,
    "activatedAt" TIMESTAMP(3),
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_number_key" ON "ModelVersion"("number");

-- At most one active and one shadow version (partial unique indexes: tooling/db/schema-extras.ts).
CREATE UNIQUE INDEX "ModelVersion_one_active_key" ON "ModelVersion"("status") WHERE "status" = 'ACTIVE';
CREATE UNIQUE INDEX "ModelVersion_one_shadow_key" ON "ModelVersion"("status") WHERE "status" = 'SHADOW';

-- CreateTable
CREATE TABLE "ModelDriftCheck" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "windowFrom" TIMESTAMP(3) NOT NULL,
    "windowTo" TIMESTAMP(3) NOT NULL,
    "modelVersionId" UUID,
    "signals" JSONB NOT NULL,
    "alerts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ModelDriftCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelDriftCheck_at_idx" ON "ModelDriftCheck"("at");

-- CreateTable
CREATE TABLE "ModelAlert" (
    "id" SERIAL NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "observed" DOUBLE PRECISION NOT NULL,
    "expected" DOUBLE PRECISION NOT NULL,
    "statistic" DOUBLE PRECISION NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "message" TEXT NOT NULL,
    "modelVersionId" UUID,
    "retrainVersionId" UUID,

    CONSTRAINT "ModelAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelAlert_createdAt_idx" ON "ModelAlert"("createdAt");
CREATE INDEX "ModelAlert_kind_subject_createdAt_idx" ON "ModelAlert"("kind", "subject", "createdAt");

-- AddForeignKey
ALTER TABLE "ModelDriftCheck" ADD CONSTRAINT "ModelDriftCheck_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ModelAlert" ADD CONSTRAINT "ModelAlert_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ModelAlert" ADD CONSTRAINT "ModelAlert_retrainVersionId_fkey" FOREIGN KEY ("retrainVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Drift thresholds, set by admins (defaults as lib/engine/drift.ts DEFAULT_DRIFT_THRESHOLDS).
ALTER TABLE "ProgramSettings" ADD COLUMN "driftAcceptanceShiftPct" DOUBLE PRECISION NOT NULL DEFAULT 10,
                              ADD COLUMN "driftZScore" DOUBLE PRECISION NOT NULL DEFAULT 4,
                              ADD COLUMN "driftPsi" DOUBLE PRECISION NOT NULL DEFAULT 0.2;
