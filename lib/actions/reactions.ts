"use server";
import { authedAction } from "@/lib/auth/action";
import { reactToRecommendation } from "@/lib/services/reactions";
import { reactionSchema } from "@/lib/validation/feedback";

/** Accept, dismiss, snooze, mark done or undo one of the signed-in rep's recommendations. */
// No revalidatePath: the queue refreshes itself through TanStack Query, and a
// re-render here would count as another queue view and re-stamp shownAt.
export const reactAction = authedAction("queue.work", reactionSchema, async (user, input) => reactToRecommendation(user, input));
