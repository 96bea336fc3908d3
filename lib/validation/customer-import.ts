import { z } from "zod";
import { apiCustomerSchema, issuesToDetails, type ApiCustomer } from "./api";
import { parseCsv } from "./csv";

// A CSV file of customers, read row by row into the same shape (and checked
// by the same zod schema, apiCustomerSchema) as POST /api/v1/customers, so a
// file and an API call accept and refuse exactly the same values. Pure: the
// owner check and the writes are in lib/services/customer-import.ts.

/** The columns a file may have, by field name (the header names them; case, spaces, _ and - are ignored). */
export const IMPORT_COLUMNS = [
  "externalId",
  "name",
  "segment",
  "ownerEmail",
  "email",
  "phone",
  "company",
  "birthday",
  "renewalDate",
  "lifetimeValue",
  "doNotContact",
  "marketingOptOut",
] as const satisfies readonly (keyof ApiCustomer)[];
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const REQUIRED_COLUMNS = ["externalId", "name", "segment", "ownerEmail"] as const satisfies readonly ImportColumn[];
const BOOLEAN_COLUMNS = new Set<ImportColumn>(["doNotContact", "marketingOptOut"]);

/** Most data rows one file may hold (the header not counted). */
export const MAX_IMPORT_ROWS = 20_000;
/** Largest file accepted, in bytes. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** One problem of one row: the file's line, the column, what to do. */
export interface ImportRowError {
  line: number;
  /** The column (field name), or "" when the whole row is at fault. */
  field: string;
  message: string;
  /** The row's externalId as written, when it has one. */
  externalId: string;
}

export interface ImportRow {
  line: number;
  customer: ApiCustomer;
}

export type ReadImportResult =
  | { ok: true; rows: ImportRow[]; errors: ImportRowError[]; rowCount: number; ignoredColumns: string[] }
  | { ok: false; line: number; message: string; tooMany?: true; details?: { path: string; message: string }[] };

const normalise = (h: string) => h.toLowerCase().replace(/[\s_-]+/g, "");
const BY_HEADER = new Map<string, ImportColumn>(IMPORT_COLUMNS.map((c) => [normalise(c), c]));
const isRequired = (c: ImportColumn) => (REQUIRED_COLUMNS as readonly string[]).includes(c);
const OPTIONAL_COLUMNS = IMPORT_COLUMNS.filter((c) => !isRequired(c));

/**
 * Which column of the file each field is read from, chosen by a person (the
 * import page's "Match columns" step) or sent by another system (`columns` of
 * POST /api/v1/customers/import): field -> the column's name as written in the
 * header (spaces around it ignored), or null for "not in the file, do not read
 * it". A field left out is matched by its name as before (case, spaces, _ and
 * - ignored), among the columns no field was mapped to.
 */
export const importColumnsSchema = z
  .partialRecord(z.enum(IMPORT_COLUMNS), z.string().trim().min(1, "Name a column of the header, or null for none").max(200, "At most 200 characters").nullable())
  .meta({
    description: "Field -> the header's column to read it from (as written), or null to leave the field out; fields not named are matched by name",
    example: { externalId: "Account ID", name: "Account Name", ownerEmail: "Account Owner Email", segment: "Tier", phone: null },
  });
export type ImportColumnMapping = z.infer<typeof importColumnsSchema>;

/**
 * What the page offers before a person chooses: for each field, the one column
 * named like it (case, spaces, _ and - ignored), else null.
 */
export function columnsByName(header: readonly string[]): Record<ImportColumn, string | null> {
  const names = header.map((h) => h.trim());
  return Object.fromEntries(
    IMPORT_COLUMNS.map((field) => {
      const found = names.filter((n) => BY_HEADER.get(normalise(n)) === field);
      return [field, found.length === 1 ? found[0]! : null];
    }),
  ) as Record<ImportColumn, string | null>;
}

/** The `columns` parameter (JSON text), checked; absent or empty means "match by name". */
export function parseColumnsParam(raw: string | null): { ok: true; columns?: ImportColumnMapping } | { ok: false; message: string; details: { path: string; message: string }[] } {
  if (raw === null || raw.trim() === "") return { ok: true };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'columns must be a JSON object such as {"externalId":"Account ID"}.', details: [{ path: "columns", message: "Not valid JSON" }] };
  }
  const parsed = importColumnsSchema.safeParse(json);
  if (parsed.success) return { ok: true, columns: parsed.data };
  const details = parsed.error.issues.map((i) => {
    if (i.code === "unrecognized_keys") return { path: "columns", message: `No field named ${i.keys.join(", ")}; the fields are ${IMPORT_COLUMNS.join(", ")}` };
    return { path: ["columns", ...i.path.map(String)].join("."), message: i.code === "invalid_type" && i.path.length === 0 ? "Expected a JSON object of field -> column" : i.message };
  });
  return { ok: false, message: `columns: ${details.map((d) => d.message).join("; ")}`, details };
}

