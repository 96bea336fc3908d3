// Database objects that exist only in the hand-written migrations, because
// Prisma's schema language cannot express them. `prisma/schema.prisma` is the
// source of truth for everything else; the schema check
// (lib/data/schema-check.ts, tests/integration/schema.test.ts) adds these to
// the shape it derives from schema.prisma, so the migrations must contain them
// exactly and nothing else beyond what schema.prisma declares.
//
// When you add an object here, add it to a migration too (and vice versa):
// the schema test fails on either side of the mismatch.

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

/** Extend the union when a migration needs another kind of object (check constraint, trigger, ...). */
export type SchemaExtra = ExtraIndex;

export const SCHEMA_EXTRAS: readonly SchemaExtra[] = [
  {
    kind: "index",
    table: "Recommendation",
    name: "Recommendation_open_customer_action_key",
    columns: ["customerId", "actionTypeId"],
    unique: true,
    predicate: `"status" IN ('PENDING', 'ACCEPTED', 'SNOOZED')`,
    reason:
      "At most one open recommendation per customer and action type. Prisma's @@unique cannot take a WHERE clause (partial indexes are not expressible in schema.prisma), so the index lives only in migration.sql.",
  },
];
