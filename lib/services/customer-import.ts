import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { db } from "@/lib/data/db";
import { activeUserIdsByEmail, customerIdsByExternalId } from "@/lib/data/ingest";
import { DomainError } from "@/lib/domain/errors";
import { upsertCustomers } from "@/lib/services/ingest";
import { getJob, startJob, Yielder, type JobContext, type JobView } from "@/lib/services/jobs";
import { readCustomerCsv, type ImportColumnMapping, type ImportRow, type ImportRowError, type ImportSummary } from "@/lib/validation/customer-import";

// Use case: an admin (from the admin page, as a background job) or another
// system (POST /api/v1/customers/import) imports a CSV file of customers. Rows
// are read and checked one by one (lib/validation/customer-import.ts: the
// same schema as POST /api/v1/customers); the good ones are written through
// the same upsert as the API, by externalId, in slices of IMPORT_SLICE rows
// (each slice one transaction, its customers re-scored), so an import run
// twice updates and never duplicates, and a failure part-way leaves whole
// slices written. A dry run checks everything (owners included) and writes nothing.
// `columns` maps fields to the file's own column names (resolveImportColumns).

/** Rows written per transaction. */
export const IMPORT_SLICE = 500;

export async function importCustomersCsv(text: string, opts: { dryRun?: boolean; job?: JobContext; columns?: ImportColumnMapping } = {}): Promise<ImportSummary> {
  const dryRun = opts.dryRun ?? false;
  const read = readCustomerCsv(text, { columns: opts.columns });
  if (!read.ok) throw new DomainError(read.tooMany ? "PAYLOAD_TOO_LARGE" : "INVALID", `Line ${read.line}: ${read.message}`, read.details ?? [{ path: `line ${read.line}`, message: read.message }]);
  const y = new Yielder(opts.job?.signal, { background: opts.job !== undefined });
  opts.job?.progress(0.02, `Checked ${read.rowCount.toLocaleString("en-US")} rows`);
  const errors: ImportRowError[] = [...read.errors];

  // Customers belong to active sales reps (the API answers the same).
  const owners = await activeUserIdsByEmail([...new Set(read.rows.map((r) => r.customer.ownerEmail))], "REP");
  const good: ImportRow[] = [];
  for (const r of read.rows) {
    if (owners.has(r.customer.ownerEmail)) good.push(r);
    else errors.push({ line: r.line, field: "ownerEmail", message: `No active sales rep has the email ${r.customer.ownerEmail}`, externalId: r.customer.externalId });
  }

  let created = 0;
  let updated = 0;
  for (let at = 0; at < good.length; at += IMPORT_SLICE) {
    await y.check();
    const slice = good.slice(at, at + IMPORT_SLICE);
    if (dryRun) {
      const existing = await customerIdsByExternalId(slice.map((r) => r.customer.externalId));
      updated += slice.filter((r) => existing.has(r.customer.externalId)).length;
      created += slice.length - slice.filter((r) => existing.has(r.customer.externalId)).length;
    } else {
      const results = await upsertCustomers(slice.map((r) => r.customer));
      results.forEach((res, i) => {
        const row = slice[i]!;
        if (res.status === "created") created++;
        else if (res.status === "updated") updated++;
        // Refused at write time (an owner deactivated meanwhile).
        else for (const e of res.errors ?? []) errors.push({ line: row.line, field: e.path, message: e.message, externalId: row.customer.externalId });
      });
    }
    const done = Math.min(good.length, at + IMPORT_SLICE);
    opts.job?.progress(0.02 + 0.98 * (done / good.length), `${dryRun ? "Checked" : "Wrote"} ${done.toLocaleString("en-US")} of ${good.length.toLocaleString("en-US")} valid rows`);
    await y.tick();
  }
  errors.sort((a, b) => a.line - b.line);
  return { dryRun, rows: read.rowCount, created, updated, rejected: new Set(errors.map((e) => e.line)).size, ignoredColumns: read.ignoredColumns, errors };
}

/**
 * An admin's import from the admin page, as a background job (progress,
 * cancel, a 10-minute budget); a real import (not a dry run) is audited with
 * its counts. Returns the job to poll.
 */
export function startCustomerImport(actorId: string, text: string, opts: { dryRun: boolean; fileName: string; columns?: ImportColumnMapping }): JobView<ImportSummary> {
  return startJob(
    "import",
    actorId,
    async (job) => {
      const summary = await importCustomersCsv(text, { dryRun: opts.dryRun, job, columns: opts.columns });
      if (!summary.dryRun) {
        const { rows, created, updated, rejected } = summary;
        const after = { file: opts.fileName, rows, created, updated, rejected, ...(opts.columns ? { columns: opts.columns } : {}) };
        await recordAudit(db(), { actorId, entity: "CustomerImport", entityId: opts.fileName, action: "import", after });
      }
      return summary;
    },
    { timeBudgetMs: IMPORT_TIME_BUDGET_MS },
  );
}

export const IMPORT_TIME_BUDGET_MS = 10 * 60_000;

/** One of the caller's import jobs (another kind of job is reported as missing). */
export function customerImportJob(id: string, ownerId: string): JobView<ImportSummary> {
  const view = getJob<ImportSummary>(id, ownerId);
  if (view.kind !== "import") throw new DomainError("NOT_FOUND", "This import has finished long ago or never existed. Start it again.");
  return view;
}
