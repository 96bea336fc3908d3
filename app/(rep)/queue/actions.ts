"use server";
import { ActionFailure, authedAction } from "@/lib/auth/action";
import { ReactionError, reactToRecommendation } from "@/lib/data/feedback";
import { reactionSchema } from "@/lib/validation/feedback";

/** Accept, dismiss, snooze, mark done or undo one of the signed-in rep's recommendations. */
export const reactAction = authedAction("queue.work", reactionSchema, async (user, input) => {
  try {
    // No revalidatePath: the queue refreshes itself through TanStack Query, and a
    // re-render here would count as another queue view and re-stamp shownAt.
    return await reactToRecommendation(user, input);
  } catch (err) {
    if (err instanceof ReactionError) throw new ActionFailure(err.code, err.message);
    throw err;
  }
});
