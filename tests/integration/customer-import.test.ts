import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/data/users";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// CSV import of customers (issue 18): a 10,000-row file with bad rows at known
// lines writes exactly the good rows, reports each bad one by line and field,
// reports progress slice by slice, and a second run updates instead of
// duplicating. The admin upload refuses other roles, no session and other
// sites; the job can only be followed by the admin who started it.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => session.user }));

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_import") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { makeActionType, makeUser } = await import("../support/fixtures");
const { importCustomersCsv, IMPORT_SLICE } = await import("@/lib/services/customer-import");
const { getJob } = await import("@/lib/services/jobs");
const upload = await import("@/app/api/admin/customer-import/route");
const { importStatusAction, cancelImportAction } = await import("@/lib/actions/customer-import");
const { listAuditLog } = await import("@/lib/data/audit");

const ROWS = 10_000;
const asSession = (u: SessionUser): SessionUser => ({ id: u.id, email: u.email, name: u.name, role: u.role, teamId: u.teamId });

/** A 10,000-row file; `bad` says, per data row index, what is wrong with it (and so its expected error). */
function bigFile(repEmail: string) {
  const expected: { line: number; field: string }[] = [];
  const lines = ["external_id,Name,segment,Owner Email,lifetimeValue,birthday,notes"];
  for (let i = 0; i < ROWS; i++) {
    const line = i + 2;
    let row = [`IMP-${i}`, `Customer ${i}`, "SMB", repEmail, String(i % 500), "1990-05-17", "x"];
    if (i % 997 === 5) {
      row[4] = "12.345"; // three decimals
      expected.push({ line, field: "lifetimeValue" });
    } else if (i % 1999 === 11) {
      row[1] = ""; // no name
      expected.push({ line, field: "name" });
    } else if (i % 2503 === 17) {
      row[3] = "nobody@import.test"; // not a rep
      expected.push({ line, field: "ownerEmail" });
    } else if (i % 3001 === 23) {
      row[5] = "1990-02-30"; // not a date
      expected.push({ line, field: "birthday" });
    } else if (i === 4242) {
      row = [`IMP-0`, "Duplicate of line 2", "SMB", repEmail, "", "", ""];
      expected.push({ line, field: "externalId" });
    } else if (i % 4999 === 31) {
      row[1] = `"Quoted, with a comma and a ""quote"""`;
    }
    lines.push(row.join(","));
  }
  return { text: lines.join("\r\n") + "\r\n", expected, good: ROWS - expected.length };
}

