-- Dashboard figures computed in the background on request (issue 17: a view
-- other than the default one on a large database). When computing a figure set
-- for a page runs past DASHBOARD_QUERY_TIMEOUT_MS, the page records a request
-- here and one process computes it with DASHBOARD_REFRESH_TIMEOUT_MS, storing
-- the result in "DashboardSnapshot" under the same key (which names the figure
-- set and its scope); the row is deleted then, or marked failed
-- (lib/services/dashboard-views.ts). "startedAt" is the claim:
-- a computation whose process died is taken over once it is older than the
-- refresh timeout.
CREATE TABLE "DashboardRequest" (
    "key" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "failedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "DashboardRequest_pkey" PRIMARY KEY ("key")
);
