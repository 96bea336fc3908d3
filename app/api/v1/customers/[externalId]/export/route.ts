import { NextResponse } from "next/server";
import { customerFromPath, unlimitedKeyRequired, withApiKey } from "@/lib/auth/api-key";
import { exportCustomer } from "@/lib/services/data-rights";
import type { CustomerExportResponse } from "@/lib/validation/api-responses";

export const dynamic = "force-dynamic";

/** All of one customer's data as one JSON document; recorded in the access record. */
export const GET = withApiKey("customers:export", async (caller, _req, ctx: { params: Promise<{ externalId: string }> }) => {
  const refused = unlimitedKeyRequired(caller, "an export");
  if (refused) return refused;
  const customer = await customerFromPath((await ctx.params).externalId);
  if (!customer.ok) return customer.response;
  const doc = await exportCustomer(customer.id, { apiKeyId: caller.keyId });
  return NextResponse.json(doc satisfies CustomerExportResponse, { headers: { "Cache-Control": "no-store" } });
});
