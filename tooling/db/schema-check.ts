// Schema drift check without Prisma's schema engine.
//
// Prisma's Rust schema engine cannot be installed here, so migrations are
// hand-written SQL. This module derives, from prisma/schema.prisma, the
// Postgres objects `prisma migrate` would create (tables, columns with type /
// nullability / default, primary keys, unique and normal indexes, foreign keys,
// enums) plus the migration-only objects in ./schema-extras, reads the same
// shape from a live database's catalog, and diffs the two into readable lines.
// A faithful migration yields an empty diff.
//
// Known limits (none are used by this project's schema): relation `map:` names
// are not exposed by the DMMF, so foreign keys always get Prisma's default name;
// relationMode = "prisma", multiSchema, views and index operator classes are
// not modelled.
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { z } from "zod";
import { SCHEMA_EXTRAS, type SchemaExtra } from "./schema-extras";
import type { SqlConn } from "./sql";

// ---------------------------------------------------------------------------
// Shape

export interface ColumnShape {
  name: string;
  /** Postgres type as format_type() prints it, without identifier quotes: `text`, `timestamp(3) without time zone`, `Role[]`. */
  type: string;
  nullable: boolean;
  /** Default expression, or null for none. */
  default: string | null;
  /** Expected side only: the default is not derivable (e.g. `dbgenerated()` without an argument), so it is not compared. */
  ignoreDefault?: boolean;
}

export interface PrimaryKeyShape {
  name: string;
  columns: string[];
}

export interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: PrimaryKeyShape | null;
}

export interface IndexShape {
  table: string;
  name: string;
  /** Column names (or expressions) in order; descending keys end in " DESC". */
  columns: string[];
  unique: boolean;
  /** Access method: btree, hash, gin, gist, spgist, brin. */
  method: string;
  /** WHERE clause of a partial index. */
  predicate: string | null;
}

export type FkAction = "CASCADE" | "RESTRICT" | "NO ACTION" | "SET NULL" | "SET DEFAULT";

export interface ForeignKeyShape {
  table: string;
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: FkAction;
  onUpdate: FkAction;
}

export interface EnumShape {
  name: string;
  values: string[];
}

export interface CheckShape {
  table: string;
  name: string;
  definition: string;
}

export interface TriggerShape {
  table: string;
  name: string;
  /** e.g. `AFTER INSERT FOR EACH STATEMENT EXECUTE FUNCTION nudge_usage_days()` */
  definition: string;
}

export interface PartitioningShape {
  table: string;
  /** e.g. `RANGE (occurredAt) with a DEFAULT partition` */
  definition: string;
}

export interface SchemaShape {
  tables: TableShape[];
  /** Partitioned tables (their partitions are not part of the shape). Optional for shapes written by hand. */
  partitioning?: PartitioningShape[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
  enums: EnumShape[];
  checks: CheckShape[];
  triggers: TriggerShape[];
}

function describePartitioning(strategy: string, columns: readonly string[], hasDefault: boolean): string {
  return `${strategy} (${columns.join(", ")})${hasDefault ? " with a DEFAULT partition" : ""}`;
}

function describeTrigger(t: { timing: string; events: readonly string[]; level: string; fn: string }): string {
  return `${t.timing} ${t.events.join(" OR ")} FOR EACH ${t.level} EXECUTE FUNCTION ${t.fn}()`;
}

// ---------------------------------------------------------------------------
// The parts of Prisma's DMMF this module reads

const dmmfDefault = z.union([
  z.object({ name: z.string(), args: z.array(z.unknown()) }),
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.unknown()),
]);
type DmmfDefault = z.infer<typeof dmmfDefault>;

const referentialAction = z.enum(["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"]);
type ReferentialAction = z.infer<typeof referentialAction>;

const dmmfField = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.enum(["scalar", "enum", "object", "unsupported"]),
  type: z.string(),
  isList: z.boolean(),
  isRequired: z.boolean(),
  hasDefaultValue: z.boolean(),
  default: dmmfDefault.optional(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  isUpdatedAt: z.boolean().optional(),
  relationName: z.string().nullish(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: referentialAction.optional(),
  relationOnUpdate: referentialAction.optional(),
});
type DmmfField = z.infer<typeof dmmfField>;

const dmmfModel = z.object({
  name: z.string(),
  dbName: z.string().nullable(),
  fields: z.array(dmmfField),
});
type DmmfModel = z.infer<typeof dmmfModel>;

const dmmfEnum = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  values: z.array(z.object({ name: z.string(), dbName: z.string().nullish() })),
});
type DmmfEnum = z.infer<typeof dmmfEnum>;

const dmmfIndex = z.object({
  model: z.string(),
  type: z.enum(["id", "unique", "normal", "fulltext"]),
  dbName: z.string().nullish(),
  algorithm: z.string().nullish(),
  fields: z.array(z.object({ name: z.string(), sortOrder: z.enum(["asc", "desc"]).nullish() })),
});

