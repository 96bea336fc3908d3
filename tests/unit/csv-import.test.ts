import { describe, expect, it } from "vitest";
import { toCsv } from "@/lib/metrics/csv";
import { parseCsv, type CsvRecord } from "@/lib/validation/csv";
import { parseColumnsParam, readCustomerCsv, REQUIRED_COLUMNS, resolveImportColumns } from "@/lib/validation/customer-import";

const records = (text: string): CsvRecord[] => {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(r.message);
  return r.records;
};
const fields = (text: string) => records(text).map((r) => r.fields);

describe("parseCsv (RFC 4180)", () => {
  it("splits on commas and line ends, LF, CRLF and CR alike, and skips blank lines", () => {
    const expected = [
      ["a", "b", "c"],
      ["1", "2", "3"],
    ];
    expect(fields("a,b,c\n1,2,3\n")).toEqual(expected);
    expect(fields("a,b,c\r\n1,2,3\r\n")).toEqual(expected);
    expect(fields("a,b,c\r1,2,3")).toEqual(expected);
    expect(records("a,b,c\n\n\r\n1,2,3").map((r) => r.line)).toEqual([1, 4]);
  });

  it("keeps empty fields, leading and trailing ones included", () => {
    expect(fields(",x,\n,,")).toEqual([
      ["", "x", ""],
      ["", "", ""],
    ]);
  });

  it("quoted fields hold commas, doubled quotes and line breaks; the next record's line counts them", () => {
    const text = 'id,note\r\n1,"Smith, John"\r\n2,"He said ""hi"""\r\n3,"two\r\nlines\nand three"\r\n4,after\r\n';
    const r = records(text);
    expect(r.map((x) => x.fields)).toEqual([
      ["id", "note"],
      ["1", "Smith, John"],
      ["2", 'He said "hi"'],
      ["3", "two\r\nlines\nand three"],
      ["4", "after"],
    ]);
    expect(r.map((x) => x.line)).toEqual([1, 2, 3, 4, 7]);
    expect(r.every((x) => x.problem === undefined)).toBe(true);
  });

  it("drops a UTF-8 byte order mark at the start only", () => {
    expect(fields("\ufeffexternalId,name\nA,\ufeffB")).toEqual([
      ["externalId", "name"],
      ["A", "\ufeffB"],
    ]);
  });

  it("an empty quoted field is a value, a quote inside an unquoted field a character", () => {
    expect(fields('"",a"b')).toEqual([["", 'a"b']]);
  });

  it("text after a closing quote is a problem of that record only", () => {
    const r = records('a,b\n"x"y,z\nok,1');
    expect(r[1]).toMatchObject({ line: 2, problem: expect.stringMatching(/after the closing quote of field 1/) });
    expect(r[2]).toEqual({ line: 3, fields: ["ok", "1"] });
  });

  it("a quote never closed stops the file, naming the line it opened on", () => {
    expect(parseCsv('a,b\n1,2\n3,"oops\n4,5\n')).toEqual({ ok: false, line: 3, message: expect.stringMatching(/opened on line 3 is never closed/) });
  });

  it("reads back what lib/metrics/csv writes, on awkward values", () => {
    const rows = [
      ["plain", "comma, inside", 'quote " inside', "line\r\nbreak", ""],
      ["ünïcödé 😀", "  spaced  ", '"', ",", "x"],
    ];
    const text = toCsv(["a", "b", "c", "d", "e"], rows);
    expect(fields(text)).toEqual([["a", "b", "c", "d", "e"], ...rows]);
  });
});

