"use client";
import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { JobProgress } from "@/components/catalog/job-progress";
import { useJob } from "@/components/catalog/use-job";
import { Button } from "@/components/ui/button";
import { cancelImportAction, importStatusAction } from "@/lib/actions/customer-import";
import type { ActionResult } from "@/lib/auth/action";
import { toCsv } from "@/lib/metrics/csv";
import type { JobView } from "@/lib/services/jobs";
import { parseCsv } from "@/lib/validation/csv";
import {
  columnsByName,
  IMPORT_COLUMNS,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  REQUIRED_COLUMNS,
  resolveImportColumns,
  type ImportColumn,
  type ImportSummary,
  type MappingProblem,
} from "@/lib/validation/customer-import";
import { inputClass } from "./form";

/** The fields as a person reads them (the API's names are in the "Columns" table). */
const FIELD_LABELS: Record<ImportColumn, string> = {
  externalId: "External ID",
  name: "Name",
  segment: "Segment",
  ownerEmail: "Owner email",
  email: "Email",
  phone: "Phone",
  company: "Company",
  birthday: "Birthday",
  renewalDate: "Renewal date",
  lifetimeValue: "Lifetime value",
  doNotContact: "Do not contact",
  marketingOptOut: "Marketing opt-out",
};
const isRequired = (f: ImportColumn) => (REQUIRED_COLUMNS as readonly string[]).includes(f);
const fieldLabel = (f: ImportColumn) => FIELD_LABELS[f];

/** Field -> the file's column it is read from, or null ("not in the file"). */
type Mapping = Record<ImportColumn, string | null>;

/** How much of the file is read in the browser to find its header and a first row. */
const HEAD_BYTES = 64 * 1024;

type Head = { ok: true; columns: string[]; sample: Map<string, string> } | { ok: false; message: string };

/** The header line (and the first data row, as examples) of the chosen file, read in the browser. */
async function readHead(file: File): Promise<Head> {
  let text = await file.slice(0, HEAD_BYTES).text();
  const partial = file.size > HEAD_BYTES;
  if (partial) text = text.slice(0, Math.max(text.lastIndexOf("\n"), 0));
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, message: `Line ${parsed.line}: ${parsed.message}` };
  const [header, first] = parsed.records;
  if (!header) return { ok: false, message: partial ? `The first ${HEAD_BYTES / 1024} KB hold no complete header line.` : "The file is empty: the first line must name the columns." };
  if (header.problem) return { ok: false, message: `The header line is malformed: ${header.problem}` };
  const columns = [...new Set(header.fields.map((h) => h.trim()).filter(Boolean))];
  const sample = new Map<string, string>();
  if (first && !first.problem) header.fields.forEach((h, i) => (first.fields[i] ?? "").trim() && !sample.has(h.trim()) && sample.set(h.trim(), first.fields[i]!.trim()));
  return { ok: true, columns, sample };
}

/** Bad rows listed on the page; all of them are in the download. */
const SHOWN_ERRORS = 100;
const IMPORT_ACTIONS = { status: importStatusAction, cancel: cancelImportAction };

/** Uploads the file; the answer is the job to poll, or the error in the shape server actions use. */
async function upload(file: File, dryRun: boolean, columns: Mapping | null): Promise<ActionResult<JobView<ImportSummary>>> {
  const query = new URLSearchParams({ dryRun: String(dryRun), file: file.name, ...(columns ? { columns: JSON.stringify(columns) } : {}) });
  try {
    const res = await fetch(`/api/admin/customer-import?${query}`, { method: "POST", headers: { "content-type": "text/csv" }, body: file });
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) return { ok: true, data: body as JobView<ImportSummary> };
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `The upload failed (HTTP ${res.status}). Try again.`;
    return { ok: false, error: { code: res.status === 429 ? "RATE_LIMITED" : "INVALID", message } };
  } catch {
    return { ok: false, error: { code: "UNAVAILABLE", message: "The upload did not reach the server. Check your connection and try again." } };
  }
}

function downloadErrors(summary: ImportSummary, fileName: string) {
  const csv = toCsv(
    ["line", "column", "externalId", "problem"],
    summary.errors.map((e) => [e.line, e.field, e.externalId, e.message]),
  );
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `${fileName.replace(/\.csv$/i, "")}-errors.csv`;
  a.click();
  URL.revokeObjectURL(url);
}

