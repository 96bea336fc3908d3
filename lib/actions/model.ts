"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { rollbackToVersion } from "@/lib/services/model-lifecycle";
import { rollbackModelSchema } from "@/lib/validation/model";

/** Makes an earlier model version the active one (admins only; audited). */
export const rollbackModelAction = authedAction("model.manage", rollbackModelSchema, async (user, input) => {
  const result = await rollbackToVersion(user.id, input.versionId);
  revalidatePath("/dashboards/model");
  return result;
});
