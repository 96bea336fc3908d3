"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { answerPulse, recordFeature, recordTour, setTarget, updatePulseEveryWeeks } from "@/lib/services/engagement";
import { featureUseSchema, pulseAnswerSchema, pulseSettingsSchema, targetSchema, tourEventSchema } from "@/lib/validation/engagement";

/** The first-run tour started, finished or skipped (any signed-in role). */
export const recordTourAction = authedAction("tour.take", tourEventSchema, async (user, input) => {
  await recordTour(user, input);
  return { recorded: true };
});

/** A key feature used in the queue (keyboard shortcuts), once per page load. */
export const recordFeatureAction = authedAction("queue.work", featureUseSchema, async (user, input) => {
  await recordFeature(user, input.feature);
  return { recorded: true };
});

/** A pulse answer or dismissal (reps; refused when the question is not due). */
export const answerPulseAction = authedAction("queue.work", pulseAnswerSchema, async (user, input) => {
  await answerPulse(user, input);
  return { saved: true };
});

/** How often the pulse asks each user (admins). */
export const updatePulseSettingsAction = authedAction("catalog.manage", pulseSettingsSchema, async (user, input) => {
  const weeks = await updatePulseEveryWeeks(user.id, input.pulseEveryWeeks);
  revalidatePath("/dashboards/adoption");
  return { pulseEveryWeeks: weeks };
});

/** Sets or removes an adoption target (admins: any team or program-wide; managers: their own team). */
export const setTargetAction = authedAction("targets.manage", targetSchema, async (user, input) => {
  await setTarget(user, input);
  revalidatePath("/dashboards/adoption");
  return { metric: input.metric, teamId: input.teamId, threshold: input.threshold };
});
