// The migrated database matches prisma/schema.prisma (plus tooling/db/schema-extras.ts),
// and the checker itself notices drift: migrations with a column, an index or a
// type changed produce a diff line naming it.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrate, MIGRATIONS_DIR, readMigrations } from "@/tooling/db/migrate";
import { actualSchema, diffSchemas, expectedSchema, type SchemaShape } from "@/tooling/db/schema-check";
import type { SqlConn } from "@/tooling/db/sql";
import { connectPglite, connectPostgres, createDatabase, postgresReachable } from "@/tests/support/test-db";

const SCHEMA_PATH = path.join(process.cwd(), "prisma", "schema.prisma");
const INIT = "20261123190000_init";
const FACTS = "20261124000000_dashboard_facts";
const PARTITIONS = "20261207000000_history_partitions";

let expected: SchemaShape;
beforeAll(async () => {
  expected = expectedSchema(await readFile(SCHEMA_PATH, "utf8"));
});

async function connectRunDatabase(): Promise<SqlConn> {
  const url = inject("databaseUrl");
  if (url) return connectPostgres(url);
  const dir = inject("pgliteDir");
  if (!dir) throw new Error("global setup provided neither databaseUrl nor pgliteDir");
  return connectPglite(dir);
}

describe("migrated database matches prisma/schema.prisma", () => {
  it("has no drift", async () => {
    // PGlite allows one connection per process: connect, read, close.
    const conn = await connectRunDatabase();
    let actual: SchemaShape;
    try {
      actual = await actualSchema(conn);
    } finally {
      await conn.close();
    }
    expect(diffSchemas(expected, actual)).toEqual([]);
  });

  it("derives the shape schema.prisma describes (sanity check of the expected side)", () => {
    const customer = expected.tables.find((t) => t.name === "Customer");
    expect(customer?.primaryKey).toEqual({ name: "Customer_pkey", columns: ["id"] });
    expect(customer?.columns.find((c) => c.name === "lifetimeValue")).toEqual({
      name: "lifetimeValue",
      type: "numeric(14,2)",
      nullable: false,
      default: "0",
    });
    expect(expected.indexes.find((i) => i.name === "Recommendation_open_customer_action_key")).toMatchObject({
      table: "Recommendation",
      unique: true,
      columns: ["customerId", "actionTypeId"],
    });
    expect(expected.foreignKeys.find((f) => f.name === "Customer_ownerId_fkey")).toEqual({
      table: "Customer",
      name: "Customer_ownerId_fkey",
      columns: ["ownerId"],
      referencedTable: "User",
      referencedColumns: ["id"],
      onDelete: "RESTRICT",
      onUpdate: "CASCADE",
    });
  });
});

const reachable = await postgresReachable();

