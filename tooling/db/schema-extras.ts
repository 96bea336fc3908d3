// Database objects that exist only in the hand-written migrations, because
// Prisma's schema language cannot express them. `prisma/schema.prisma` is the
// source of truth for everything else; the schema check
// (tooling/db/schema-check.ts, tests/integration/schema.test.ts) adds these to
// the shape it derives from schema.prisma, so the migrations must contain them
// exactly and nothing else beyond what schema.prisma declares.
//
// When you add an object here, add it to a migration too (and vice versa):
// the schema test fails on either side of the mismatch.
import { ACTED_ON_STATUSES, OPEN_STATUSES } from "@/lib/domain/vocabulary";

export interface ExtraIndex {
  kind: "index";
  /** Database table name. */
  table: string;
  /** Index name, as created in the migration. */
  name: string;
  /** Column names (database names) in index order; append " DESC" for descending keys. */
  columns: readonly string[];
  unique: boolean;
  /** Access method; btree when omitted. */
  method?: string;
  /** The WHERE clause of a partial index, as written in the migration (compared after normalising casts, quoting and IN/ANY). */
  predicate: string | null;
  /** Why this object cannot live in schema.prisma. */
  reason: string;
}

export interface ExtraTrigger {
  kind: "trigger";
  table: string;
  name: string;
  timing: "BEFORE" | "AFTER";
  events: readonly ("INSERT" | "UPDATE" | "DELETE")[];
  level: "ROW" | "STATEMENT";
  /** The trigger function's name (its body lives in the migration). */
  function: string;
  reason: string;
}

export interface ExtraPartitioning {
  kind: "partitioning";
  /** The partitioned (parent) table; its partitions are not compared (they come and go with the months). */
  table: string;
  strategy: "RANGE" | "LIST" | "HASH";
  /** Partition key columns (database names). */
  columns: readonly string[];
  /** Whether a DEFAULT partition must exist. */
  defaultPartition: boolean;
  reason: string;
}

/** Extend the union when a migration needs another kind of object (check constraint, ...). */
export type SchemaExtra = ExtraIndex | ExtraTrigger | ExtraPartitioning;

const WEBHOOKS =
  "Webhook outbox (migration 20261203310000_webhooks): the delivery rows are written in the transaction of the change, by every writer alike. Prisma's schema language has no triggers.";
function feedTrigger(table: string, name: string, events: ExtraTrigger["events"], fn: string, why: string): ExtraTrigger {
  return {
    kind: "trigger",
    table,
    name,
    timing: "AFTER",
    events,
    level: "STATEMENT",
    function: fn,
    reason: `BI feeds (migration 20261203320000_feeds): every writer alike, tagged with its transaction id. Prisma's schema language has no triggers. ${why}`,
  };
}
const FACTS = "Dashboard facts (migration 20261124000000_dashboard_facts): Prisma's schema language has no triggers.";

function trigger(table: string, name: string, events: ExtraTrigger["events"], level: ExtraTrigger["level"], fn: string, why: string): ExtraTrigger {
  return { kind: "trigger", table, name, timing: "AFTER", events, level, function: fn, reason: `${FACTS} ${why}` };
}

const UNITS = "Holdout units (migration 20261203000000_holdout_units): Prisma's schema language has no triggers.";

function holdoutUnitTriggers(): ExtraTrigger[] {
  const counts = (name: string, event: "INSERT" | "UPDATE" | "DELETE"): ExtraTrigger => ({
    kind: "trigger",
    table: "HoldoutAssignment",
    name,
    timing: "AFTER",
    events: [event],
    level: "STATEMENT",
    function: "nudge_holdout_arm_counts",
    reason: `${UNITS} HoldoutArmCount follows every ${event.toLowerCase()} of assignments.`,
  });
  return [
    { kind: "trigger", table: "HoldoutAssignment", name: "HoldoutAssignment_unit_fill", timing: "BEFORE", events: ["INSERT"], level: "ROW", function: "nudge_holdout_unit_fill", reason: `${UNITS} An assignment takes its customer's owner and segment.` },
    { kind: "trigger", table: "Customer", name: "Customer_holdout_units", timing: "AFTER", events: ["UPDATE"], level: "ROW", function: "nudge_holdout_unit_follow", reason: `${UNITS} A reassigned or re-segmented customer moves its units.` },
    counts("HoldoutAssignment_counts_insert", "INSERT"),
    counts("HoldoutAssignment_counts_update", "UPDATE"),
    counts("HoldoutAssignment_counts_delete", "DELETE"),
  ];
}