const dmmfDocument = z.object({
  datamodel: z.object({
    enums: z.array(dmmfEnum),
    models: z.array(dmmfModel),
    indexes: z.array(dmmfIndex),
  }),
});
export type Dmmf = z.infer<typeof dmmfDocument>;

/** Parses a Prisma schema with Prisma's own (Wasm) parser; throws the validation errors, without ANSI colours. */
export function parseDmmf(schemaPrismaText: string): Dmmf {
  let raw: string;
  try {
    raw = get_dmmf(JSON.stringify({ prismaSchema: schemaPrismaText }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    let detail = message;
    try {
      const parsed: unknown = JSON.parse(message);
      if (parsed && typeof parsed === "object" && "message" in parsed && typeof parsed.message === "string") detail = parsed.message;
    } catch {
      // not JSON: keep the raw message
    }
    throw new Error(`Invalid Prisma schema: ${detail.replace(/\u001b\[[0-9;]*m/g, "")}`);
  }
  return dmmfDocument.parse(JSON.parse(raw));
}

// ---------------------------------------------------------------------------
// Expected shape (what `prisma migrate` would create)

const PG_MAX_IDENTIFIER = 63;

function byteLength(s: string) {
  return Buffer.byteLength(s, "utf8");
}

/** Cuts `s` to at most `bytes` UTF-8 bytes without splitting a character (Prisma's floor_char_boundary). */
function truncateBytes(s: string, bytes: number): string {
  let out = "";
  for (const ch of s) {
    if (byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

/** Prisma's default constraint names (psl ConstraintNames), truncated to Postgres' 63-byte identifiers. */
export const constraintNames = {
  primaryKey(table: string): string {
    const limit = PG_MAX_IDENTIFIER - "_pkey".length;
    return `${byteLength(table) >= limit ? truncateBytes(table, limit) : table}_pkey`;
  },
  withColumns(table: string, columns: readonly string[], suffix: "_key" | "_idx" | "_fkey"): string {
    const limit = PG_MAX_IDENTIFIER - suffix.length;
    const joined = `${table}_${columns.join("_")}`;
    return `${byteLength(joined) >= limit ? truncateBytes(joined, limit) : joined}${suffix}`;
  },
  unique(table: string, columns: readonly string[]) {
    return this.withColumns(table, columns, "_key");
  },
  index(table: string, columns: readonly string[]) {
    return this.withColumns(table, columns, "_idx");
  },
  foreignKey(table: string, columns: readonly string[]) {
    return this.withColumns(table, columns, "_fkey");
  },
};

/** Postgres' makeObjectName, as used for SERIAL sequences: `<table>_<column>_seq`, the longer part chopped first. */
function serialSequenceName(table: string, column: string): string {
  const avail = PG_MAX_IDENTIFIER - "seq".length - 2;
  let t = table.length;
  let c = column.length;
  while (t + c > avail) {
    if (t > c) t--;
    else c--;
  }
  return `${table.slice(0, t)}_${column.slice(0, c)}_seq`;
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Boolean: "boolean",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

function withArgs(base: string, args: readonly string[], fallback = ""): string {
  return args.length ? `${base}(${args.join(",")})` : `${base}${fallback}`;
}

/** `@db.X(args)` as format_type() prints the resulting column type. */
function nativeTypeSql(name: string, args: readonly string[]): string {
  switch (name) {
    case "Text":
      return "text";
    case "Char":
      return withArgs("character", args, "(1)");
    case "VarChar":
      return withArgs("character varying", args);
    case "Bit":
      return withArgs("bit", args, "(1)");
    case "VarBit":
      return withArgs("bit varying", args);
    case "Uuid":
    case "Xml":
    case "Inet":
    case "Citext":
    case "Boolean":
    case "Integer":
    case "SmallInt":
    case "BigInt":
    case "Oid":
    case "Real":
    case "Money":
    case "Date":
    case "Json":
    case "ByteA":
      return name === "Json" ? "json" : name === "ByteA" ? "bytea" : name.toLowerCase();
    case "JsonB":
      return "jsonb";
    case "DoublePrecision":
      return "double precision";
    case "Decimal":
      return withArgs("numeric", args);
    case "Timestamp":
      return `${withArgs("timestamp", args)} without time zone`;
    case "Timestamptz":
      return `${withArgs("timestamp", args)} with time zone`;
    case "Time":
      return `${withArgs("time", args)} without time zone`;
    case "Timetz":
      return `${withArgs("time", args)} with time zone`;
    default:
      return withArgs(name.toLowerCase(), args);
  }
}

function isCallDefault(d: DmmfDefault): d is { name: string; args: unknown[] } {
  return typeof d === "object" && !Array.isArray(d);
}

interface ModelInfo {
  model: DmmfModel;
  table: string;
  column: (fieldName: string) => string;
}

function modelInfo(model: DmmfModel): ModelInfo {
  const byName = new Map(model.fields.map((f) => [f.name, f]));
  return {
    model,
    table: model.dbName ?? model.name,
    column: (fieldName) => {
      const f = byName.get(fieldName);
      if (!f) throw new Error(`Model ${model.name} has no field ${fieldName}`);
      return f.dbName ?? f.name;
    },
  };
}

function expectedColumn(field: DmmfField, table: string, enums: Map<string, DmmfEnum>): ColumnShape {
  const name = field.dbName ?? field.name;
  const enumDef = field.kind === "enum" ? enums.get(field.type) : undefined;
  let base: string;
  if (field.kind === "enum") base = enumDef?.dbName ?? field.type;
  else if (field.nativeType) base = nativeTypeSql(field.nativeType[0], field.nativeType[1]);
  else base = SCALAR_TYPES[field.type] ?? field.type.toLowerCase();
  const type = field.isList ? `${base}[]` : base;
  // Prisma never puts NOT NULL on scalar lists.
  const nullable = field.isList || !field.isRequired;

  const literal = (v: unknown): string => {
    if (enumDef && typeof v === "string") {
      const value = enumDef.values.find((x) => x.name === v);
      return quoteLiteral(value?.dbName ?? v);
    }
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (typeof v === "string") {
      if (field.type === "Int" || field.type === "BigInt" || field.type === "Float" || field.type === "Decimal") return v;
      if (field.type === "Bytes") return quoteLiteral(`\\x${Buffer.from(v, "base64").toString("hex")}`);
      return quoteLiteral(v);
    }
    return quoteLiteral(JSON.stringify(v));
  };

  const shape: ColumnShape = { name, type, nullable, default: null };
  const d = field.hasDefaultValue ? field.default : undefined;
  if (d === undefined) return shape;
  if (isCallDefault(d)) {
    switch (d.name) {
      case "autoincrement":
        shape.default = `nextval(${quoteLiteral(quoteIdent(serialSequenceName(table, name)))}::regclass)`;
        break;
      case "now":
        shape.default = "CURRENT_TIMESTAMP";
        break;
      case "dbgenerated": {
        const expr = d.args[0];
        if (typeof expr === "string" && expr.length > 0) shape.default = expr;
        else shape.ignoreDefault = true;
        break;
      }
      case "uuid":
      case "cuid":
      case "nanoid":
      case "ulid":
        // Generated by Prisma Client, not by the database.
        break;
      default:
        shape.ignoreDefault = true;
    }
  } else if (Array.isArray(d)) {
    shape.default = `ARRAY[${d.map(literal).join(", ")}]`;
  } else {
    shape.default = literal(d);
  }
  return shape;
}

const ACTION_SQL: Record<ReferentialAction, FkAction> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

/** The Postgres shape `prisma migrate` creates for a schema.prisma, plus the migration-only extras. */
export function expectedSchema(schemaPrismaText: string, extras: readonly SchemaExtra[] = SCHEMA_EXTRAS): SchemaShape {
  const { datamodel } = parseDmmf(schemaPrismaText);
  const enums = new Map(datamodel.enums.map((e) => [e.name, e]));
  const models = new Map(datamodel.models.map((m) => [m.name, modelInfo(m)]));
  const info = (name: string): ModelInfo => {
    const m = models.get(name);
    if (!m) throw new Error(`Unknown model ${name}`);
    return m;
  };

  const shape: SchemaShape = {
    tables: [],
    indexes: [],
    foreignKeys: [],
    enums: datamodel.enums.map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) })),
    checks: [],
    triggers: [],
    partitioning: [],
  };

  const tables = new Map<string, TableShape>();
  for (const { model, table } of models.values()) {
    const t: TableShape = {
      name: table,
      columns: model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum").map((f) => expectedColumn(f, table, enums)),
      primaryKey: null,
    };
    tables.set(model.name, t);
    shape.tables.push(t);
  }

  for (const idx of datamodel.indexes) {
    const m = info(idx.model);
    const columns = idx.fields.map((f) => m.column(f.name));
    const keyed = idx.fields.map((f, i) => `${columns[i] ?? f.name}${f.sortOrder === "desc" ? " DESC" : ""}`);
    if (idx.type === "id") {
      const t = tables.get(idx.model);
      if (t) t.primaryKey = { name: idx.dbName ?? constraintNames.primaryKey(m.table), columns };
    } else if (idx.type === "unique" || idx.type === "normal") {
      const unique = idx.type === "unique";
      shape.indexes.push({
        table: m.table,
        name: idx.dbName ?? (unique ? constraintNames.unique(m.table, columns) : constraintNames.index(m.table, columns)),
        columns: keyed,
        unique,
        method: (idx.algorithm ?? "btree").toLowerCase(),
        predicate: null,
      });
    }
  }

  // Foreign keys live on the side of the relation that holds `fields: [...]`.
  const implicitManyToMany = new Map<string, string[]>();
  for (const m of models.values()) {
    for (const f of m.model.fields) {
      if (f.kind !== "object") continue;
      const from = f.relationFromFields ?? [];
      if (from.length > 0) {
        const target = info(f.type);
        const columns = from.map((n) => m.column(n));
        shape.foreignKeys.push({
          table: m.table,
          name: constraintNames.foreignKey(m.table, columns),
          columns,
          referencedTable: target.table,
          referencedColumns: (f.relationToFields ?? []).map((n) => target.column(n)),
          onDelete: ACTION_SQL[f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull")],
          onUpdate: ACTION_SQL[f.relationOnUpdate ?? "Cascade"],
        });
      } else if (f.isList && f.relationName) {
        const other = info(f.type).model.fields.find((o) => o.relationName === f.relationName && o !== f);
        if (other?.isList) {
          const sides = implicitManyToMany.get(f.relationName) ?? [];
          sides.push(m.model.name);
          implicitManyToMany.set(f.relationName, sides);
        }
      }
    }
  }
  // Implicit many-to-many: a `_<Relation>` join table with columns A and B.
  for (const [relation, sides] of implicitManyToMany) {
    const [a, b] = [...sides].sort();
    if (!a || !b) continue;
    const table = `_${relation}`;
    const columns: ColumnShape[] = [];
    for (const [col, modelName] of [
      ["A", a],
      ["B", b],
    ] as const) {
      const target = info(modelName);
      const idField = target.model.fields.find((x) =>
        datamodel.indexes.some((i) => i.model === modelName && i.type === "id" && i.fields.length === 1 && i.fields[0]?.name === x.name),
      );
      if (!idField) continue;
      columns.push({ ...expectedColumn({ ...idField, hasDefaultValue: false, isList: false, isRequired: true }, table, enums), name: col });
      shape.foreignKeys.push({
        table,
        name: constraintNames.foreignKey(table, [col]),
        columns: [col],
        referencedTable: target.table,
        referencedColumns: [idField.dbName ?? idField.name],
        onDelete: "CASCADE",
        onUpdate: "CASCADE",
      });
    }
    shape.tables.push({ name: table, columns, primaryKey: { name: `${table}_AB_pkey`, columns: ["A", "B"] } });
    shape.indexes.push({ table, name: `${table}_B_index`, columns: ["B"], unique: false, method: "btree", predicate: null });
  }

  for (const extra of extras) {
    if (extra.kind === "partitioning") {
      shape.partitioning?.push({ table: extra.table, definition: describePartitioning(extra.strategy, extra.columns, extra.defaultPartition) });
      continue;
    }
    if (extra.kind === "trigger") {
      shape.triggers.push({ table: extra.table, name: extra.name, definition: describeTrigger({ ...extra, fn: extra.function }) });
      continue;
    }
    shape.indexes.push({
      table: extra.table,
      name: extra.name,
      columns: [...extra.columns],
      unique: extra.unique,
      method: extra.method ?? "btree",
      predicate: extra.predicate,
    });
  }
  return shape;
}

// ---------------------------------------------------------------------------
// Actual shape (read from the database catalog)

function stringArray(v: unknown): string[] {
  const parsed: unknown = typeof v === "string" ? JSON.parse(v) : v;
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

/** `"customerId"` -> customerId; expressions are left alone. */
function unquoteIdentifier(s: string): string {
  const m = /^"((?:[^"]|"")*)"(.*)$/.exec(s);
  return m ? `${(m[1] ?? "").replace(/""/g, '"')}${m[2] ?? ""}` : s;
}

const FK_ACTIONS: Record<string, FkAction> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** Reads tables, columns, keys, indexes, foreign keys, check constraints and enums of one schema (default `public`), ignoring `_prisma_migrations`. */
export async function actualSchema(conn: SqlConn, schema = "public"): Promise<SchemaShape> {
  const tableRows = await conn.query<{ table_name: string }>(
    `SELECT c.relname AS table_name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname`,
    [schema],
  );
  const columnRows = await conn.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    not_null: boolean;
    column_default: string | null;
    identity: string;
    generated: string;
  }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS column_default,
            a.attidentity::text AS identity, a.attgenerated::text AS generated
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const indexRows = await conn.query<{
    table_name: string;
    index_name: string;
    is_unique: boolean;
    is_primary: boolean;
    method: string;
    predicate: string | null;
    columns: unknown;
  }>(
    `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
            am.amname AS method, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
            (SELECT json_agg(pg_get_indexdef(ix.indexrelid, k, true)
                             || CASE WHEN (ix.indoption[k - 1] & 1) = 1 THEN ' DESC' ELSE '' END ORDER BY k)
               FROM generate_series(1, ix.indnkeyatts) AS k) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_am am ON am.oid = i.relam
      WHERE n.nspname = $1 AND t.relkind IN ('r', 'p') AND NOT t.relispartition AND t.relname <> '_prisma_migrations'
      ORDER BY t.relname, i.relname`,
    [schema],
  );
  const constraintRows = await conn.query<{
    name: string;
    kind: string;
    table_name: string;
    ref_table: string | null;
    on_delete: string;
    on_update: string;
    definition: string;
    columns: unknown;
    ref_columns: unknown;
  }>(
    `SELECT con.conname AS name, con.contype::text AS kind, t.relname AS table_name, rt.relname AS ref_table,
            con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
            pg_get_constraintdef(con.oid, true) AS definition,
            (SELECT json_agg(a.attname ORDER BY k.ord)
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT json_agg(a.attname ORDER BY k.ord)
               FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_class rt ON rt.oid = con.confrelid
      WHERE n.nspname = $1 AND con.contype IN ('f', 'c', 'x') AND NOT t.relispartition AND t.relname <> '_prisma_migrations'
      ORDER BY t.relname, con.conname`,
    [schema],
  );
  const enumRows = await conn.query<{ name: string; values: unknown }>(
    `SELECT t.typname AS name, json_agg(e.enumlabel ORDER BY e.enumsortorder) AS values
       FROM pg_type t
       JOIN pg_namespace n ON n.oid = t.typnamespace
       JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE n.nspname = $1
      GROUP BY t.typname
      ORDER BY t.typname`,
    [schema],
  );

  const triggerRows = await conn.query<{ name: string; table_name: string; type: number; fn: string }>(
    `SELECT tg.tgname AS name, c.relname AS table_name, tg.tgtype::int AS type, p.proname AS fn
       FROM pg_trigger tg
       JOIN pg_class c ON c.oid = tg.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = tg.tgfoid
      WHERE n.nspname = $1 AND NOT tg.tgisinternal AND NOT c.relispartition
      ORDER BY c.relname, tg.tgname`,
    [schema],
  );
  // Partitioned tables: strategy and key (pg_get_partkeydef: `RANGE ("occurredAt")`), and whether a DEFAULT partition exists.
  const partitionRows = await conn.query<{ table_name: string; keydef: string; has_default: boolean }>(
    `SELECT c.relname AS table_name, pg_get_partkeydef(c.oid) AS keydef, pt.partdefid <> 0 AS has_default
       FROM pg_partitioned_table pt
       JOIN pg_class c ON c.oid = pt.partrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND NOT c.relispartition
      ORDER BY c.relname`,
    [schema],
  );
  const partitioning: PartitioningShape[] = partitionRows.map((r) => {
    const m = /^(\w+)\s*\((.*)\)$/.exec(r.keydef.trim());
    const columns = (m?.[2] ?? r.keydef).split(",").map((c) => unquoteIdentifier(c.trim()));
    return { table: r.table_name, definition: describePartitioning(m?.[1] ?? "?", columns, r.has_default) };
  });
  // pg_trigger.tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 64 instead of.
  const triggers: TriggerShape[] = triggerRows.map((r) => ({
    table: r.table_name,
    name: r.name,
    definition: describeTrigger({
      timing: r.type & 64 ? "INSTEAD OF" : r.type & 2 ? "BEFORE" : "AFTER",
      events: [r.type & 4 ? "INSERT" : null, r.type & 16 ? "UPDATE" : null, r.type & 8 ? "DELETE" : null].filter((e): e is string => e !== null),
      level: r.type & 1 ? "ROW" : "STATEMENT",
      fn: r.fn,
    }),
  }));

  const tables = new Map<string, TableShape>(tableRows.map((r) => [r.table_name, { name: r.table_name, columns: [], primaryKey: null }]));
  for (const r of columnRows) {
    let def = r.column_default;
    if (r.identity === "a") def = "GENERATED ALWAYS AS IDENTITY";
    else if (r.identity === "d") def = "GENERATED BY DEFAULT AS IDENTITY";
    else if (r.generated === "s") def = `GENERATED ALWAYS AS (${def ?? ""}) STORED`;
    tables.get(r.table_name)?.columns.push({
      name: r.column_name,
      type: r.data_type.replace(/"/g, ""),
      nullable: !r.not_null,
      default: def,
    });
  }

  const indexes: IndexShape[] = [];
  for (const r of indexRows) {
    const columns = stringArray(r.columns).map(unquoteIdentifier);
    if (r.is_primary) {
      const t = tables.get(r.table_name);
      if (t) t.primaryKey = { name: r.index_name, columns };
      continue;
    }
    indexes.push({ table: r.table_name, name: r.index_name, columns, unique: r.is_unique, method: r.method, predicate: r.predicate });
  }

  const foreignKeys: ForeignKeyShape[] = [];
  const checks: CheckShape[] = [];
  for (const r of constraintRows) {
    if (r.kind === "f") {
      foreignKeys.push({
        table: r.table_name,
        name: r.name,
        columns: stringArray(r.columns),
        referencedTable: r.ref_table ?? "?",
        referencedColumns: stringArray(r.ref_columns),
        onDelete: FK_ACTIONS[r.on_delete] ?? "NO ACTION",
        onUpdate: FK_ACTIONS[r.on_update] ?? "NO ACTION",
      });
    } else {
      checks.push({ table: r.table_name, name: r.name, definition: r.definition });
    }
  }

  return {
    tables: [...tables.values()],
    indexes,
    foreignKeys,
    enums: enumRows.map((r) => ({ name: r.name, values: stringArray(r.values) })),
    checks,
    triggers,
    partitioning,
  };
}

// ---------------------------------------------------------------------------
// Normalisation of SQL expressions (defaults, index predicates)

const CAST =
  /::\s*(?:\u0001\d+\u0001|[a-z_][a-z0-9_]*(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\s+(?:varying|precision|without\s+time\s+zone|with\s+time\s+zone))?)(?:\s*\[\s*\])*/gi;
const KEYWORDS = /\b(and|or|not|in|is|null|any|array|current_timestamp)\b/gi;

/**
 * Canonical text of a SQL expression for comparison: casts dropped, needless
 * identifier quotes dropped, keywords upper-cased, whitespace and redundant outer
 * parentheses removed, `x = ANY (ARRAY[...])` written as `x IN (...)` (anywhere), `now()`
 * as CURRENT_TIMESTAMP. Literals are kept verbatim.
 */
export function normalizeExpression(expr: string): string {
  const literals: string[] = [];
  const idents: string[] = [];
  let code = "";
  for (let i = 0; i < expr.length; ) {
    const ch = expr[i];
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < expr.length) {
        if (expr[j] === ch) {
          if (expr[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      const token = expr.slice(i, j + 1);
      if (ch === "'") {
        literals.push(token);
        code += `\u0000${literals.length - 1}\u0000`;
      } else {
        const inner = token.slice(1, -1).replace(/""/g, '"');
        if (/^[a-z_][a-z0-9_$]*$/.test(inner)) code += inner;
        else {
          idents.push(token);
          code += `\u0001${idents.length - 1}\u0001`;
        }
      }
      i = j + 1;
    } else {
      code += ch;
      i++;
    }
  }
  code = code
    .replace(CAST, "")
    .replace(/\s+/g, " ")
    .replace(/\s*,\s*/g, ", ")
    .replace(/\(\s+/g, "(")
    .replace(/\s+\)/g, ")")
    .replace(KEYWORDS, (k) => k.toUpperCase())
    .replace(/\bnow\(\)/gi, "CURRENT_TIMESTAMP")
    .trim();
  code = stripOuterParens(code);
  const any = /^(.+?) = ANY \(ARRAY\[(.*)\]\)$/.exec(code);
  if (any) code = `${any[1]} IN (${any[2]})`;
  // Inside a larger expression (e.g. `(NOT a) AND (status = ANY (ARRAY[...]))`): a plain operand before it.
  code = code.replace(/([\w\u0001\d.]+) = ANY \(ARRAY\[([^\]]*)\]\)/g, "$1 IN ($2)");
  return code
    .replace(/\u0000(\d+)\u0000/g, (_, n: string) => literals[Number(n)] ?? "")
    .replace(/\u0001(\d+)\u0001/g, (_, n: string) => idents[Number(n)] ?? "");
}

function stripOuterParens(s: string): string {
  let out = s;
  while (out.startsWith("(") && out.endsWith(")")) {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < out.length; i++) {
      if (out[i] === "(") depth++;
      else if (out[i] === ")") depth--;
      if (depth === 0 && i < out.length - 1) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    out = out.slice(1, -1).trim();
  }
  return out;
}

function canonicalNumber(n: string): string {
  let s = n.trim();
  const negative = s.startsWith("-");
  s = s.replace(/^[+-]/, "");
  if (/e/i.test(s)) return String(Number(n));
  let [int = "", frac = ""] = s.split(".");
  int = int.replace(/^0+(?=\d)/, "") || "0";
  frac = frac.replace(/0+$/, "");
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== "0" ? `-${body}` : body;
}

/** Canonical text of a column default, aware of the column type (numbers, JSON and timestamps compare by value). */
export function normalizeDefault(expr: string | null, type: string): string | null {
  if (expr === null) return null;
  const seq = /^nextval\('(.*)'::regclass\)$/i.exec(expr.trim());
  if (seq) return `nextval(${unquoteIdentifier((seq[1] ?? "").replace(/''/g, "'"))})`;
  const e = normalizeExpression(expr);
  const literal = /^'((?:[^']|'')*)'$/.exec(e);
  const text = literal ? (literal[1] ?? "").replace(/''/g, "'") : null;
  const baseType = type.replace(/\[\]$/, "");
  const isArray = type.endsWith("[]");
  if (!isArray && /^(integer|bigint|smallint|real|double precision|numeric|money)/.test(baseType)) {
    const num = text ?? e;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(num)) return canonicalNumber(num);
  }
  if (!isArray && /^jsonb?$/.test(baseType) && text !== null) {
    try {
      return `'${JSON.stringify(JSON.parse(text))}'`;
    } catch {
      return e;
    }
  }
  if (!isArray && /^(timestamp|date)/.test(baseType) && text !== null) {
    const withZone = /(z|[+-]\d{2}(:?\d{2})?)$/i.test(text) ? text : `${text}Z`;
    const ms = Date.parse(withZone.replace(" ", "T").replace(/ (?=[+-]\d)/, ""));
    if (!Number.isNaN(ms)) return `'${new Date(ms).toISOString()}'`;
  }
  return e;
}

