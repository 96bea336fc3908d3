"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { DomainError } from "@/lib/domain/errors";
import { issueApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/validation/admin";

/** Issues a key; the secret is in this response only. */
export const createApiKeyAction = authedAction("apiKeys.manage", createApiKeySchema, async (user, input) => {
  const created = await issueApiKey(user.id, input.name, input.scopes);
  revalidatePath("/admin/api-keys");
  return created;
});

/** Revokes a key; the API refuses it from the next request on. */
export const revokeApiKeyAction = authedAction("apiKeys.manage", revokeApiKeySchema, async (user, input) => {
  const res = await revokeApiKey(user.id, input.id);
  if (!res) throw new DomainError("NOT_FOUND", "This API key no longer exists");
  revalidatePath("/admin/api-keys");
  return res;
});
