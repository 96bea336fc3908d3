-- Issue 12, done-when 5: per action, a purchase KPI (revenue, purchases, order
-- value, cross- and up-sell) can only be non-zero for a recommendation with a
-- purchase in (createdAt, createdAt + 14 days], i.e. one whose trigger-kept
-- "purchasedAt" is set. This narrow partial index lists exactly those by
-- creation time, so lib/data/kpis.ts actionKpisSql joins only them to the
-- purchases (the others are counted from Recommendation_dashboard_idx).
CREATE INDEX "Recommendation_bought_idx" ON "Recommendation"("createdAt", "actionTypeId", "isControl", "repId", "customerId", "id") WHERE "purchasedAt" IS NOT NULL;
