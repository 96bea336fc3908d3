-- Learning that adapts (issue 13).
-- The customer's feature key at decision time (lib/engine/propensity.ts
-- featureKey, e.g. "SMB|2031"): the individual propensity model is fitted
-- from outcomes grouped by it. NULL on suggestions made before this release
-- (the model then sees only their segment).
ALTER TABLE "Recommendation" ADD COLUMN "featureKey" TEXT;

-- Forgetting and the exploration cap, set by admins in the catalog.
ALTER TABLE "ProgramSettings" ADD COLUMN "learningHalfLifeDays" DOUBLE PRECISION NOT NULL DEFAULT 30;
ALTER TABLE "ProgramSettings" ADD COLUMN "explorationSharePct" DOUBLE PRECISION NOT NULL DEFAULT 20;

-- New action types explore unless an admin switches it off.
ALTER TABLE "ActionType" ALTER COLUMN "exploration" SET DEFAULT true;
