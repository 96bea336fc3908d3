"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { createWebhookEndpoint, deleteWebhookEndpoint, replayWebhookDelivery, setWebhookEndpointEnabled } from "@/lib/services/webhooks";
import { createWebhookEndpointSchema, replayWebhookDeliverySchema, setWebhookEndpointEnabledSchema, webhookEndpointIdSchema } from "@/lib/validation/webhooks";

/** Registers an endpoint; its signing secret is in this response only. */
export const createWebhookEndpointAction = authedAction("webhooks.manage", createWebhookEndpointSchema, async (user, input) => {
  const created = await createWebhookEndpoint(user.id, input);
  revalidatePath("/admin/webhooks");
  return created;
});

/** Pauses or resumes an endpoint (paused deliveries wait). */
export const setWebhookEndpointEnabledAction = authedAction("webhooks.manage", setWebhookEndpointEnabledSchema, async (user, input) => {
  await setWebhookEndpointEnabled(user.id, input.id, input.enabled);
  revalidatePath("/admin/webhooks");
  return { enabled: input.enabled };
});

export const deleteWebhookEndpointAction = authedAction("webhooks.manage", webhookEndpointIdSchema, async (user, input) => {
  await deleteWebhookEndpoint(user.id, input.id);
  revalidatePath("/admin/webhooks");
  return { deleted: true };
});

/** Sends a delivered or dead delivery again, with the same event id. */
export const replayWebhookDeliveryAction = authedAction("webhooks.manage", replayWebhookDeliverySchema, async (user, input) => {
  await replayWebhookDelivery(user.id, input.id);
  revalidatePath("/admin/webhooks");
  return { replayed: true };
});
