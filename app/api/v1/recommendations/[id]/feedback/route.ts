import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { readJson, withApiKey } from "@/lib/auth/api-key";
import { reactOnBehalf } from "@/lib/services/reactions";
import { issuesToDetails } from "@/lib/validation/api";
import { apiFeedbackSchema } from "@/lib/validation/api-feedback";
import type { FeedbackResponse } from "@/lib/validation/api-responses";
import { reactionSchema } from "@/lib/validation/feedback";

export const dynamic = "force-dynamic";

/** A reaction recorded by another system on behalf of a rep: same rules and idempotency as the queue. */
export const POST = withApiKey("feedback:write", async (_caller, req, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const json = await readJson(req);
  if (!json.ok) return json.response;
  const body = apiFeedbackSchema.safeParse(json.body);
  if (!body.success) return apiError(400, "INVALID_BODY", "The feedback is not valid.", issuesToDetails(body.error.issues));
  const reaction = reactionSchema.safeParse({ ...body.data, recommendationId: id });
  if (!reaction.success) return apiError(400, "INVALID_BODY", "The feedback is not valid.", issuesToDetails(reaction.error.issues));
  // NOT_FOUND (404), FORBIDDEN (403) and CONFLICT (409) are answered by withApiKey.
  const res = await reactOnBehalf(body.data.actorEmail, reaction.data);
  return NextResponse.json({ recommendation: { id: res.id, status: res.status } } satisfies FeedbackResponse);
});
