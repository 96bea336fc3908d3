"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/auth/action";
import { createActionType, setActionTypeActive, updateActionType } from "@/lib/services/catalog";
import { generateRecommendations } from "@/lib/services/generation";
import { cancelJob, getJob, startJob } from "@/lib/services/jobs";
import { previewActionType } from "@/lib/services/preview";
import { createActionTypeSchema, previewActionTypeSchema, setActionTypeActiveSchema, updateActionTypeSchema } from "@/lib/validation/catalog";

/** Creates an action type (version 1). */
export const createActionTypeAction = authedAction("catalog.manage", createActionTypeSchema, async (user, input) => {
  const created = await createActionType(user.id, input);
  revalidatePath("/admin/catalog");
  return created;
});

/** Saves an edit as a new version. */
export const updateActionTypeAction = authedAction("catalog.manage", updateActionTypeSchema, async (user, input) => {
  const saved = await updateActionType(user.id, input);
  revalidatePath("/admin/catalog");
  revalidatePath(`/admin/catalog/${input.id}`);
  return saved;
});

/** Switches an action on or off; off expires its open recommendations. */
export const setActionTypeActiveAction = authedAction("catalog.manage", setActionTypeActiveSchema, async (user, input) => {
  const res = await setActionTypeActive(user.id, input.id, input.active);
  revalidatePath("/admin/catalog");
  revalidatePath(`/admin/catalog/${input.id}`);
  return res;
});

/**
 * Starts computing what the draft would do now (the engine's real pipeline,
 * writing nothing) as a background job; returns the job to poll.
 */
export const previewActionTypeAction = authedAction("catalog.manage", previewActionTypeSchema, async (user, input) =>
  startJob("preview", user.id, (job) => previewActionType(input, { job }), { timeBudgetMs: 120_000 }),
);

/** Starts batch generation now, as `npm run engine:generate` does, as a background job; returns the job to poll. */
export const runGenerationAction = authedAction("catalog.manage", z.object({}), async (user) =>
  startJob("generation", user.id, async (job) => {
    const res = await generateRecommendations({ job });
    revalidatePath("/admin/catalog");
    return res;
  }, { timeBudgetMs: 10 * 60_000 }),
);

const jobIdSchema = z.object({ id: z.string().uuid("Unknown run") });

/** Progress and, when finished, the result of one of the caller's jobs. */
export const jobStatusAction = authedAction("catalog.manage", jobIdSchema, async (user, { id }) => getJob(id, user.id));

/** Cancels one of the caller's running jobs (a generation run stops before it writes). */
export const cancelJobAction = authedAction("catalog.manage", jobIdSchema, async (user, { id }) => {
  cancelJob(id, user.id);
  return { id };
});
