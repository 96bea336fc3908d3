import { NextResponse } from "next/server";
import { apiError, withSessionUser } from "@/lib/auth/api";
import { readCsv } from "@/lib/auth/api-key";
import { startCustomerImport } from "@/lib/services/customer-import";
import { MAX_IMPORT_BYTES, parseColumnsParam } from "@/lib/validation/customer-import";

export const dynamic = "force-dynamic";

/**
 * The admin import page uploads its file here (a CSV body; a server action
 * would cap the body at 1 MB): an admin only, from a page of this app (a
 * cross-site request is refused even if the browser sent the cookie), and the
 * import runs as a background job whose id is answered at once (`columns`:
 * the admin's column mapping, JSON, as the API's); the page polls
 * it with importStatusAction (lib/actions/customer-import.ts).
 */
export const POST = withSessionUser("customers.import", async (user, req) => {
  if (!sameOrigin(req)) return apiError(403, "FORBIDDEN", "Upload the file from Nudge's import page.");
  const url = new URL(req.url);
  const columns = parseColumnsParam(url.searchParams.get("columns"));
  if (!columns.ok) return apiError(400, "INVALID_PARAMETER", columns.message, columns.details);
  const csv = await readCsv(req, MAX_IMPORT_BYTES);
  if (!csv.ok) return csv.response;
  const fileName = (url.searchParams.get("file") ?? "upload.csv").slice(0, 200);
  const job = startCustomerImport(user.id, csv.text, { dryRun: url.searchParams.get("dryRun") === "true", fileName, columns: columns.columns });
  return NextResponse.json(job, { status: 202, headers: { "Cache-Control": "no-store" } });
});

/** A browser says where a request comes from (Sec-Fetch-Site, Origin); a request from another site is refused. */
function sameOrigin(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return false;
  const origin = req.headers.get("origin");
  if (origin === null) return site === "same-origin" || site === null;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? new URL(req.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
