-- Issue: "Does it sell?" dashboards (lib/data/kpis.ts). Covering indexes so the
-- KPI queries read narrow index entries instead of wide heap rows: purchases,
-- clicks and visits in a date range with what a KPI needs of them; each
-- customer's arm in a holdout draw; customers' owner and segment; and the
-- recommendations of a date range with their customer.

-- CreateIndex
CREATE INDEX "CustomerEvent_kpi_idx" ON "CustomerEvent"("type", "occurredAt", "customerId", "amount", "crossSell", "upSell");

-- CreateIndex
CREATE INDEX "HoldoutAssignment_arm_idx" ON "HoldoutAssignment"("periodId", "heldOut", "customerId");

-- CreateIndex
CREATE INDEX "Customer_owner_segment_idx" ON "Customer"("ownerId", "segment", "id");

-- CreateIndex
CREATE INDEX "Recommendation_kpi_idx" ON "Recommendation"("createdAt", "actionTypeId", "isControl", "repId", "customerId", "id");
