import { NextResponse } from "next/server";
import { withSessionUser } from "@/lib/auth/api";
import { exportCustomer } from "@/lib/services/data-rights";

export const dynamic = "force-dynamic";

/** The admin UI's export: the same document as GET /api/v1/customers/{externalId}/export, as a download; recorded in the access record. */
export const GET = withSessionUser("privacy.manage", async (user, _req, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const doc = await exportCustomer(id, { userId: user.id });
  return NextResponse.json(doc, { headers: { "Content-Disposition": `attachment; filename="customer-${id}.json"`, "Cache-Control": "no-store" } });
});