/** A problem of the mapping: the field it concerns (path "columns.<field>") and what to do. */
export interface MappingProblem {
  field: ImportColumn;
  message: string;
}

export type ResolveColumnsResult = { ok: true; columns: (ImportColumn | null)[] } | { ok: false; message: string; problems: MappingProblem[] };

/**
 * The field each column of the header holds (null: not read), from the
 * mapping where it names one and by name otherwise. Refused, with a problem per
 * field: a column the header lacks or has twice, a column chosen for two fields,
 * a required field left without a column. Pure: the page checks a person's
 * choices with it before uploading, the import applies it to the file.
 */
export function resolveImportColumns(header: readonly string[], mapping: ImportColumnMapping = {}, label: (field: ImportColumn) => string = (f) => f): ResolveColumnsResult {
  const names = header.map((h) => h.trim());
  const columns: (ImportColumn | null)[] = names.map(() => null);
  const problems: MappingProblem[] = [];
  const shown = (name: string) => `"${name.length > 60 ? `${name.slice(0, 60)}…` : name}"`;
  for (const field of IMPORT_COLUMNS) {
    const wanted = mapping[field];
    if (wanted === undefined || wanted === null) continue;
    const at = names.flatMap((n, i) => (n === wanted.trim() ? [i] : []));
    if (at.length === 0) {
      const has = names.filter(Boolean).slice(0, 12).map(shown).join(", ");
      problems.push({ field, message: `The file has no column ${shown(wanted.trim())}${has ? `; its columns are ${has}${names.filter(Boolean).length > 12 ? ", …" : ""}` : ""}` });
    } else if (at.length > 1) {
      problems.push({ field, message: `The header has ${shown(wanted.trim())} ${at.length} times (columns ${at.map((i) => i + 1).join(" and ")}); rename one in the file` });
    } else {
      const other = columns[at[0]!];
      if (other) problems.push({ field, message: `Column ${shown(wanted.trim())} is already used for ${label(other)}; each column can fill one field` });
      else columns[at[0]!] = field;
    }
  }
  // Fields the mapping does not name: by name, among the columns it left free.
  const twice: ImportColumn[] = [];
  for (const field of IMPORT_COLUMNS) {
    if (field in mapping) continue;
    const at = names.flatMap((n, i) => (columns[i] === null && BY_HEADER.get(normalise(n)) === field ? [i] : []));
    if (at.length > 1) twice.push(field);
    else if (at.length === 1) columns[at[0]!] = field;
  }
  if (twice.length) return { ok: false, message: `The header names ${twice.join(", ")} more than once; keep one column per field.`, problems: twice.map((field) => ({ field, message: "Named by more than one column; keep one" })) };
  const mapped = Object.keys(mapping).length > 0;
  for (const field of REQUIRED_COLUMNS) {
    if (columns.includes(field) || problems.some((p) => p.field === field)) continue;
    problems.push({ field, message: mapping[field] === null ? `Required: every row needs ${label(field)}; choose the column that holds it` : `Required: choose the column that holds ${label(field)}` });
  }
  if (problems.length === 0) return { ok: true, columns };
  if (!mapped) {
    // Matched by name only: the only problem can be required columns missing.
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
    const known = columns.some((c) => c !== null);
    return {
      ok: false,
      problems,
      message: known
        ? `The header has no column for ${missing.join(", ")}. Required columns: ${REQUIRED_COLUMNS.join(", ")}; optional: ${OPTIONAL_COLUMNS.join(", ")}.`
        : `The first line must be a header naming the columns, e.g. ${REQUIRED_COLUMNS.join(",")} (found "${header.join(",").slice(0, 80)}").`,
    };
  }
  return { ok: false, problems, message: `The column mapping does not fit the file: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}.` };
}

const TRUE = new Set(["true", "yes", "y", "1"]);
const FALSE = new Set(["false", "no", "n", "0"]);

/**
 * Reads a CSV file of customers: the header (line 1) names the columns; each
 * later row is one customer. An empty cell leaves an optional field out (an
 * existing customer keeps its stored value); required fields must be filled.
 * Returns the valid rows and one error per problem (line, field, message), or
 * a problem of the whole file (no header, a required column missing, too many
 * rows, broken quoting).
 */
