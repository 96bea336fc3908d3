import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { customerFromPath, mayUsePurpose, readJson, withApiKey } from "@/lib/auth/api-key";
import { recordConsent } from "@/lib/services/consent";
import { issuesToDetails } from "@/lib/validation/api";
import type { ConsentResponse } from "@/lib/validation/api-responses";
import { consentRequestSchema } from "@/lib/validation/consent";

export const dynamic = "force-dynamic";

/** Records consent changes; open suggestions of a purpose that lost consent are withdrawn in the same transaction. */
export const POST = withApiKey("consent:write", async (caller, req, ctx: { params: Promise<{ externalId: string }> }) => {
  const { externalId } = await ctx.params;
  const json = await readJson(req);
  if (!json.ok) return json.response;
  const body = consentRequestSchema.safeParse(json.body);
  if (!body.success) return apiError(400, "INVALID_BODY", "The consent changes are not valid.", issuesToDetails(body.error.issues));
  const outside = body.data.changes.find((c) => !mayUsePurpose(caller, c.purpose));
  if (outside) return apiError(403, "FORBIDDEN", `This API key is limited to ${caller.purposes.join(", ")} and may not record ${outside.purpose} consent.`);
  const customer = await customerFromPath(externalId);
  if (!customer.ok) return customer.response;
  const result = await recordConsent(customer.id, body.data.changes, { apiKeyId: caller.keyId, source: "api" });
  return NextResponse.json({ consent: result.consent, withdrawn: result.withdrawn } satisfies ConsentResponse);
});