describe.skipIf(!reachable)("the checker detects drift", () => {
  let tempRoot: string;
  let initSql: string;
  let factsSql: string;
  const dbs: Array<{ drop: () => Promise<void> }> = [];

  beforeAll(async () => {
    tempRoot = await mkdtemp(path.join(tmpdir(), "nudge-schema-drift-"));
    initSql = await readFile(path.join(MIGRATIONS_DIR, INIT, "migration.sql"), "utf8");
    factsSql = await readFile(path.join(MIGRATIONS_DIR, FACTS, "migration.sql"), "utf8");
  });
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  });

  /** Applies a copy of every migration, with `mutate` applied to one of them (the init one by default), and diffs the result. */
  async function diffAfter(label: string, mutate: (sql: string) => string, migration = INIT): Promise<string[]> {
    const original = migration === INIT ? initSql : migration === FACTS ? factsSql : await readFile(path.join(MIGRATIONS_DIR, migration, "migration.sql"), "utf8");
    const mutated = mutate(original);
    expect(mutated, "the mutation must change the migration").not.toBe(original);
    const dir = path.join(tempRoot, label);
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, migration, "migration.sql"), mutated);
    const db = await createDatabase("nudge_drift");
    dbs.push(db);
    const conn = await connectPostgres(db.url);
    try {
      await migrate(conn, await readMigrations(dir));
      return diffSchemas(expected, await actualSchema(conn));
    } finally {
      await conn.close();
    }
  }

  it("reports a column missing from the migration", async () => {
    const diff = await diffAfter("missing-column", (sql) => sql.replace(/\n\s*"phone" TEXT,/, ""));
    expect(diff).toEqual([`missing column "Customer"."phone" (expected text NULL)`]);
  });

  it("reports a missing or changed trigger", async () => {
    const diff = await diffAfter(
      "trigger",
      (sql) =>
        sql
          .replace(/CREATE TRIGGER "Recommendation_outcomes_insert"[^;]*;/, "")
          .replace(`CREATE TRIGGER "Feedback_facts_insert" AFTER INSERT ON "Feedback"`, `CREATE TRIGGER "Feedback_facts_insert" AFTER INSERT OR UPDATE ON "Feedback"`)
          .replace("REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION nudge_feedback_facts()", "FOR EACH STATEMENT EXECUTE FUNCTION nudge_feedback_facts()"),
      FACTS,
    );
    expect(diff).toEqual([
      `missing trigger "Recommendation_outcomes_insert" on "Recommendation": AFTER INSERT FOR EACH STATEMENT EXECUTE FUNCTION nudge_recommendations_inserted()`,
      `trigger "Feedback_facts_insert" on "Feedback": expected AFTER INSERT FOR EACH STATEMENT EXECUTE FUNCTION nudge_feedback_facts(), found AFTER INSERT OR UPDATE FOR EACH STATEMENT EXECUTE FUNCTION nudge_feedback_facts()`,
    ]);
  });

  it("reports a partitioned table without its DEFAULT partition", async () => {
    const diff = await diffAfter("partitioning", (sql) => sql.replace(`CREATE TABLE "UsageEvent_default" PARTITION OF "UsageEvent" DEFAULT;`, ""), PARTITIONS);
    expect(diff).toEqual([`partitioning of "UsageEvent": expected RANGE (at) with a DEFAULT partition, found RANGE (at)`]);
  });

  it("reports a missing index", async () => {
    const diff = await diffAfter("missing-index", (sql) =>
      sql.replace(`CREATE INDEX "Customer_ownerId_idx" ON "Customer"("ownerId");`, ""),
    );
    expect(diff).toEqual([`missing index "Customer_ownerId_idx" on "Customer"(ownerId)`]);
  });

  it("reports a changed column type, nullability and default", async () => {
    const diff = await diffAfter("changed-type", (sql) =>
      sql
        .replace(`"segment" TEXT NOT NULL,`, `"segment" VARCHAR(40),`)
        .replace(`"cooldownDays" INTEGER NOT NULL DEFAULT 14,`, `"cooldownDays" INTEGER NOT NULL DEFAULT 15,`),
    );
    expect(diff).toEqual([
      `column "ActionType"."cooldownDays": expected integer NOT NULL DEFAULT 14, found integer NOT NULL DEFAULT 15`,
      `column "Customer"."segment": expected text NOT NULL, found character varying(40) NULL`,
    ]);
  });

  it("reports a changed partial-index predicate, enum order and foreign key action", async () => {
    const diff = await diffAfter("changed-extras", (sql) =>
      sql
        .replace(`WHERE "status" IN ('PENDING', 'ACCEPTED', 'SNOOZED')`, `WHERE "status" IN ('PENDING', 'ACCEPTED')`)
        .replace(`('REP', 'MANAGER', 'ADMIN')`, `('REP', 'ADMIN', 'MANAGER')`)
        .replace(
          `REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n\n-- AddForeignKey\nALTER TABLE "CustomerEvent"`,
          `REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;\n\n-- AddForeignKey\nALTER TABLE "CustomerEvent"`,
        ),
    );
    expect(diff).toHaveLength(3);
    expect(diff).toContain(`enum "Role": expected [REP, MANAGER, ADMIN], found [REP, ADMIN, MANAGER]`);
    expect(diff.some((l) => l.startsWith(`foreign key "Customer_ownerId_fkey": expected`) && l.endsWith("found \"Customer\"(ownerId) -> \"User\"(id) ON DELETE CASCADE ON UPDATE CASCADE"))).toBe(true);
    expect(diff.some((l) => l.startsWith(`index "Recommendation_open_customer_action_key": expected`))).toBe(true);
  });

  it("finds no drift for a Prisma-style migration of the fixture schema (every type, default and index kind)", async () => {
    const fixtures = path.join(process.cwd(), "tests", "fixtures", "schema");
    const db = await createDatabase("nudge_fixture");
    dbs.push(db);
    const conn = await connectPostgres(db.url);
    try {
      await conn.exec(await readFile(path.join(fixtures, "tiny.sql"), "utf8"));
      const fixtureExpected = expectedSchema(await readFile(path.join(fixtures, "tiny.prisma"), "utf8"), []);
      expect(diffSchemas(fixtureExpected, await actualSchema(conn))).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  it("reports objects the schema does not declare", async () => {
    const diff = await diffAfter("unexpected", (sql) =>
      `${sql}\nALTER TABLE "User" ADD COLUMN "foo" INTEGER;\nCREATE INDEX "User_name_idx" ON "User"("name");\nCREATE TABLE "Stray" ("id" INTEGER);\n`,
    );
    expect(diff).toEqual([
      `unexpected column "User"."foo" (integer NULL)`,
      `unexpected index "User_name_idx" on "User"(name)`,
      `unexpected table "Stray"`,
    ]);
  });
});
