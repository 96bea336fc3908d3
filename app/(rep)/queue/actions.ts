"use server";
import { revalidatePath } from "next/cache";
import { ActionFailure, authedAction } from "@/lib/auth/action";
import { ReactionError, reactToRecommendation } from "@/lib/data/feedback";
import { reactionSchema } from "@/lib/validation/feedback";

/** Accept, dismiss, snooze, mark done or undo one of the signed-in rep's recommendations. */
export const reactAction = authedAction("queue.work", reactionSchema, async (user, input) => {
  try {
    const result = await reactToRecommendation(user, input);
    revalidatePath("/queue");
    return result;
  } catch (err) {
    if (err instanceof ReactionError) throw new ActionFailure(err.code, err.message);
    throw err;
  }
});
