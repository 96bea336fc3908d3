// Pure tests of the schema checker: what it derives from a Prisma schema, how it
// words differences, and which cosmetic differences it ignores.
import { describe, expect, it } from "vitest";
import {
  constraintNames,
  diffSchemas,
  expectedSchema,
  normalizeDefault,
  normalizeExpression,
  type SchemaShape,
} from "@/tooling/db/schema-check";
import { SCHEMA_EXTRAS } from "@/tooling/db/schema-extras";

const SCHEMA = `
datasource db {
  provider = "postgresql"
}

enum Role {
  REP
  MANAGER
  ADMIN
}

model User {
  id        String     @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  email     String     @unique
  role      Role       @default(REP)
  age       Int?
  score     Float      @default(1)
  createdAt DateTime   @default(now())
  customers Customer[]
}

model Customer {
  id       Int      @id @default(autoincrement())
  segment  String   @map("segment_name")
  value    Decimal  @default(0) @db.Decimal(14, 2)
  raw      Decimal?
  tags     String[]
  meta     Json?
  birthday DateTime? @db.Date
  active   Boolean  @default(true)
  ownerId  String   @db.Uuid
  owner    User     @relation(fields: [ownerId], references: [id])

  @@index([ownerId])
  @@index([segment, value])
  @@unique([ownerId, segment])
}
`;

const clone = (s: SchemaShape): SchemaShape => structuredClone(s);

describe("expectedSchema", () => {
  const schema = expectedSchema(SCHEMA, []);
  const user = schema.tables.find((t) => t.name === "User");
  const customer = schema.tables.find((t) => t.name === "Customer");
  const column = (table: typeof user, name: string) => table?.columns.find((c) => c.name === name);

  it("maps Prisma types to the Postgres types migrate creates", () => {
    expect(column(user, "id")?.type).toBe("uuid");
    expect(column(user, "email")?.type).toBe("text");
    expect(column(user, "role")?.type).toBe("Role");
    expect(column(user, "age")?.type).toBe("integer");
    expect(column(user, "score")?.type).toBe("double precision");
    expect(column(user, "createdAt")?.type).toBe("timestamp(3) without time zone");
    expect(column(customer, "value")?.type).toBe("numeric(14,2)");
    expect(column(customer, "raw")?.type).toBe("numeric(65,30)");
    expect(column(customer, "tags")?.type).toBe("text[]");
    expect(column(customer, "meta")?.type).toBe("jsonb");
    expect(column(customer, "birthday")?.type).toBe("date");
    expect(column(customer, "active")?.type).toBe("boolean");
  });

  it("uses @map names, and nullability from ? (lists are always nullable)", () => {
    expect(column(customer, "segment")).toBeUndefined();
    expect(column(customer, "segment_name")).toMatchObject({ type: "text", nullable: false });
    expect(column(user, "age")?.nullable).toBe(true);
    expect(column(customer, "tags")?.nullable).toBe(true);
  });

  it("renders defaults as the database stores them", () => {
    expect(column(user, "id")?.default).toBe("gen_random_uuid()");
    expect(column(user, "role")?.default).toBe("'REP'");
    expect(column(user, "score")?.default).toBe("1");
    expect(column(user, "createdAt")?.default).toBe("CURRENT_TIMESTAMP");
    expect(column(user, "email")?.default).toBeNull();
    expect(column(customer, "id")?.default).toBe(`nextval('"Customer_id_seq"'::regclass)`);
    expect(column(customer, "value")?.default).toBe("0");
    expect(column(customer, "active")?.default).toBe("true");
  });

  it("names keys and indexes like Prisma, from database names, in field order", () => {
    expect(user?.primaryKey).toEqual({ name: "User_pkey", columns: ["id"] });
    expect(customer?.primaryKey).toEqual({ name: "Customer_pkey", columns: ["id"] });
    expect(schema.indexes.map((i) => [i.name, i.unique, i.columns])).toEqual([
      ["User_email_key", true, ["email"]],
      ["Customer_ownerId_idx", false, ["ownerId"]],
      ["Customer_segment_name_value_idx", false, ["segment_name", "value"]],
      ["Customer_ownerId_segment_name_key", true, ["ownerId", "segment_name"]],
    ]);
    expect(schema.foreignKeys).toEqual([
      {
        table: "Customer",
        name: "Customer_ownerId_fkey",
        columns: ["ownerId"],
        referencedTable: "User",
        referencedColumns: ["id"],
        onDelete: "RESTRICT", // Prisma's default for a required relation
        onUpdate: "CASCADE",
      },
    ]);
    expect(schema.enums).toEqual([{ name: "Role", values: ["REP", "MANAGER", "ADMIN"] }]);
  });

  it("truncates generated names to Postgres' 63-byte identifiers like Prisma", () => {
    const long = "A".repeat(70);
    expect(constraintNames.primaryKey(long)).toBe(`${"A".repeat(58)}_pkey`);
    expect(constraintNames.index("T", ["x".repeat(70)])).toBe(`T_${"x".repeat(57)}_idx`);
    expect(constraintNames.unique("T", ["a", "b"])).toBe("T_a_b_key");
    expect(constraintNames.foreignKey("T", ["a"])).toBe("T_a_fkey");
    expect(constraintNames.index("T", ["x".repeat(70)])).toHaveLength(63);
  });

  it("adds the migration-only extras by default", () => {
    const withExtras = expectedSchema(SCHEMA);
    for (const extra of SCHEMA_EXTRAS) {
      if (extra.kind === "index") {
        expect(withExtras.indexes).toContainEqual(
          expect.objectContaining({ name: extra.name, table: extra.table, predicate: extra.predicate, unique: extra.unique }),
        );
      } else if (extra.kind === "partitioning") {
        expect(withExtras.partitioning).toContainEqual({
          table: extra.table,
          definition: `${extra.strategy} (${extra.columns.join(", ")})${extra.defaultPartition ? " with a DEFAULT partition" : ""}`,
        });
      } else {
        expect(withExtras.triggers).toContainEqual({
          name: extra.name,
          table: extra.table,
          definition: `${extra.timing} ${extra.events.join(" OR ")} FOR EACH ${extra.level} EXECUTE FUNCTION ${extra.function}()`,
        });
      }
    }
    expect(SCHEMA_EXTRAS.some((e) => e.kind === "trigger")).toBe(true);
    expect(SCHEMA_EXTRAS.some((e) => e.kind === "partitioning")).toBe(true);
  });

  it("reports Prisma's validation errors readably", () => {
    expect(() => expectedSchema("model Broken {\n  id Int @id\n  x Nope\n}\n", [])).toThrow(/Invalid Prisma schema: .*Nope/s);
    try {
      expectedSchema("model Broken {\n  id Int @id\n  x Nope\n}\n", []);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/\u001b\[/);
    }
  });
});

