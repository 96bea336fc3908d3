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
  | { ok: false; line: number; message: string; tooMany?: true };

const normalise = (h: string) => h.toLowerCase().replace(/[\s_-]+/g, "");
const BY_HEADER = new Map<string, ImportColumn>(IMPORT_COLUMNS.map((c) => [normalise(c), c]));

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
export function readCustomerCsv(text: string, opts: { maxRows?: number } = {}): ReadImportResult {
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS;
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  const [header, ...records] = parsed.records;
  if (!header) return { ok: false, line: 1, message: `The file is empty. The first line must name the columns, e.g. ${REQUIRED_COLUMNS.join(",")}.` };
  if (header.problem) return { ok: false, line: header.line, message: `The header line is malformed: ${header.problem}` };

  const columns = header.fields.map((h) => BY_HEADER.get(normalise(h)) ?? null);
  const ignoredColumns = header.fields.filter((h, i) => columns[i] === null && h.trim() !== "").map((h) => h.trim());
  const twice = IMPORT_COLUMNS.filter((c) => columns.filter((x) => x === c).length > 1);
  if (twice.length) return { ok: false, line: header.line, message: `The header names ${twice.join(", ")} more than once; keep one column per field.` };
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) {
    const known = columns.some((c) => c !== null);
    return {
      ok: false,
      line: header.line,
      message: known
        ? `The header has no column for ${missing.join(", ")}. Required columns: ${REQUIRED_COLUMNS.join(", ")}; optional: ${IMPORT_COLUMNS.filter((c) => !(REQUIRED_COLUMNS as readonly string[]).includes(c)).join(", ")}.`
        : `The first line must be a header naming the columns, e.g. ${REQUIRED_COLUMNS.join(",")} (found "${header.fields.join(",").slice(0, 80)}").`,
    };
  }
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
        if ((REQUIRED_COLUMNS as readonly string[]).includes(c)) item[c] = "";
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
