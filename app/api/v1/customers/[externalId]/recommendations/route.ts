import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { withApiKey } from "@/lib/auth/api-key";
import { openRecommendationsForExternalId } from "@/lib/data/recommendations";

export const dynamic = "force-dynamic";

export const GET = withApiKey("recommendations:read", async (_caller, _req, ctx: { params: Promise<{ externalId: string }> }) => {
  const { externalId } = await ctx.params;
  const recommendations = await openRecommendationsForExternalId(decodeURIComponent(externalId));
  if (!recommendations) return apiError(404, "NOT_FOUND", `No customer has the externalId "${externalId}".`);
  return NextResponse.json({ recommendations });
});