describe("diffSchemas", () => {
  const expected = expectedSchema(SCHEMA, []);

  it("is empty for identical shapes", () => {
    expect(diffSchemas(expected, clone(expected))).toEqual([]);
  });

  it("words column, index, table, foreign key and enum differences", () => {
    const actual = clone(expected);
    const customer = actual.tables.find((t) => t.name === "Customer")!;
    const user = actual.tables.find((t) => t.name === "User")!;
    customer.columns = customer.columns.map((c) => (c.name === "segment_name" ? { ...c, type: "character varying", nullable: true } : c));
    customer.columns = customer.columns.filter((c) => c.name !== "birthday");
    user.columns.push({ name: "foo", type: "integer", nullable: true, default: null });
    user.primaryKey = null;
    actual.indexes = actual.indexes.filter((i) => i.name !== "Customer_ownerId_idx");
    actual.indexes = actual.indexes.map((i) => (i.name === "User_email_key" ? { ...i, unique: false } : i));
    actual.foreignKeys = actual.foreignKeys.map((f) => ({ ...f, onDelete: "CASCADE" as const }));
    actual.enums = [{ name: "Role", values: ["ADMIN", "REP"] }, { name: "Mood", values: ["OK"] }];
    actual.tables.push({ name: "Stray", columns: [], primaryKey: null });

    expect(diffSchemas(expected, actual)).toEqual([
      `column "Customer"."segment_name": expected text NOT NULL, found character varying NULL`,
      `enum "Role": expected [REP, MANAGER, ADMIN], found [ADMIN, REP]`,
      `foreign key "Customer_ownerId_fkey": expected "Customer"(ownerId) -> "User"(id) ON DELETE RESTRICT ON UPDATE CASCADE, found "Customer"(ownerId) -> "User"(id) ON DELETE CASCADE ON UPDATE CASCADE`,
      `index "User_email_key": expected UNIQUE on "User"(email), found on "User"(email)`,
      `missing column "Customer"."birthday" (expected date NULL)`,
      `missing index "Customer_ownerId_idx" on "Customer"(ownerId)`,
      `primary key of "User": expected "User_pkey"(id), found none`,
      `unexpected column "User"."foo" (integer NULL)`,
      `unexpected enum "Mood" [OK]`,
      `unexpected table "Stray"`,
    ]);
  });

  it("reports a missing table once, not per column", () => {
    const actual = clone(expected);
    actual.tables = actual.tables.filter((t) => t.name !== "User");
    expect(diffSchemas(expected, actual)).toEqual([`missing table "User"`]);
  });

  it("ignores cosmetic differences in how Postgres prints defaults and predicates", () => {
    const actual = clone(expected);
    const set = (table: string, column: string, def: string) => {
      const c = actual.tables.find((t) => t.name === table)?.columns.find((x) => x.name === column);
      if (!c) throw new Error(`${table}.${column}`);
      c.default = def;
    };
    set("User", "role", `'REP'::"Role"`);
    set("User", "createdAt", "now()");
    set("User", "score", "1.0");
    set("Customer", "value", "0.00");
    set("Customer", "id", `nextval('"Customer_id_seq"'::regclass)`);
    expect(diffSchemas(expected, actual)).toEqual([]);
  });

  it("compares partial-index predicates after normalising casts, quoting and IN / = ANY", () => {
    const withExtras = expectedSchema(SCHEMA.replace("model Customer {", "model Recommendation {\n  id Int @id\n  customerId String\n  actionTypeId String\n  status String\n}\n\nmodel Customer {"));
    const actual = clone(withExtras);
    const OPEN = "Recommendation_open_customer_action_key";
    actual.indexes = actual.indexes.map((i) =>
      i.name === OPEN
        ? { ...i, predicate: `(status = ANY (ARRAY['PENDING'::"RecommendationStatus", 'ACCEPTED'::"RecommendationStatus", 'SNOOZED'::"RecommendationStatus"]))` }
        : i,
    );
    expect(diffSchemas(withExtras, actual)).toEqual([]);
    actual.indexes = actual.indexes.map((i) => (i.name === OPEN ? { ...i, predicate: `(status = 'PENDING'::"RecommendationStatus")` } : i));
    expect(diffSchemas(withExtras, actual)).toEqual([
      `index "Recommendation_open_customer_action_key": expected UNIQUE on "Recommendation"(customerId, actionTypeId) WHERE "status" IN ('PENDING', 'ACCEPTED', 'SNOOZED'), found UNIQUE on "Recommendation"(customerId, actionTypeId) WHERE (status = 'PENDING'::"RecommendationStatus")`,
    ]);
  });
});