describe("parseCsv on random input (seeded)", () => {
  // splitmix32: the same documents every run.
  const rng = (seed: number) => () => {
    seed = (seed + 0x9e3779b9) | 0;
    let t = seed ^ (seed >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
  const ALPHABET = ["a", "b", ",", '"', "\n", "\r", "\r\n", " ", "é", "\u0000", "\ufeff"];

  it("never throws; records start on increasing lines within the file; a failure names a line of the file", () => {
    const next = rng(18);
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: Math.floor(next() * 60) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join("");
      const lineCount = text.split(/\r\n|\r|\n/).length;
      const r = parseCsv(text);
      if (!r.ok) {
        expect(r.line).toBeGreaterThanOrEqual(1);
        expect(r.line).toBeLessThanOrEqual(lineCount);
        continue;
      }
      const lines = r.records.map((x) => x.line);
      expect(lines.every((l, i) => l >= 1 && l <= lineCount && (i === 0 || l > lines[i - 1]!)), JSON.stringify(text)).toBe(true);
      // Rows of customers built from the same input never throw either.
      const read = readCustomerCsv(`externalId,name,segment,ownerEmail\n${text}`);
      if (read.ok) expect(read.rows.length + new Set(read.errors.map((e) => e.line)).size).toBe(read.rowCount);
    }
  });
});

describe("readCustomerCsv", () => {
  const header = "externalId,name,segment,ownerEmail";
  const read = (text: string) => {
    const r = readCustomerCsv(text);
    if (!r.ok) throw new Error(r.message);
    return r;
  };

  it("maps columns by name whatever their case, spacing and order; empty optional cells are left out", () => {
    const r = read('Owner Email,EXTERNAL_ID,name,segment,lifetime-value,do not contact,Birthday\r\nrep@x.test,C-1,"Lovelace, Ada",SMB,1200.50,yes,\r\n');
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([{ line: 2, customer: { externalId: "C-1", name: "Lovelace, Ada", segment: "SMB", ownerEmail: "rep@x.test", lifetimeValue: 1200.5, doNotContact: true } }]);
  });

  it("extra columns are ignored and listed; a row with more fields than the header is refused", () => {
    const r = read(`${header},notes,\nC-1,Ada,SMB,rep@x.test,vip,\nC-2,Bob,SMB,rep@x.test,a,b,c`);
    expect(r.ignoredColumns).toEqual(["notes"]);
    expect(r.rows.map((x) => x.customer.externalId)).toEqual(["C-1"]);
    expect(r.errors).toEqual([{ line: 3, field: "", externalId: "C-2", message: expect.stringMatching(/7 fields but the header has 6 columns/) }]);
  });

  it("a short row leaves the missing cells empty", () => {
    const r = read(`${header},company\nC-1,Ada,SMB,rep@x.test`);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.customer.company).toBeUndefined();
  });

  it("reports each bad field of a row by line and column, with a message a person can act on", () => {
    const r = read(`${header},email,birthday,lifetimeValue,marketingOptOut\n` + `C-1,,SMB,not-an-email,x@,1990-02-30,12.345,maybe\n` + `C-2,Bob,SMB,rep@x.test,,,,\n`);
    expect(r.rows.map((x) => x.line)).toEqual([3]);
    const byField = Object.fromEntries(r.errors.map((e) => [e.field, e]));
    expect(Object.keys(byField).sort()).toEqual(["birthday", "email", "lifetimeValue", "marketingOptOut", "name", "ownerEmail"]);
    expect(r.errors.every((e) => e.line === 2 && e.externalId === "C-1")).toBe(true);
    expect(byField.name!.message).toBe("Empty; every row needs a value for name");
    expect(byField.birthday!.message).toBe("Not a real calendar date");
    expect(byField.lifetimeValue!.message).toBe("At most 2 decimal places");
    expect(byField.marketingOptOut!.message).toMatch(/^Write true or false/);
  });

  it("a second row with the same externalId is refused, naming the first line", () => {
    const r = read(`${header}\nC-1,Ada,SMB,rep@x.test\nC-2,Bob,SMB,rep@x.test\nC-1,Ada again,SMB,rep@x.test`);
    expect(r.rows.map((x) => x.line)).toEqual([2, 3]);
    expect(r.errors).toEqual([{ line: 4, field: "externalId", externalId: "C-1", message: expect.stringMatching(/already on line 2/) }]);
  });

  it("line numbers count the line breaks inside quoted fields", () => {
    const r = read(`${header},company\nC-1,Ada,SMB,rep@x.test,"Two\nline company"\nC-2,,SMB,rep@x.test,`);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([[4, "name"]]);
  });

  it("a missing header, a missing required column or too many rows is a problem of the whole file", () => {
    expect(readCustomerCsv("")).toMatchObject({ ok: false, line: 1, message: expect.stringMatching(/empty/) });
    expect(readCustomerCsv("C-1,Ada,SMB,rep@x.test\n")).toMatchObject({ ok: false, line: 1, message: expect.stringMatching(/must be a header/) });
    const missing = readCustomerCsv("externalId,name\nC-1,Ada\n");
    expect(missing).toMatchObject({ ok: false, line: 1 });
    if (!missing.ok) for (const c of ["segment", "ownerEmail"]) expect(missing.message).toContain(c);
    expect(readCustomerCsv(`${header},NAME\n`)).toMatchObject({ ok: false, message: expect.stringMatching(/names name more than once/) });
    const rows = Array.from({ length: 4 }, (_, i) => `C-${i},A,SMB,rep@x.test`);
    expect(readCustomerCsv([header, ...rows].join("\n"), { maxRows: 3 })).toMatchObject({ ok: false, tooMany: true, line: 5 });
    expect(readCustomerCsv([header, ...rows].join("\n"), { maxRows: 4 }).ok).toBe(true);
    expect(REQUIRED_COLUMNS).toEqual(["externalId", "name", "segment", "ownerEmail"]);
  });

  it("refuses what Postgres would refuse, as the API does", () => {
    const r = read(`${header}\nC-1,Ada\u0000,SMB,rep@x.test\n"C\u0001",Bob,SMB,rep@x.test`);
    expect(r.rows).toEqual([]);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [2, "name"],
      [3, "externalId"],
    ]);
  });
});