const UNIT_DAYS = "Holdout unit days (migration 20261205200000_holdout_unit_days): HoldoutUnitDay follows every writer alike. Prisma's schema language has no triggers.";

function holdoutUnitDayTriggers(): ExtraTrigger[] {
  const t = (table: string, name: string, event: "INSERT" | "UPDATE" | "DELETE", level: ExtraTrigger["level"], fn: string, why: string): ExtraTrigger => ({
    kind: "trigger",
    table,
    name,
    timing: "AFTER",
    events: [event],
    level,
    function: fn,
    reason: `${UNIT_DAYS} ${why}`,
  });
  return [
    t("CustomerEvent", "CustomerEvent_unit_days_insert", "INSERT", "STATEMENT", "nudge_holdout_unit_days_events", "A purchase recorded in a draw's window is counted on its unit's day."),
    t("CustomerEvent", "CustomerEvent_unit_days_delete", "DELETE", "STATEMENT", "nudge_holdout_unit_days_events", "A purchase removed (retention, erasure) is taken off its unit's day."),
    t("CustomerEvent", "CustomerEvent_unit_days_update", "UPDATE", "STATEMENT", "nudge_holdout_unit_days_events_changed", "An event changed in customer, type, time, amount or flags moves between unit days (statement-level since migration 20261207000000_history_partitions: an update moving a row to another month's partition fires no row-level AFTER UPDATE trigger)."),
    t("HoldoutAssignment", "HoldoutAssignment_unit_days_insert", "INSERT", "STATEMENT", "nudge_holdout_unit_days_units", "A unit drawn gets the days of its customer's purchases in the window."),
    t("HoldoutAssignment", "HoldoutAssignment_unit_days_update", "UPDATE", "STATEMENT", "nudge_holdout_unit_days_units", "A unit's arm, owner or segment changed is followed on its days."),
    t("HoldoutAssignment", "HoldoutAssignment_unit_days_delete", "DELETE", "STATEMENT", "nudge_holdout_unit_days_units", "A unit removed takes its days with it."),
    t("HoldoutPeriod", "HoldoutPeriod_unit_days_update", "UPDATE", "ROW", "nudge_holdout_unit_days_period", "A draw's window changed (ended early) recomputes its units' days."),
  ];
}

const PARTITIONS = "History partitioned by month (migration 20261207000000_history_partitions; nudge_ensure_month_partitions adds months, retention drops them).";