describe("normalizeDefault / normalizeExpression", () => {
  it.each([
    ["numeric(14,2)", "0", "0.00"],
    ["double precision", "-2.5", "'-2.5'::numeric"],
    ["integer", "7", "'7'::integer"],
    ["text", "'it''s'", "'it''s'::text"],
    ["Role", "'REP'", `'REP'::"Role"`],
    ["jsonb", `'{"a":1}'`, `'{"a": 1}'::jsonb`],
    ["timestamp(3) without time zone", "'2020-01-01T00:00:00.000Z'", "'2020-01-01 00:00:00'::timestamp without time zone"],
    ["timestamp(3) without time zone", "CURRENT_TIMESTAMP", "now()"],
    ["integer[]", "ARRAY[1, 2]", "ARRAY[1,2]::INTEGER[]"],
    ["text[]", "ARRAY['a', 'b']", "ARRAY['a'::text, 'b'::text]"],
    ["integer", `nextval('"T_id_seq"'::regclass)`, "nextval('\"T_id_seq\"'::regclass)"],
  ])("%s: %s equals %s", (type, a, b) => {
    expect(normalizeDefault(a, type)).toBe(normalizeDefault(b, type));
  });

  it.each([
    ["integer", "14", "15"],
    ["text", "'a'", "'b'"],
    ["Role", "'REP'", "'ADMIN'"],
    ["boolean", "true", "false"],
    ["integer", "1", null],
  ])("%s: %s differs from %s", (type, a, b) => {
    expect(normalizeDefault(a, type)).not.toBe(normalizeDefault(b, type));
  });

  it("keeps quotes that matter and literals verbatim", () => {
    expect(normalizeExpression(`"customerId" = 'X'::text`)).toBe(`"customerId" = 'X'`);
    expect(normalizeExpression(`"status" in ('a','b')`)).toBe(`status IN ('a', 'b')`);
    expect(normalizeExpression(`'a::b  c'`)).toBe(`'a::b  c'`);
  });

  it("reads Postgres's = ANY (ARRAY[...]) as IN inside a larger predicate", () => {
    const stored = `((NOT "isControl") AND (status = ANY (ARRAY['ACCEPTED'::"RecommendationStatus", 'DONE'::"RecommendationStatus"])))`;
    expect(normalizeExpression(stored)).toBe(normalizeExpression(`(NOT "isControl") AND ("status" IN ('ACCEPTED', 'DONE'))`));
    expect(normalizeExpression(stored)).not.toBe(normalizeExpression(`(NOT "isControl") AND ("status" IN ('ACCEPTED'))`));
  });
});
