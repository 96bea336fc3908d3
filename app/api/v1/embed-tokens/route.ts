import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { readJson, withApiKey } from "@/lib/auth/api-key";
import { issueEmbedToken } from "@/lib/services/embed";
import { embedTokenRequestSchema, issuesToDetails } from "@/lib/validation/api";
import type { EmbedTokenResponse } from "@/lib/validation/api-responses";

export const dynamic = "force-dynamic";

/**
 * A short-lived token that opens the embed panel for one rep and one of their
 * customers inside a CRM's frame, without cookies: the CRM's server asks for
 * it when it renders the record and puts `path` in the iframe's src.
 */
export const POST = withApiKey("embed:issue", async (_caller, req) => {
  const json = await readJson(req);
  if (!json.ok) return json.response;
  const body = embedTokenRequestSchema.safeParse(json.body);
  if (!body.success) return apiError(400, "INVALID_BODY", "The request is not valid.", issuesToDetails(body.error.issues));
  // An unknown rep or a customer they may not see is a 404 (answered by withApiKey).
  const issued = await issueEmbedToken(body.data);
  return NextResponse.json(issued satisfies EmbedTokenResponse, { headers: { "Cache-Control": "no-store" } });
});
