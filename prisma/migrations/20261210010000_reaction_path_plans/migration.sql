-- Latency of a reaction (issue 17). Accepting, marking done or undoing fires
-- nudge_recommendation_decided once per changed row; it refreshes that one
-- customer's outcome facts (nudge_refresh_outcomes), which read the events,
-- partitioned by month. As for the purchase triggers (migration
-- 20261210000000_event_and_usage_paths), its custom plans were planned again
-- on every call across every month's partition: 1.8-2.0 ms per reaction in
-- EXPLAIN ANALYZE on the 60,000-customer set, 0.8 ms with a generic plan
-- (planned once per connection). A row trigger always refreshes one
-- customer, so a generic plan never meets a large array here.
ALTER FUNCTION nudge_recommendation_decided() SET plan_cache_mode = force_generic_plan;
