-- Issue 12, "Does it sell?": the program comparison (lib/data/kpis.ts
-- programKpi, adopterTiers) counts customer × draw units by arm, owner and
-- segment. Reading every unit and joining it to Customer on every dashboard
-- view cost more than the events it compares, so:
-- - each assignment carries its customer's owner and segment (kept by
--   triggers: filled on insert, followed when a customer is reassigned or
--   re-segmented), so a unit is one narrow index entry;
-- - HoldoutArmCount keeps the number of units per draw, arm, owner and
--   segment (statement-level triggers on HoldoutAssignment), so the units
--   without events are counted from a few hundred rows instead of all of them.

-- AlterTable
ALTER TABLE "HoldoutAssignment" ADD COLUMN "ownerId" UUID, ADD COLUMN "segment" TEXT;

UPDATE "HoldoutAssignment" ha SET "ownerId" = c."ownerId", "segment" = c."segment" FROM "Customer" c WHERE c."id" = ha."customerId";

-- DropIndex (the unit index below leads with the draw too)
DROP INDEX "HoldoutAssignment_arm_idx";

-- CreateIndex
CREATE INDEX "HoldoutAssignment_unit_idx" ON "HoldoutAssignment"("periodId", "customerId", "heldOut", "ownerId", "segment");

-- CreateTable
CREATE TABLE "HoldoutArmCount" (
    "periodId" UUID NOT NULL,
    "heldOut" BOOLEAN NOT NULL,
    "ownerId" UUID NOT NULL,
    "segment" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "HoldoutArmCount_pkey" PRIMARY KEY ("periodId","heldOut","ownerId","segment")
);

-- AddForeignKey
ALTER TABLE "HoldoutArmCount" ADD CONSTRAINT "HoldoutArmCount_periodId_fkey" FOREIGN KEY ("periodId") REFERENCES "HoldoutPeriod"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "HoldoutArmCount" ("periodId", "heldOut", "ownerId", "segment", "n")
SELECT "periodId", "heldOut", "ownerId", "segment", COUNT(*) FROM "HoldoutAssignment" GROUP BY 1, 2, 3, 4;

-- An assignment takes its customer's owner and segment when it is written.
CREATE FUNCTION nudge_holdout_unit_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT c."ownerId", c."segment" INTO NEW."ownerId", NEW."segment" FROM "Customer" c WHERE c."id" = NEW."customerId";
  RETURN NEW;
END $$;

CREATE TRIGGER "HoldoutAssignment_unit_fill" BEFORE INSERT ON "HoldoutAssignment"
  FOR EACH ROW EXECUTE FUNCTION nudge_holdout_unit_fill();

-- A customer reassigned or re-segmented moves its units (and, through the
-- assignment triggers below, the counts).
CREATE FUNCTION nudge_holdout_unit_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."ownerId" IS DISTINCT FROM NEW."ownerId" OR OLD."segment" IS DISTINCT FROM NEW."segment" THEN
    UPDATE "HoldoutAssignment" SET "ownerId" = NEW."ownerId", "segment" = NEW."segment" WHERE "customerId" = NEW."id";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Customer_holdout_units" AFTER UPDATE ON "Customer"
  FOR EACH ROW EXECUTE FUNCTION nudge_holdout_unit_follow();

-- Units per draw, arm, owner and segment: each statement's rows counted and
-- applied in key order (concurrent writers lock the count rows in one order).
-- Assignments removed with their draw are not subtracted: the draw's counts
-- were removed with it (cascade), and a count row must not outlive its draw.
CREATE FUNCTION nudge_holdout_arm_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO "HoldoutArmCount" AS t ("periodId", "heldOut", "ownerId", "segment", "n")
    SELECT "periodId", "heldOut", "ownerId", "segment", -COUNT(*) FROM old_units u
    WHERE "ownerId" IS NOT NULL AND "segment" IS NOT NULL
      AND EXISTS (SELECT 1 FROM "HoldoutPeriod" p WHERE p."id" = u."periodId") -- a removed draw's counts went with it
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("periodId", "heldOut", "ownerId", "segment") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "HoldoutArmCount" AS t ("periodId", "heldOut", "ownerId", "segment", "n")
    SELECT "periodId", "heldOut", "ownerId", "segment", COUNT(*) FROM new_units
    WHERE "ownerId" IS NOT NULL AND "segment" IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("periodId", "heldOut", "ownerId", "segment") DO UPDATE SET "n" = t."n" + EXCLUDED."n";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "HoldoutAssignment_counts_insert" AFTER INSERT ON "HoldoutAssignment"
  REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_arm_counts();
CREATE TRIGGER "HoldoutAssignment_counts_update" AFTER UPDATE ON "HoldoutAssignment"
  REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_arm_counts();
CREATE TRIGGER "HoldoutAssignment_counts_delete" AFTER DELETE ON "HoldoutAssignment"
  REFERENCING OLD TABLE AS old_units FOR EACH STATEMENT EXECUTE FUNCTION nudge_holdout_arm_counts();
