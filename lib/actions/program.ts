"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { updateProgramSettings } from "@/lib/services/program";
import { programSettingsSchema } from "@/lib/validation/program";

/** Saves the global holdout's share and schedule (admins only; audited). */
export const updateProgramSettingsAction = authedAction("catalog.manage", programSettingsSchema, async (user, input) => {
  const saved = await updateProgramSettings(user.id, input);
  revalidatePath("/admin/holdout");
  return { globalHoldoutPct: saved.globalHoldoutPct, holdoutRedraw: saved.holdoutRedraw };
});
