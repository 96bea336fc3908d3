import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { readJson, withApiKey } from "@/lib/auth/api-key";
import { ReactionError, reactToRecommendation } from "@/lib/data/feedback";
import { recommendationOwner } from "@/lib/data/recommendations";
import { getActiveUserByEmail } from "@/lib/data/users";
import { issuesToDetails } from "@/lib/validation/api";
import { apiFeedbackSchema } from "@/lib/validation/api-feedback";
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

  const owner = /^[0-9a-f-]{36}$/i.test(id) ? await recommendationOwner(id) : null;
  if (!owner || owner.isControl) return apiError(404, "NOT_FOUND", "No recommendation has this id.");
  const actor = await getActiveUserByEmail(body.data.actorEmail);
  if (!actor || actor.id !== owner.repId) return apiError(403, "FORBIDDEN", "This user may not act on this recommendation.");
  try {
    const res = await reactToRecommendation(actor, reaction.data);
    return NextResponse.json({ recommendation: { id: res.id, status: res.status } });
  } catch (err) {
    if (err instanceof ReactionError) return apiError(err.code === "NOT_FOUND" ? 404 : 409, err.code, err.message);
    throw err;
  }
});