// ---------------------------------------------------------------------------
// Diff

function normalizeType(t: string): string {
  return t.replace(/"/g, "").replace(/\s+/g, " ").trim();
}

function describeColumn(c: ColumnShape): string {
  return `${c.type} ${c.nullable ? "NULL" : "NOT NULL"}${c.default !== null && !c.ignoreDefault ? ` DEFAULT ${c.default}` : ""}`;
}

function describeIndex(i: IndexShape): string {
  return `${i.unique ? "UNIQUE " : ""}on "${i.table}"(${i.columns.join(", ")})${i.method !== "btree" ? ` USING ${i.method}` : ""}${
    i.predicate ? ` WHERE ${i.predicate}` : ""
  }`;
}

function describeForeignKey(f: ForeignKeyShape): string {
  return `"${f.table}"(${f.columns.join(", ")}) -> "${f.referencedTable}"(${f.referencedColumns.join(", ")}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`;
}

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  return new Map(items.map((i) => [key(i), i]));
}

/**
 * Differences between the expected and the actual schema, one readable line each
 * (sorted; empty when they match):
 *   missing / unexpected table|column|index|foreign key|enum|check constraint ...
 *   column "T"."c": expected <type> NOT NULL DEFAULT x, found <type> NULL
 *   index "name": expected ..., found ...
 *   primary key of "T": expected "T_pkey"(id), found ...
 *   enum "E": expected [A, B], found [B, A]
 */