function historyPartitioning(): SchemaExtra[] {
  const keys = "Prisma's schema language has no triggers; the keys of a partitioned table cannot be unique without the partition key.";
  return [
    { kind: "partitioning", table: "CustomerEvent", strategy: "RANGE", columns: ["occurredAt"], defaultPartition: true, reason: `${PARTITIONS} Prisma's schema language has no partitioning.` },
    { kind: "partitioning", table: "UsageEvent", strategy: "RANGE", columns: ["at"], defaultPartition: true, reason: `${PARTITIONS} Prisma's schema language has no partitioning.` },
    { kind: "trigger", table: "CustomerEvent", name: "CustomerEvent_key_claim", timing: "BEFORE", events: ["INSERT"], level: "ROW", function: "nudge_customer_event_key_claim", reason: `${PARTITIONS} An event with an idempotency key claims it in CustomerEventKey, or is skipped when another event holds it. ${keys}` },
    { kind: "trigger", table: "CustomerEvent", name: "CustomerEvent_keys_update", timing: "AFTER", events: ["UPDATE"], level: "STATEMENT", function: "nudge_customer_event_keys_changed", reason: `${PARTITIONS} A key cleared (erasure, retention), changed or moved with its event follows in CustomerEventKey. ${keys}` },
    { kind: "trigger", table: "CustomerEvent", name: "CustomerEvent_refs_delete", timing: "AFTER", events: ["DELETE"], level: "STATEMENT", function: "nudge_customer_event_refs_deleted", reason: `${PARTITIONS} A deleted event's key goes, and ContactFeedback pointing at it gets a null eventId (what ON DELETE SET NULL did). ${keys}` },
    { kind: "trigger", table: "ContactFeedback", name: "ContactFeedback_event_exists", timing: "BEFORE", events: ["INSERT", "UPDATE"], level: "ROW", function: "nudge_contact_feedback_event_exists", reason: `${PARTITIONS} ContactFeedback.eventId must name an existing event: a foreign key to a partitioned table would need its partition key in ContactFeedback, and would stop retention detaching a month. Prisma's schema language has no triggers.` },
  ];
}

