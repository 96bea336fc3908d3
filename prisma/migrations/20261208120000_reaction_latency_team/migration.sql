-- Issue 17: one team's view of the adoption page read its per-action medians of
-- time to reaction from the per-day (rep, action type) histograms of
-- ReactionLatency (migration 20261208100000_reaction_latency), found by a scan of
-- every rep's rows of the range filtered to the team: slower than the sort it
-- replaced (1.3x for team North on the 60k set, alternating in one process).
-- Now the (rep, action type) histograms are kept per calendar month too, and an
-- index leads with the rep, so a team's view (and one action type's) reads whole
-- months per rep and action type, and the team's rows only.

CREATE OR REPLACE FUNCTION nudge_reaction_latency_keys("createdAt" timestamp, "repId" uuid, "actionTypeId" uuid)
  RETURNS TABLE (kind smallint, level smallint, start date, rep uuid, action uuid) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT v.kind::smallint, v.level::smallint, v.start, v.rep, v.action FROM (VALUES
    (0, 0, date_trunc('day', "createdAt")::date, "repId", "actionTypeId"),
    (1, 0, date_trunc('day', "createdAt")::date, "repId", '00000000-0000-0000-0000-000000000000'::uuid),
    (2, 0, date_trunc('day', "createdAt")::date, '00000000-0000-0000-0000-000000000000'::uuid, "actionTypeId"),
    (0, 1, date_trunc('month', "createdAt")::date, "repId", "actionTypeId"),
    (1, 1, date_trunc('month', "createdAt")::date, "repId", '00000000-0000-0000-0000-000000000000'::uuid),
    (2, 1, date_trunc('month', "createdAt")::date, '00000000-0000-0000-0000-000000000000'::uuid, "actionTypeId")
  ) v(kind, level, start, rep, action)
$$;

-- CreateIndex
CREATE INDEX "ReactionLatency_kind_level_repId_start_idx" ON "ReactionLatency"("kind", "level", "repId", "start");

SELECT nudge_rebuild_reaction_latency_days();
