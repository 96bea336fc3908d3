import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { isDomainError } from "@/lib/domain/errors";
import { readCsv, withApiKey } from "@/lib/auth/api-key";
import { importCustomersCsv } from "@/lib/services/customer-import";
import { MAX_IMPORT_BYTES, parseColumnsParam, type ImportSummary } from "@/lib/validation/customer-import";

export const dynamic = "force-dynamic";

/**
 * Imports a CSV file of customers (text/csv, a header line naming the columns)
 * and answers with what was written and every bad row by line and field.
 * `?dryRun=true` checks the file and writes nothing; `?columns={"externalId":"Account ID",…}`
 * reads fields from columns named otherwise (a mapping that does not fit the file is a 400).
 */
export const POST = withApiKey("customers:write", async (_caller, req) => {
  const dryRun = new URL(req.url).searchParams.get("dryRun");
  if (dryRun !== null && dryRun !== "true" && dryRun !== "false") {
    return apiError(400, "INVALID_PARAMETER", "dryRun is true or false.", [{ path: "dryRun", message: "Expected true or false" }]);
  }
  const columns = parseColumnsParam(new URL(req.url).searchParams.get("columns"));
  if (!columns.ok) return apiError(400, "INVALID_PARAMETER", columns.message, columns.details);
  const csv = await readCsv(req, MAX_IMPORT_BYTES);
  if (!csv.ok) return csv.response;
  try {
    const summary = await importCustomersCsv(csv.text, { dryRun: dryRun === "true", columns: columns.columns });
    return NextResponse.json(summary satisfies ImportSummary);
  } catch (err) {
    // A problem of the whole file (no header, a quote never closed) or too many rows: the API's codes.
    if (isDomainError(err) && err.code === "INVALID") return apiError(400, "INVALID_BODY", err.message, err.details);
    if (isDomainError(err) && err.code === "PAYLOAD_TOO_LARGE") return apiError(413, "TOO_MANY_ITEMS", err.message, err.details);
    throw err;
  }
});