export function CustomerImport() {
  const router = useRouter();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [head, setHead] = useState<Head | "reading" | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const reading = useRef(0);
  const mappingRef = useRef<HTMLFieldSetElement>(null);
  const [dryRun, setDryRun] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<{ summary: ImportSummary; fileName: string } | null>(null);
  const job = useJob<ImportSummary>({
    actions: IMPORT_ACTIONS,
    onDone: (summary) => {
      setResult({ summary, fileName: file?.name ?? "import.csv" });
      if (!summary.dryRun) router.refresh();
    },
    onError: (message) => setProblem(message),
  });

  const header = head !== null && head !== "reading" && head.ok ? head : null;
  const resolved = header && mapping ? resolveImportColumns(header.columns, mapping, fieldLabel) : null;
  const problems = resolved && !resolved.ok ? resolved.problems : [];

  const choose = async (picked: File | null) => {
    setFile(picked);
    setProblem(null);
    setResult(null);
    setMapping(null);
    const ticket = ++reading.current;
    if (!picked) return setHead(null);
    setHead("reading");
    const read = await readHead(picked).catch((): Head => ({ ok: false, message: "The file could not be read. Choose it again." }));
    if (ticket !== reading.current) return; // another file was chosen meanwhile
    setHead(read);
    if (read.ok) setMapping(columnsByName(read.columns));
  };

  const start = () => {
    setProblem(null);
    setResult(null);
    if (!file) return setProblem("Choose a CSV file first.");
    if (file.size > MAX_IMPORT_BYTES) return setProblem(`This file is ${(file.size / 1024 / 1024).toFixed(1)} MB; at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB per file. Split it and import the parts one after the other.`);
    if (head === "reading") return setProblem("Still reading the file's header; try again in a moment.");
    if (head && !head.ok) return setProblem(`This file cannot be imported: ${head.message}`);
    if (problems.length) {
      setProblem(`Match the columns first: ${problems.length} field${problems.length === 1 ? " needs" : "s need"} attention (marked under "Match columns to fields").`);
      mappingRef.current?.querySelector<HTMLSelectElement>("select[aria-invalid=true]")?.focus();
      return;
    }
    void job.start(() => upload(file, dryRun, mapping));
  };

  return (
    <div className="space-y-4">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <div>
          <label htmlFor={`${id}-file`} className="block text-xs font-medium text-slate-700">
            CSV file
          </label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv"
            aria-describedby={`${id}-file-hint`}
            disabled={job.running}
            onChange={(e) => void choose(e.target.files?.[0] ?? null)}
            className="mt-1 block w-full max-w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-200"
          />
          <p id={`${id}-file-hint`} className="mt-1 text-xs text-slate-500">
            UTF-8, comma-separated, a header line first. Up to {MAX_IMPORT_BYTES / 1024 / 1024} MB and {MAX_IMPORT_ROWS.toLocaleString("en-US")} rows.
          </p>
        </div>
        {head === "reading" ? (
          <p role="status" className="text-sm text-slate-600">
            Reading the file&apos;s header…
          </p>
        ) : null}
        {head !== null && head !== "reading" && !head.ok ? (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            This file cannot be imported: {head.message}
          </p>
        ) : null}
        {header && mapping ? (
          <ColumnMapping ref={mappingRef} columns={header.columns} sample={header.sample} mapping={mapping} problems={problems} disabled={job.running} onChange={(field, column) => setMapping({ ...mapping, [field]: column })} />
        ) : null}
        <label className="flex items-start gap-2 text-sm text-slate-800">
          <input type="checkbox" className="mt-0.5" checked={dryRun} disabled={job.running} onChange={(e) => setDryRun(e.target.checked)} />
          <span>
            Check only (dry run)
            <span className="block text-xs text-slate-500">Checks every row, owners included, and lists the problems; writes nothing.</span>
          </span>
        </label>
        <Button type="submit" disabled={job.running}>
          {job.running ? "Importing…" : dryRun ? "Check file" : "Import customers"}
        </Button>
        {job.running ? <JobProgress label="Import" progress={job.progress} stage={job.stage} onCancel={() => void job.cancel()} /> : null}
      </form>

      {problem ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {problem}
        </p>
      ) : null}

      {result ? <ImportResult summary={result.summary} fileName={result.fileName} /> : null}
    </div>
  );
}

/**
 * One select per field, defaulting to the column named like it; required
 * fields marked. Problems (a column for two fields, a required field without
 * one) show under the field they concern, as the server would refuse them.
 */
