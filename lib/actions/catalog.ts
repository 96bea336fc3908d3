"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/auth/action";
import { createActionType, setActionTypeActive, updateActionType } from "@/lib/services/catalog";
import { generateRecommendations } from "@/lib/services/generation";
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

/** What the draft would do now, computed by the engine; writes nothing. */
export const previewActionTypeAction = authedAction("catalog.manage", previewActionTypeSchema, async (_user, input) => previewActionType(input));

/** Runs batch generation now, as `npm run engine:generate` does. */
export const runGenerationAction = authedAction("catalog.manage", z.object({}), async () => {
  const res = await generateRecommendations();
  revalidatePath("/admin/catalog");
  return res;
});
