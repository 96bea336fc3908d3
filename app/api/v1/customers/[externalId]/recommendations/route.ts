import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { contactPurposesOf, withApiKey } from "@/lib/auth/api-key";
import { markShownViaApi, openRecommendationsForExternalId } from "@/lib/data/recommendations";
import { MAX_EXTERNAL_ID } from "@/lib/validation/api";
import type { RecommendationsResponse } from "@/lib/validation/api-responses";
import { pathParamProblem } from "@/lib/validation/postgres-safe";

export const dynamic = "force-dynamic";

export const GET = withApiKey("recommendations:read", async (caller, _req, ctx: { params: Promise<{ externalId: string }> }) => {
  // The router has decoded the segment once already: decoding again would turn "%25" into "%" and fail.
  const { externalId } = await ctx.params;
  const problem = pathParamProblem(externalId, MAX_EXTERNAL_ID);
  if (problem === "bad") {
    return apiError(400, "INVALID_PARAMETER", "The externalId in the path contains control characters or is not valid Unicode.", [{ path: "externalId", message: "Not a valid externalId" }]);
  }
  if (problem === "too-long") return apiError(404, "NOT_FOUND", `No customer has this externalId (externalIds have at most ${MAX_EXTERNAL_ID} characters).`);
  // A key limited to some purposes reads only the suggestions of those purposes (a marketing system sees no service-only advice).
  const recommendations = await openRecommendationsForExternalId(externalId, new Date(), contactPurposesOf(caller));
  if (!recommendations) return apiError(404, "NOT_FOUND", `No customer has the externalId "${externalId}".`);
  // Read means shown: silence after this teaches the engine (an ignored outcome when it lapses).
  await markShownViaApi(recommendations.map((r) => r.id));
  return NextResponse.json({ recommendations } satisfies RecommendationsResponse);
});
