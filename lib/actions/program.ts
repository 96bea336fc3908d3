"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { updateDriftThresholds, updateLearningSettings, updateProgramSettings } from "@/lib/services/program";
import { driftThresholdsSchema, learningSettingsSchema, programSettingsSchema } from "@/lib/validation/program";

/** Saves the global holdout's share and schedule (admins only; audited). */
export const updateProgramSettingsAction = authedAction("catalog.manage", programSettingsSchema, async (user, input) => {
  const saved = await updateProgramSettings(user.id, input);
  revalidatePath("/admin/holdout");
  return { globalHoldoutPct: saved.globalHoldoutPct, holdoutRedraw: saved.holdoutRedraw };
});

/** Saves the forgetting half-life and the exploration cap (admins only; audited). */
export const updateLearningSettingsAction = authedAction("catalog.manage", learningSettingsSchema, async (user, input) => {
  const saved = await updateLearningSettings(user.id, input);
  revalidatePath("/admin/catalog");
  return { learningHalfLifeDays: saved.learningHalfLifeDays, explorationSharePct: saved.explorationSharePct };
});

/** Saves the drift monitor's thresholds (admins only; audited). */
export const updateDriftThresholdsAction = authedAction("catalog.manage", driftThresholdsSchema, async (user, input) => {
  const saved = await updateDriftThresholds(user.id, input);
  revalidatePath("/admin/catalog");
  revalidatePath("/dashboards/model");
  return { driftAcceptanceShiftPct: saved.driftAcceptanceShiftPct, driftZScore: saved.driftZScore, driftPsi: saved.driftPsi };
});