export function diffSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
  const lines: string[] = [];

  const actualTables = byKey(actual.tables, (t) => t.name);
  for (const et of expected.tables) {
    const at = actualTables.get(et.name);
    if (!at) {
      lines.push(`missing table "${et.name}"`);
      continue;
    }
    const actualColumns = byKey(at.columns, (c) => c.name);
    for (const ec of et.columns) {
      const ac = actualColumns.get(ec.name);
      if (!ac) {
        lines.push(`missing column "${et.name}"."${ec.name}" (expected ${describeColumn(ec)})`);
        continue;
      }
      const typeOk = normalizeType(ec.type) === normalizeType(ac.type);
      const nullOk = ec.nullable === ac.nullable;
      const defaultOk = ec.ignoreDefault || normalizeDefault(ec.default, ec.type) === normalizeDefault(ac.default, ec.type);
      if (!typeOk || !nullOk || !defaultOk) {
        lines.push(`column "${et.name}"."${ec.name}": expected ${describeColumn(ec)}, found ${describeColumn(ac)}`);
      }
    }
    const expectedColumns = new Set(et.columns.map((c) => c.name));
    for (const ac of at.columns) {
      if (!expectedColumns.has(ac.name)) lines.push(`unexpected column "${et.name}"."${ac.name}" (${describeColumn(ac)})`);
    }
    const describePk = (pk: PrimaryKeyShape | null) => (pk ? `"${pk.name}"(${pk.columns.join(", ")})` : "none");
    if (describePk(et.primaryKey) !== describePk(at.primaryKey)) {
      lines.push(`primary key of "${et.name}": expected ${describePk(et.primaryKey)}, found ${describePk(at.primaryKey)}`);
    }
  }
  const expectedTables = new Set(expected.tables.map((t) => t.name));
  for (const at of actual.tables) {
    if (!expectedTables.has(at.name)) lines.push(`unexpected table "${at.name}"`);
  }

  const indexKey = (i: IndexShape) => `${i.table}\u0000${i.name}`;
  const actualIndexes = byKey(actual.indexes, indexKey);
  for (const ei of expected.indexes) {
    const ai = actualIndexes.get(indexKey(ei));
    if (!ai) {
      lines.push(`missing index "${ei.name}" ${describeIndex(ei)}`);
      continue;
    }
    const same =
      ei.unique === ai.unique &&
      ei.method === ai.method &&
      ei.columns.join(",") === ai.columns.join(",") &&
      (ei.predicate === null) === (ai.predicate === null) &&
      (ei.predicate === null || ai.predicate === null || normalizeExpression(ei.predicate) === normalizeExpression(ai.predicate));
    if (!same) lines.push(`index "${ei.name}": expected ${describeIndex(ei)}, found ${describeIndex(ai)}`);
  }
  const expectedIndexes = new Set(expected.indexes.map(indexKey));
  for (const ai of actual.indexes) {
    if (!expectedIndexes.has(indexKey(ai))) lines.push(`unexpected index "${ai.name}" ${describeIndex(ai)}`);
  }

  const fkKey = (f: ForeignKeyShape) => `${f.table}\u0000${f.name}`;
  const actualFks = byKey(actual.foreignKeys, fkKey);
  for (const ef of expected.foreignKeys) {
    const af = actualFks.get(fkKey(ef));
    if (!af) lines.push(`missing foreign key "${ef.name}" ${describeForeignKey(ef)}`);
    else if (describeForeignKey(ef) !== describeForeignKey(af)) {
      lines.push(`foreign key "${ef.name}": expected ${describeForeignKey(ef)}, found ${describeForeignKey(af)}`);
    }
  }
  const expectedFks = new Set(expected.foreignKeys.map(fkKey));
  for (const af of actual.foreignKeys) {
    if (!expectedFks.has(fkKey(af))) lines.push(`unexpected foreign key "${af.name}" ${describeForeignKey(af)}`);
  }

  const actualEnums = byKey(actual.enums, (e) => e.name);
  for (const ee of expected.enums) {
    const ae = actualEnums.get(ee.name);
    if (!ae) lines.push(`missing enum "${ee.name}" [${ee.values.join(", ")}]`);
    else if (ee.values.join(",") !== ae.values.join(",")) {
      lines.push(`enum "${ee.name}": expected [${ee.values.join(", ")}], found [${ae.values.join(", ")}]`);
    }
  }
  const expectedEnums = new Set(expected.enums.map((e) => e.name));
  for (const ae of actual.enums) {
    if (!expectedEnums.has(ae.name)) lines.push(`unexpected enum "${ae.name}" [${ae.values.join(", ")}]`);
  }

  const checkKey = (c: CheckShape) => `${c.table}\u0000${c.name}`;
  const actualChecks = byKey(actual.checks, checkKey);
  for (const ec of expected.checks) {
    const ac = actualChecks.get(checkKey(ec));
    if (!ac) lines.push(`missing constraint "${ec.name}" on "${ec.table}": ${ec.definition}`);
    else if (normalizeExpression(ec.definition) !== normalizeExpression(ac.definition)) {
      lines.push(`constraint "${ec.name}" on "${ec.table}": expected ${ec.definition}, found ${ac.definition}`);
    }
  }
  const expectedChecks = new Set(expected.checks.map(checkKey));
  for (const ac of actual.checks) {
    if (!expectedChecks.has(checkKey(ac))) lines.push(`unexpected constraint "${ac.name}" on "${ac.table}": ${ac.definition}`);
  }

  const triggerKey = (t: TriggerShape) => `${t.table}\u0000${t.name}`;
  const actualTriggers = byKey(actual.triggers, triggerKey);
  for (const et of expected.triggers) {
    const at = actualTriggers.get(triggerKey(et));
    if (!at) lines.push(`missing trigger "${et.name}" on "${et.table}": ${et.definition}`);
    else if (et.definition !== at.definition) lines.push(`trigger "${et.name}" on "${et.table}": expected ${et.definition}, found ${at.definition}`);
  }
  const expectedTriggers = new Set(expected.triggers.map(triggerKey));
  for (const at of actual.triggers) {
    if (!expectedTriggers.has(triggerKey(at))) lines.push(`unexpected trigger "${at.name}" on "${at.table}": ${at.definition}`);
  }

  const actualPartitioning = byKey(actual.partitioning ?? [], (p) => p.table);
  for (const ep of expected.partitioning ?? []) {
    const ap = actualPartitioning.get(ep.table);
    if (!ap) lines.push(`table "${ep.table}" is not partitioned: expected PARTITION BY ${ep.definition}`);
    else if (ap.definition !== ep.definition) lines.push(`partitioning of "${ep.table}": expected ${ep.definition}, found ${ap.definition}`);
  }
  const expectedPartitioned = new Set((expected.partitioning ?? []).map((p) => p.table));
  for (const ap of actual.partitioning ?? []) {
    if (!expectedPartitioned.has(ap.table)) lines.push(`unexpected partitioning of "${ap.table}": PARTITION BY ${ap.definition}`);
  }

  return lines.sort();
}

/** Convenience: diff a live database against a schema.prisma text. */
export async function checkSchema(conn: SqlConn, schemaPrismaText: string, extras: readonly SchemaExtra[] = SCHEMA_EXTRAS): Promise<string[]> {
  return diffSchemas(expectedSchema(schemaPrismaText, extras), await actualSchema(conn));
}