describe("resolveImportColumns (the column mapping)", () => {
  const crm = ["Account ID", "Account Name", "Tier", "Account Owner Email", "Phone", "Notes"];

  it("without a mapping, matches by name (case, spaces, _ and - ignored) and leaves the rest unread", () => {
    expect(resolveImportColumns(["External ID", "NAME", "segment", "owner_email", "notes"])).toEqual({ ok: true, columns: ["externalId", "name", "segment", "ownerEmail", null] });
  });

  it("reads mapped fields from the named columns (spaces around the name ignored) and the others by name", () => {
    const r = resolveImportColumns(crm, { externalId: "Account ID", name: " Account Name ", segment: "Tier", ownerEmail: "Account Owner Email" });
    expect(r).toEqual({ ok: true, columns: ["externalId", "name", "segment", "ownerEmail", "phone", null] });
  });

  it("null leaves a field out even when a column is named like it; a column given to a field is not matched by name again", () => {
    const r = resolveImportColumns(["externalId", "name", "segment", "ownerEmail", "phone", "Mobile"], { phone: null });
    expect(r.ok && r.columns).toEqual(["externalId", "name", "segment", "ownerEmail", null, null]);
    // "Company" is the name column here: the company field, matched by name, does not take it too.
    const taken = resolveImportColumns(["externalId", "Company", "segment", "ownerEmail"], { name: "Company" });
    expect(taken.ok && taken.columns).toEqual(["externalId", "name", "segment", "ownerEmail"]);
  });

  it("refuses a column the file lacks, naming the columns it has", () => {
    const r = resolveImportColumns(crm, { externalId: "Account Id", name: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ field: "externalId", message: expect.stringContaining('The file has no column "Account Id"; its columns are "Account ID", "Account Name"') }]);
    expect(r.message).toMatch(/^The column mapping does not fit the file: externalId: /);
  });

  it("refuses one column for two fields, and a column the header has twice", () => {
    const twice = resolveImportColumns(crm, { externalId: "Account ID", name: "Account Name", company: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email" });
    expect(!twice.ok && twice.problems).toEqual([{ field: "company", message: 'Column "Account Name" is already used for name; each column can fill one field' }]);
    const doubled = resolveImportColumns([...crm, "Tier"], { externalId: "Account ID", name: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email" });
    expect(!doubled.ok && doubled.problems).toEqual([{ field: "segment", message: 'The header has "Tier" 2 times (columns 3 and 7); rename one in the file' }]);
  });

  it("refuses a required field left without a column, whether set to null or matched by no name", () => {
    const r = resolveImportColumns(crm, { externalId: "Account ID", name: null, ownerEmail: "Account Owner Email" });
    expect(!r.ok && r.problems).toEqual([
      { field: "name", message: "Required: every row needs name; choose the column that holds it" },
      { field: "segment", message: "Required: choose the column that holds segment" },
    ]);
  });

  it("keeps the old whole-file messages when nothing is mapped", () => {
    expect(resolveImportColumns(["name", "segment"])).toMatchObject({ ok: false, message: expect.stringMatching(/^The header has no column for externalId, ownerEmail/) });
    expect(resolveImportColumns(["name", "Name", "externalId", "segment", "ownerEmail"])).toMatchObject({ ok: false, message: "The header names name more than once; keep one column per field." });
  });

  it("readCustomerCsv applies the mapping to every row and lists the columns it did not read", () => {
    const text = `Account ID,Account Name,Tier,Account Owner Email,Notes\nA-1,Ada,SMB,rep@nudge.test,hi\n`;
    const r = readCustomerCsv(text, { columns: { externalId: "Account ID", name: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email" } });
    expect(r).toMatchObject({ ok: true, rowCount: 1, ignoredColumns: ["Notes"], rows: [{ line: 2, customer: { externalId: "A-1", name: "Ada", segment: "SMB", ownerEmail: "rep@nudge.test" } }] });
    const bad = readCustomerCsv(text, { columns: { externalId: "Account", name: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email" } });
    expect(bad).toMatchObject({ ok: false, line: 1, details: [{ path: "columns.externalId", message: expect.stringContaining('no column "Account"') }] });
  });
});

describe("parseColumnsParam (the columns parameter)", () => {
  it("absent or empty is no mapping; a JSON object of fields to column names or null is one", () => {
    expect(parseColumnsParam(null)).toEqual({ ok: true });
    expect(parseColumnsParam("")).toEqual({ ok: true });
    expect(parseColumnsParam(JSON.stringify({ externalId: "Account ID", phone: null }))).toEqual({ ok: true, columns: { externalId: "Account ID", phone: null } });
  });

  it("refuses JSON that is not, an unknown field, a list and an empty column name, naming the field", () => {
    expect(parseColumnsParam("{externalId:")).toMatchObject({ ok: false, details: [{ path: "columns", message: "Not valid JSON" }] });
    expect(parseColumnsParam(JSON.stringify({ accountId: "Account ID" }))).toMatchObject({ ok: false, details: [{ path: "columns", message: expect.stringMatching(/^No field named accountId; the fields are externalId, name/) }] });
    expect(parseColumnsParam(JSON.stringify(["Account ID"]))).toMatchObject({ ok: false, details: [{ path: "columns", message: "Expected a JSON object of field -> column" }] });
    expect(parseColumnsParam(JSON.stringify({ name: "  " }))).toMatchObject({ ok: false, details: [{ path: "columns.name", message: "Name a column of the header, or null for none" }] });
  });
});