describe.skipIf(!reachable)("CSV import of customers", () => {
  let admin: SessionUser;
  let rep: { id: string; email: string };

  beforeAll(async () => {
    admin = asSession({ ...(await makeUser({ role: "ADMIN" })), role: "ADMIN" });
    rep = await makeUser({ role: "REP" });
    await makeActionType({ key: "winback_call" });
  });
  afterAll(async () => {
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });

  it("10,000 rows: writes exactly the good ones, reports each bad one by line and field, with progress per slice", async () => {
    const file = bigFile(rep.email);
    const progress: number[] = [];
    const stages: string[] = [];
    const job = { signal: new AbortController().signal, progress: (f: number, s?: string) => (progress.push(f), s && stages.push(s)) };
    const summary = await importCustomersCsv(file.text, { job });

    expect(summary).toMatchObject({ dryRun: false, rows: ROWS, created: file.good, updated: 0, rejected: file.expected.length, ignoredColumns: ["notes"] });
    expect(summary.errors.map((e) => ({ line: e.line, field: e.field }))).toEqual(file.expected);
    expect(summary.errors.every((e) => e.message.length > 10)).toBe(true);
    expect(summary.errors.find((e) => e.line === 4242 + 2)?.message).toMatch(/already on line 2/);
    expect(await db().customer.count({ where: { externalId: { startsWith: "IMP-" } } })).toBe(file.good);
    const quoted = await db().customer.findUniqueOrThrow({ where: { externalId: "IMP-31" }, select: { name: true, lifetimeValue: true, birthday: true, ownerId: true } });
    expect(quoted).toMatchObject({ name: 'Quoted, with a comma and a "quote"', ownerId: rep.id });
    expect(Number(quoted.lifetimeValue)).toBe(31);
    expect(quoted.birthday?.toISOString().slice(0, 10)).toBe("1990-05-17");
    // No bad row was written.
    const badIds = file.expected.filter((e) => e.field !== "externalId").map((e) => `IMP-${e.line - 2}`);
    expect(await db().customer.count({ where: { externalId: { in: badIds } } })).toBe(0);
    // Progress: once after reading, then once per slice, rising to 1.
    expect(progress).toHaveLength(1 + Math.ceil(file.good / IMPORT_SLICE));
    expect(progress.every((p, i) => i === 0 || p > progress[i - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(stages.at(-1)).toBe(`Wrote ${file.good.toLocaleString("en-US")} of ${file.good.toLocaleString("en-US")} valid rows`);
  }, 300_000);

  it("run again: every good row updates, none is duplicated; a dry run writes nothing", async () => {
    const file = bigFile(rep.email);
    const before = await db().customer.count();
    const again = await importCustomersCsv(file.text);
    expect(again).toMatchObject({ rows: ROWS, created: 0, updated: file.good, rejected: file.expected.length });
    expect(await db().customer.count()).toBe(before);

    const changed = "externalId,name,segment,ownerEmail\nIMP-1,Renamed,Enterprise,${rep}\nNEW-1,Brand new,SMB,${rep}\n".replaceAll("${rep}", rep.email);
    const dry = await importCustomersCsv(changed, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, rows: 2, created: 1, updated: 1, rejected: 0 });
    expect(await db().customer.count()).toBe(before);
    expect((await db().customer.findUniqueOrThrow({ where: { externalId: "IMP-1" } })).name).toBe("Customer 1");
  }, 300_000);

  it("a problem of the whole file fails the import before anything is written", async () => {
    const before = await db().customer.count();
    await expect(importCustomersCsv("name,segment\nAda,SMB\n")).rejects.toMatchObject({ code: "INVALID", message: expect.stringMatching(/^Line 1: The header has no column for externalId, ownerEmail/) });
    await expect(importCustomersCsv(`externalId,name,segment,ownerEmail\nQ-1,"Ada,SMB,${rep.email}\nQ-2,Bob,SMB,${rep.email}\n`)).rejects.toMatchObject({ message: expect.stringMatching(/^Line 2: .*never closed/) });
    expect(await db().customer.count()).toBe(before);
  });

  describe("a column mapping (a CRM export's own header)", () => {
    const mapping = { externalId: "Account ID", name: "Account Name", segment: "Tier", ownerEmail: "Account Owner Email", phone: "Mobile" };
    const file = () => `Account ID,Account Name,Tier,Account Owner Email,Mobile,Phone\nMAP-1,"Lovelace, Ada",SMB,${rep.email},+44 20 7946 0001,+1 555 0100\nMAP-2,Grace Hopper,Enterprise,${rep.email},,+1 555 0101\n`;

    it("reads each field from the column it is mapped to and writes the rows", async () => {
      const summary = await importCustomersCsv(file(), { columns: mapping });
      expect(summary).toMatchObject({ rows: 2, created: 2, updated: 0, rejected: 0, ignoredColumns: ["Phone"] });
      const stored = await db().customer.findMany({ where: { externalId: { in: ["MAP-1", "MAP-2"] } }, orderBy: { externalId: "asc" }, select: { externalId: true, name: true, segment: true, phone: true, ownerId: true } });
      // phone comes from "Mobile" as mapped, never from the column named "Phone"; an empty cell leaves it out.
      expect(stored).toEqual([
        { externalId: "MAP-1", name: "Lovelace, Ada", segment: "SMB", phone: "+44 20 7946 0001", ownerId: rep.id },
        { externalId: "MAP-2", name: "Grace Hopper", segment: "Enterprise", phone: null, ownerId: rep.id },
      ]);
    });

    it("refuses, before writing anything, a column the file lacks, a column used twice and a required field without a column", async () => {
      const before = await db().customer.count();
      const text = file().replaceAll("MAP-", "NOPE-");
      const cases = [
        [{ ...mapping, externalId: "Account Id" }, "columns.externalId", /The file has no column "Account Id"; its columns are "Account ID"/],
        [{ ...mapping, company: "Account Name" }, "columns.company", /Column "Account Name" is already used for name; each column can fill one field/],
        [{ ...mapping, segment: null }, "columns.segment", /Required: every row needs segment/],
      ] as const;
      for (const [columns, path, message] of cases) {
        const err = await importCustomersCsv(text, { columns }).catch((e: unknown) => e);
        expect(err, path).toMatchObject({ code: "INVALID", message: expect.stringMatching(/^Line 1: The column mapping does not fit the file/), details: [{ path, message: expect.stringMatching(message) }] });
      }
      // Without a mapping the CRM header names no required field (only "Phone" matches a field by name).
      await expect(importCustomersCsv(text)).rejects.toMatchObject({ code: "INVALID", message: expect.stringMatching(/^Line 1: The header has no column for externalId, name, segment, ownerEmail\./) });
      expect(await db().customer.count()).toBe(before);
    });
  });

  describe("the admin upload", () => {
    const post = (csv: string, headers: Record<string, string> = {}, query = "dryRun=false&file=people.csv") =>
      upload.POST(new Request(`http://nudge.test/api/admin/customer-import?${query}`, { method: "POST", headers: { "content-type": "text/csv", host: "nudge.test", "sec-fetch-site": "same-origin", origin: "http://nudge.test", ...headers }, body: csv }), {});
    const csv = () => `externalId,name,segment,ownerEmail\nUP-1,Uploaded,SMB,${rep.email}\nUP-2,,SMB,${rep.email}\n`;

    it("an admin's upload runs as a job they can follow; the import is audited", async () => {
      session.user = admin;
      const res = await post(csv());
      expect(res.status).toBe(202);
      const started = (await res.json()) as { id: string; kind: string; state: string };
      expect(started).toMatchObject({ kind: "import", state: "running" });
      let view = getJob<{ created: number }>(started.id, admin.id);
      while (view.state === "running") {
        await new Promise((r) => setTimeout(r, 20));
        view = getJob(started.id, admin.id);
      }
      const status = await importStatusAction({ id: started.id });
      expect(status.ok && status.data.state).toBe("done");
      expect(status.ok && status.data.result).toMatchObject({ rows: 2, created: 1, rejected: 1, errors: [{ line: 3, field: "name", externalId: "UP-2" }] });
      const audit = await listAuditLog({ entity: "CustomerImport", take: 1 });
      expect(audit.entries[0]).toMatchObject({ entityId: "people.csv", action: "import", after: { file: "people.csv", rows: 2, created: 1, updated: 0, rejected: 1 } });

      // Another admin cannot follow or cancel it.
      session.user = asSession({ ...(await makeUser({ role: "ADMIN" })), role: "ADMIN" });
      expect(await importStatusAction({ id: started.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
      expect(await cancelImportAction({ id: started.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    });

    it("carries the admin's column mapping to the import (and into the audit); a mapping that is not one is refused at once", async () => {
      session.user = admin;
      const text = `Account ID,Account Name,Tier,Owner\nUPM-1,Mapped upload,SMB,${rep.email}\n`;
      const columns = { externalId: "Account ID", name: "Account Name", segment: "Tier", ownerEmail: "Owner" };
      const res = await post(text, {}, `dryRun=false&file=crm.csv&columns=${encodeURIComponent(JSON.stringify(columns))}`);
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      let view = getJob<{ created: number }>(id, admin.id);
      while (view.state === "running") {
        await new Promise((r) => setTimeout(r, 20));
        view = getJob(id, admin.id);
      }
      expect(view.result).toMatchObject({ rows: 1, created: 1, rejected: 0 });
      expect((await db().customer.findUniqueOrThrow({ where: { externalId: "UPM-1" } })).name).toBe("Mapped upload");
      expect((await listAuditLog({ entity: "CustomerImport", take: 1 })).entries[0]).toMatchObject({ entityId: "crm.csv", after: { columns } });

      const before = await db().customer.count();
      for (const bad of ["{not json", JSON.stringify({ accountId: "Account ID" }), JSON.stringify({ name: 42 })]) {
        const refused = await post(text.replace("UPM-1", "UPM-2"), {}, `dryRun=false&file=crm.csv&columns=${encodeURIComponent(bad)}`);
        expect(refused.status, bad).toBe(400);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("INVALID_PARAMETER");
      }
      await new Promise((r) => setTimeout(r, 100));
      expect(await db().customer.count()).toBe(before);
    });

    it("refuses a rep, a manager, no session, another site and a file that is not CSV, and starts nothing", async () => {
      const before = await db().customer.count();
      for (const role of ["REP", "MANAGER"] as const) {
        session.user = asSession({ ...(await makeUser({ role })), role });
        expect((await post(csv())).status).toBe(403);
        expect(await importStatusAction({ id: crypto.randomUUID() })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      }
      session.user = null;
      expect((await post(csv())).status).toBe(401);
      expect(await importStatusAction({ id: crypto.randomUUID() })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
      session.user = admin;
      expect((await post(csv(), { "sec-fetch-site": "cross-site", origin: "https://evil.test" })).status).toBe(403);
      expect((await post(csv(), { "sec-fetch-site": "same-site", origin: "http://other.nudge.test" })).status).toBe(403);
      expect((await post(csv(), { "content-type": "application/json" })).status).toBe(415);
      expect((await post("")).status).toBe(400);
      await new Promise((r) => setTimeout(r, 100));
      expect(await db().customer.count()).toBe(before);
    });
  });
});
