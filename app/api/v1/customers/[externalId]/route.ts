import { NextResponse } from "next/server";
import { customerFromPath, unlimitedKeyRequired, withApiKey } from "@/lib/auth/api-key";
import { eraseCustomer } from "@/lib/services/data-rights";
import type { ErasureResponse } from "@/lib/validation/api-responses";

export const dynamic = "force-dynamic";

/** Erases the customer's personal data; afterwards the externalId no longer resolves (a repeat answers 404). */
export const DELETE = withApiKey("customers:erase", async (caller, _req, ctx: { params: Promise<{ externalId: string }> }) => {
  const refused = unlimitedKeyRequired(caller, "an erasure");
  if (refused) return refused;
  const customer = await customerFromPath((await ctx.params).externalId);
  if (!customer.ok) return customer.response;
  const r = await eraseCustomer(customer.id, { apiKeyId: caller.keyId });
  return NextResponse.json({ customerId: r.customerId, erasedAt: r.erasedAt, alreadyErased: r.alreadyErased } satisfies ErasureResponse);
});
