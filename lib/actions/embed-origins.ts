"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { addEmbedOrigin, removeEmbedOrigin } from "@/lib/services/embed-origins";
import { addEmbedOriginSchema, removeEmbedOriginSchema } from "@/lib/validation/embed-origins";

/** Allows a CRM origin to frame the embed panel (admins only; audited). */
export const addEmbedOriginAction = authedAction("apiKeys.manage", addEmbedOriginSchema, async (user, input) => {
  const res = await addEmbedOrigin(user.id, input.origin);
  revalidatePath("/admin/api-keys");
  return res;
});

/** Stops a CRM origin from framing the embed panel (admins only; audited). */
export const removeEmbedOriginAction = authedAction("apiKeys.manage", removeEmbedOriginSchema, async (user, input) => {
  const res = await removeEmbedOrigin(user.id, input.origin);
  revalidatePath("/admin/api-keys");
  return res;
});