export function readCustomerCsv(text: string, opts: { maxRows?: number; columns?: ImportColumnMapping } = {}): ReadImportResult {
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS;
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  const [header, ...records] = parsed.records;
  if (!header) return { ok: false, line: 1, message: `The file is empty. The first line must name the columns, e.g. ${REQUIRED_COLUMNS.join(",")}.` };
  if (header.problem) return { ok: false, line: header.line, message: `The header line is malformed: ${header.problem}` };

  const resolved = resolveImportColumns(header.fields, opts.columns);
  if (!resolved.ok) return { ok: false, line: header.line, message: resolved.message, details: resolved.problems.map((p) => ({ path: `columns.${p.field}`, message: p.message })) };
  const { columns } = resolved;
  const ignoredColumns = header.fields.filter((h, i) => columns[i] === null && h.trim() !== "").map((h) => h.trim());
  if (records.length > maxRows) {
    return { ok: false, tooMany: true, line: records[maxRows]!.line, message: `The file has ${records.length.toLocaleString("en-US")} rows; at most ${maxRows.toLocaleString("en-US")} per file. Split it and import the parts one after the other.` };
  }

  const externalIdAt = columns.indexOf("externalId");
  const firstLineOf = new Map<string, number>();
  const rows: ImportRow[] = [];
  const errors: ImportRowError[] = [];
  for (const r of records) {
    const externalId = (r.fields[externalIdAt] ?? "").trim();
    const fail = (field: string, message: string) => errors.push({ line: r.line, field, message, externalId });
    if (r.problem) {
      fail("", r.problem);
      continue;
    }
    if (r.fields.length > columns.length) {
      fail("", `This row has ${r.fields.length} fields but the header has ${columns.length} columns; put a value that contains a comma in double quotes.`);
      continue;
    }
    const item: Record<string, unknown> = {};
    const before = errors.length;
    columns.forEach((c, i) => {
      if (c === null) return;
      const cell = r.fields[i] ?? "";
      if (cell.trim() === "") {
        // Required ones are sent empty, so the schema says "Required"; optional ones are left out.
        if (isRequired(c)) item[c] = "";
        return;
      }
      if (BOOLEAN_COLUMNS.has(c)) {
        const v = cell.trim().toLowerCase();
        if (TRUE.has(v)) item[c] = true;
        else if (FALSE.has(v)) item[c] = false;
        else fail(c, `Write true or false (yes/no and 1/0 work too), not "${cell.slice(0, 40)}"`);
        return;
      }
      item[c] = cell;
    });
    const checked = apiCustomerSchema.safeParse(item);
    if (!checked.success) for (const d of issuesToDetails(checked.error.issues)) fail(d.path, d.message === "Required" ? `Empty; every row needs a value for ${d.path}` : d.message);
    if (!checked.success || errors.length > before) continue;
    const earlier = firstLineOf.get(checked.data.externalId);
    if (earlier !== undefined) {
      fail("externalId", `"${checked.data.externalId}" is already on line ${earlier}; each customer may appear once per file`);
      continue;
    }
    firstLineOf.set(checked.data.externalId, r.line);
    rows.push({ line: r.line, customer: checked.data });
  }
  return { ok: true, rows, errors, rowCount: records.length, ignoredColumns };
}

/** What an import did (or, for a dry run, would do). */
export const importSummarySchema = z
  .strictObject({
    dryRun: z.boolean().meta({ description: "true: nothing was written; created/updated say what an import would do" }),
    rows: z.int().min(0).meta({ description: "Data rows in the file (blank lines and the header not counted)" }),
    created: z.int().min(0).meta({ description: "Rows written as new customers" }),
    updated: z.int().min(0).meta({ description: "Rows that updated an existing customer (same externalId); an import run twice updates, never duplicates" }),
    rejected: z.int().min(0).meta({ description: "Rows not written: each has at least one entry in errors" }),
    ignoredColumns: z.array(z.string()).meta({ description: "Header columns that name no field; their values were not read" }),
    errors: z
      .array(
        z.strictObject({
          line: z.int().min(1).meta({ description: "Line of the file the row starts on (the header is line 1)" }),
          field: z.string().meta({ description: "The column at fault; empty when the whole row is" }),
          message: z.string().meta({ description: "What is wrong, in words a person can act on" }),
          externalId: z.string().meta({ description: "The row's externalId as written (empty when it has none)" }),
        }),
      )
      .meta({ description: "One entry per problem, by line" }),
  })
  .meta({
    id: "CustomerImportResult",
    example: {
      dryRun: false,
      rows: 3,
      created: 1,
      updated: 1,
      rejected: 1,
      ignoredColumns: ["notes"],
      errors: [{ line: 4, field: "ownerEmail", message: "No active sales rep has this email", externalId: "CRM-1003" }],
    },
  });
export type ImportSummary = z.infer<typeof importSummarySchema>;