function ColumnMapping({
  ref,
  columns,
  sample,
  mapping,
  problems,
  disabled,
  onChange,
}: {
  ref: React.Ref<HTMLFieldSetElement>;
  columns: string[];
  sample: Map<string, string>;
  mapping: Mapping;
  problems: MappingProblem[];
  disabled: boolean;
  onChange: (field: ImportColumn, column: string | null) => void;
}) {
  const id = useId();
  const used = new Set(Object.values(mapping).filter((c): c is string => c !== null));
  const unread = columns.filter((c) => !used.has(c));
  return (
    <fieldset ref={ref} className="min-w-0 rounded-md border border-slate-200 p-3" aria-describedby={`${id}-hint`}>
      <legend className="px-1 text-sm font-semibold text-slate-900">Match columns to fields</legend>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        Each field is read from the column chosen here (columns named like a field are chosen for you). Required fields need a column; a column fills one field at most.
      </p>
      <div className="mt-3 grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2 lg:grid-cols-3">
        {IMPORT_COLUMNS.map((field) => {
          const errors = problems.filter((p) => p.field === field).map((p) => p.message);
          const chosen = mapping[field];
          const example = chosen ? sample.get(chosen) : undefined;
          const fid = `${id}-${field}`;
          const describedBy = [example ? `${fid}-example` : "", errors.length ? `${fid}-error` : ""].filter(Boolean).join(" ") || undefined;
          return (
            <div key={field} className="min-w-0">
              <label htmlFor={fid} className="flex items-baseline gap-1.5 text-xs font-medium text-slate-700">
                {FIELD_LABELS[field]}
                {isRequired(field) ? <span className="rounded bg-amber-50 px-1 text-[11px] font-medium text-amber-800">required</span> : null}
              </label>
              <select
                id={fid}
                value={chosen ?? ""}
                disabled={disabled}
                aria-invalid={errors.length > 0}
                aria-describedby={describedBy}
                onChange={(e) => onChange(field, e.target.value === "" ? null : e.target.value)}
                className={`${inputClass} mt-1 truncate`}
              >
                <option value="">— not in file —</option>
                {columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
              {example ? (
                <p id={`${fid}-example`} className="mt-0.5 truncate text-xs text-slate-500" title={example}>
                  e.g. {example}
                </p>
              ) : null}
              {errors.length ? (
                <ul id={`${fid}-error`} className="mt-0.5 space-y-0.5 text-xs text-red-700">
                  {errors.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          );
        })}
      </div>
      {unread.length ? (
        <p className="mt-3 break-words text-xs text-slate-600">
          Not read: {unread.map((c) => `"${c}"`).join(", ")}.
        </p>
      ) : null}
    </fieldset>
  );
}

function ImportResult({ summary, fileName }: { summary: ImportSummary; fileName: string }) {
  const figures = [
    { label: summary.dryRun ? "Would create" : "Created", value: summary.created },
    { label: summary.dryRun ? "Would update" : "Updated", value: summary.updated },
    { label: summary.dryRun ? "Would skip (errors)" : "Skipped (errors)", value: summary.rejected },
  ];
  return (
    <section aria-label="Import result" className="space-y-3" data-testid="import-result">
      <p role="status" className="text-sm text-slate-800">
        {summary.dryRun ? "Dry run of" : "Imported"} <strong>{fileName}</strong>: {summary.rows.toLocaleString("en-US")} rows read.
        {summary.dryRun ? " Nothing was written." : ""}
      </p>
      <dl className="grid grid-cols-3 gap-2">
        {figures.map((f) => (
          <div key={f.label} className="rounded-md border border-slate-200 px-2 py-1.5">
            <dt className="text-xs text-slate-600">{f.label}</dt>
            <dd className="text-lg font-semibold tabular-nums text-slate-900">{f.value.toLocaleString("en-US")}</dd>
          </div>
        ))}
      </dl>
      {summary.ignoredColumns.length ? (
        <p className="text-xs text-slate-600">
          Columns not read (they name no field): {summary.ignoredColumns.map((c) => `"${c}"`).join(", ")}.
        </p>
      ) : null}
      {summary.errors.length ? (
        <div className="space-y-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-sm font-semibold text-slate-900">
              Rows not {summary.dryRun ? "valid" : "written"}: {summary.errors.length.toLocaleString("en-US")} problem{summary.errors.length === 1 ? "" : "s"}
              {summary.errors.length > SHOWN_ERRORS ? ` (the first ${SHOWN_ERRORS} shown)` : ""}
            </h3>
            <Button variant="secondary" onClick={() => downloadErrors(summary, fileName)}>
              Download all problems (CSV)
            </Button>
          </div>
          <p className="text-xs text-slate-500">Fix these rows in your file and import it again: rows already written are updated, not duplicated.</p>
          <div className="max-h-96 overflow-auto rounded-md border border-slate-200">
            <table className="w-full text-left text-sm" aria-label="Problems by line">
              <thead className="sticky top-0 bg-slate-50 text-xs text-slate-600">
                <tr>
                  <th scope="col" className="px-2 py-1.5 font-medium">Line</th>
                  <th scope="col" className="px-2 py-1.5 font-medium">Column</th>
                  <th scope="col" className="hidden px-2 py-1.5 font-medium sm:table-cell">externalId</th>
                  <th scope="col" className="px-2 py-1.5 font-medium">Problem</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {summary.errors.slice(0, SHOWN_ERRORS).map((e, i) => (
                  <tr key={`${e.line}-${e.field}-${i}`}>
                    <td className="px-2 py-1.5 align-top tabular-nums">{e.line}</td>
                    <td className="px-2 py-1.5 align-top font-mono text-xs">{e.field || "(row)"}</td>
                    <td className="hidden px-2 py-1.5 align-top font-mono text-xs break-all sm:table-cell">{e.externalId || "—"}</td>
                    <td className="px-2 py-1.5 align-top break-words">{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p className="text-sm text-emerald-800">No problems: every row {summary.dryRun ? "is valid" : "was written"}.</p>
      )}
    </section>
  );
}
