-- Dashboard figures computed ahead of time (issue 17: the dashboards at
-- 1,000,000 customers). The refresher (lib/services/dashboard-views.ts) writes
-- one row per figure set and scope of the default view (the last 90 days, each
-- team and all teams) every DASHBOARD_SNAPSHOT_MINUTES; a page serves a row
-- instead of computing live when computing it took at least
-- DASHBOARD_LIVE_BUDGET_MS and it is younger than twice the interval.
-- The row keyed 'lease:refresh' is the refresher's claim: one process refreshes
-- per interval.
CREATE TABLE "DashboardSnapshot" (
    "key" TEXT NOT NULL,
    "view" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "computeMs" INTEGER NOT NULL,

    CONSTRAINT "DashboardSnapshot_pkey" PRIMARY KEY ("key")
);