export const SCHEMA_EXTRAS: readonly SchemaExtra[] = [
  ...historyPartitioning(),
  ...(["ACTIVE", "SHADOW"] as const).map(
    (status): ExtraIndex => ({
      kind: "index",
      table: "ModelVersion",
      name: `ModelVersion_one_${status.toLowerCase()}_key`,
      columns: ["status"],
      unique: true,
      predicate: `"status" = '${status}'`,
      reason: `At most one ${status} model version (migration 20261204400000_model_lifecycle). Partial unique indexes are not expressible in schema.prisma.`,
    }),
  ),
  {
    kind: "index",
    table: "Recommendation",
    name: "Recommendation_open_customer_action_key",
    columns: ["customerId", "actionTypeId"],
    unique: true,
    predicate: `"status" IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(", ")})`,
    reason:
      "At most one open recommendation per customer and action type. Prisma's @@unique cannot take a WHERE clause (partial indexes are not expressible in schema.prisma), so the index lives only in migration.sql.",
  },
  {
    kind: "index",
    table: "Recommendation",
    name: "Recommendation_reaction_idx",
    columns: ["createdAt", "actionTypeId", "repId", "firstReactionAt", "shownAt"],
    unique: false,
    predicate: `(NOT "isControl") AND ("firstReactionAt" IS NOT NULL)`,
    reason:
      "The adoption dashboard's median time to reaction sorts every reacted recommendation in the range; this narrow partial index makes that read a small index-only scan. Partial indexes are not expressible in schema.prisma.",
  },
  {
    kind: "index",
    table: "Recommendation",
    name: "Recommendation_acted_decidedAt_idx",
    columns: ["decidedAt"],
    unique: false,
    predicate: `(NOT "isControl") AND ("status" IN (${ACTED_ON_STATUSES.map((s) => `'${s}'`).join(", ")}))`,
    reason:
      'The model dashboard reads precision of whole days from RecommendationModelDay and corrects the acted-on recommendations decided after its cut-off (migration 20261204010000_model_rollup); partial, so inserts (pending) never touch it. Partial indexes are not expressible in schema.prisma.',
  },
  ...(["firstReactionAt", "snoozedAt"] as const).map(
    (column): SchemaExtra => ({
      kind: "index",
      table: "Recommendation",
      name: `Recommendation_${column}_idx`,
      columns: [column],
      unique: false,
      predicate: `(NOT "isControl") AND ("${column}" IS NOT NULL)`,
      reason: `The adoption dashboard reads reactions of whole days from RecommendationDay and subtracts those whose ${column} lies after its "now" (migration 20261204000000_reaction_rollup); partial, so inserts never touch it. Partial indexes are not expressible in schema.prisma.`,
    }),
  ),
  {
    kind: "index",
    table: "Recommendation",
    name: "Recommendation_bought_idx",
    columns: ["createdAt", "actionTypeId", "isControl", "repId", "customerId", "id"],
    unique: false,
    predicate: `"purchasedAt" IS NOT NULL`,
    reason:
      "Per action, purchase KPIs join only the recommendations with a purchase in their window (purchasedAt set by the outcome triggers) to the purchases (migration 20261205200100_recommendation_bought_idx); partial, so the others never enter it. Partial indexes are not expressible in schema.prisma.",
  },
  {
    kind: "index",
    table: "AdoptionTarget",
    name: "AdoptionTarget_program_metric_key",
    columns: ["metric"],
    unique: true,
    predicate: `"teamId" IS NULL`,
    reason:
      "One program-wide target (teamId null) per metric: a unique index over (teamId, metric) lets NULLs repeat, and partial indexes are not expressible in schema.prisma.",
  },
  trigger("CustomerEvent", "CustomerEvent_outcomes_insert", ["INSERT"], "STATEMENT", "nudge_purchases_changed", "A purchase updates the conversions and credited revenue of that customer's recommendations."),
  trigger("CustomerEvent", "CustomerEvent_outcomes_delete", ["DELETE"], "STATEMENT", "nudge_purchases_changed", "So does a purchase removed."),
  trigger("Recommendation", "Recommendation_outcomes_insert", ["INSERT"], "STATEMENT", "nudge_recommendations_inserted", "Back-dated or already-accepted recommendations get their outcomes."),
  trigger("Recommendation", "Recommendation_outcomes_update", ["UPDATE"], "ROW", "nudge_recommendation_decided", "A decision made or undone moves conversions and credited revenue."),
  trigger("Feedback", "Feedback_facts_insert", ["INSERT"], "STATEMENT", "nudge_feedback_facts", "First reaction, first snooze and dismiss reason on the recommendation."),
  {
    kind: "trigger",
    table: "CustomerEvent",
    name: "CustomerEvent_purchase_facts",
    timing: "BEFORE",
    events: ["INSERT"],
    level: "ROW",
    function: "nudge_purchase_facts",
    reason:
      "Cross-sell and up-sell flags of a purchase, judged against the customer's earlier purchases when it is recorded, so every writer agrees (migration 20261202120000_holdouts_and_business_kpis). Prisma's schema language has no triggers.",
  },
  ...holdoutUnitTriggers(),
  ...holdoutUnitDayTriggers(),
  ...(["INSERT", "UPDATE", "DELETE"] as const).map(
    (event): ExtraTrigger => ({
      kind: "trigger",
      table: "CustomerEvent",
      name: `CustomerEvent_signals_${event.toLowerCase()}`,
      timing: "AFTER",
      events: [event],
      level: "STATEMENT",
      function: event === "UPDATE" ? "nudge_customer_signals_events_changed" : "nudge_customer_signals_events",
      reason: `Incremental signals (migration 20261206000000_customer_signals): CustomerSignal follows every ${event.toLowerCase()} of events, from every writer alike. Prisma's schema language has no triggers.`,
    }),
  ),
  ...(["INSERT", "DELETE"] as const).map(
    (event): ExtraTrigger => ({
      kind: "trigger",
      table: "UsageEvent",
      name: `UsageEvent_sessions_${event.toLowerCase()}`,
      timing: "AFTER",
      events: [event],
      level: "STATEMENT",
      function: "nudge_usage_sessions",
      reason: `Sessions of use (migration 20261205000000_usage_sessions): UsageSession follows every ${event.toLowerCase()} of usage events, from every writer alike. Prisma's schema language has no triggers.`,
    }),
  ),
  ...(["INSERT", "UPDATE", "DELETE"] as const).map(
    (event): ExtraTrigger => ({
      kind: "trigger",
      table: "Recommendation",
      name: `Recommendation_days_${event.toLowerCase()}`,
      timing: "AFTER",
      events: [event],
      level: "STATEMENT",
      function: "nudge_recommendation_days",
      reason: `Conversion dashboard rollup (migration 20261203010000_recommendation_days): RecommendationDay follows every ${event.toLowerCase()} of recommendations. Prisma's schema language has no triggers.`,
    }),
  ),
  ...(["INSERT", "UPDATE", "DELETE"] as const).map(
    (event): ExtraTrigger => ({
      kind: "trigger",
      table: "Recommendation",
      name: `Recommendation_model_days_${event.toLowerCase()}`,
      timing: "AFTER",
      events: [event],
      level: "STATEMENT",
      function: "nudge_recommendation_model_days",
      reason: `Model dashboard rollup (migration 20261204010000_model_rollup): RecommendationModelDay follows every ${event.toLowerCase()} of recommendations. Prisma's schema language has no triggers.`,
    }),
  ),
  ...(["INSERT", "UPDATE", "DELETE"] as const).map(
    (event): ExtraTrigger => ({
      kind: "trigger",
      table: "Recommendation",
      name: `Recommendation_latency_${event.toLowerCase()}`,
      timing: "AFTER",
      events: [event],
      level: "STATEMENT",
      function: "nudge_reaction_latency",
      reason: `Adoption dashboard histogram of times to reaction (migration 20261208100000_reaction_latency): ReactionLatency follows every ${event.toLowerCase()} of recommendations. Prisma's schema language has no triggers.`,
    }),
  ),
  ...(["INSERT", "UPDATE", "DELETE"] as const).map(
    (event): ExtraTrigger => ({
      kind: "trigger",
      table: "UsageSession",
      name: `UsageSession_stats_${event.toLowerCase()}`,
      timing: "AFTER",
      events: [event],
      level: "STATEMENT",
      function: "nudge_usage_session_stats",
      reason: `Adoption page session sums (migration 20261208110000_usage_session_stats): UsageSessionStat follows every ${event.toLowerCase()} of sessions. Prisma's schema language has no triggers.`,
    }),
  ),
  trigger("UsageEvent", "UsageEvent_days_insert", ["INSERT"], "STATEMENT", "nudge_usage_days", "Per user and day usage rollup (UsageDay)."),
  {
    kind: "trigger",
    table: "Recommendation",
    name: "Recommendation_queue_notify",
    timing: "AFTER",
    events: ["INSERT", "UPDATE", "DELETE"],
    level: "ROW",
    function: "nudge_queue_notify",
    reason:
      "The live queue (migration 20261203200000_queue_notify): a shown suggestion created, changed or removed NOTIFYs its rep's channel, which /api/queue/stream LISTENs on. Prisma's schema language has no triggers.",
  },
  {
    kind: "trigger",
    table: "Recommendation",
    name: "Recommendation_webhooks_insert",
    timing: "AFTER",
    events: ["INSERT"],
    level: "STATEMENT",
    function: "nudge_webhook_recommendations_inserted",
    reason: `${WEBHOOKS} A new suggestion is announced (suggestion.created).`,
  },
  {
    kind: "trigger",
    table: "Recommendation",
    name: "Recommendation_webhooks_update",
    timing: "AFTER",
    events: ["UPDATE"],
    level: "STATEMENT",
    function: "nudge_webhook_recommendations_updated",
    reason: `${WEBHOOKS} Accepted, dismissed, done and converted are announced, whichever writer made the change (reactions, the outcome triggers).`,
  },
  feedTrigger("Feedback", "Feedback_feed_insert", ["INSERT"], "nudge_feed_reactions", "Each reaction recorded enters the reactions feed."),
  feedTrigger("Recommendation", "Recommendation_feed_insert", ["INSERT"], "nudge_feed_outcomes_inserted", "Each recommendation created enters the outcomes feed."),
  feedTrigger("Recommendation", "Recommendation_feed_update", ["UPDATE"], "nudge_feed_outcomes_updated", "Each change of status or outcome enters the outcomes feed again."),
];
