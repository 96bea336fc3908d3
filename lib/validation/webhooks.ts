import { z } from "zod";
import { safeText } from "./postgres-safe";

/** The events an endpoint may subscribe to. */
export const WEBHOOK_EVENTS = ["suggestion.created", "suggestion.accepted", "suggestion.dismissed", "suggestion.done", "suggestion.converted", "model.drift"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_LABELS: Record<WebhookEvent, string> = {
  "suggestion.created": "Suggestion created",
  "suggestion.accepted": "Suggestion accepted",
  "suggestion.dismissed": "Suggestion dismissed",
  "suggestion.done": "Suggestion done",
  "suggestion.converted": "Suggestion converted (a purchase after acting on it)",
  "model.drift": "Model drift alert (a drift threshold crossed)",
};

const uuid = (what: string) => z.guid({ message: `Not a valid ${what} id` });

export const webhookUrlSchema = safeText(2000, { min: 1, tooShort: "Give the URL that will receive the events" }).refine(
  (u) => {
    try {
      const url = new URL(u);
      return (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  },
  { message: "Use an http:// or https:// URL, without a user name or password in it, e.g. https://crm.example.org/hooks/nudge" },
);

export const createWebhookEndpointSchema = z.object({
  url: webhookUrlSchema,
  description: safeText(200).default(""),
  events: z.array(z.enum(WEBHOOK_EVENTS, { message: `Must be one of ${WEBHOOK_EVENTS.join(", ")}` })).min(1, "Choose at least one event"),
});
export type CreateWebhookEndpointInput = z.output<typeof createWebhookEndpointSchema>;

export const webhookEndpointIdSchema = z.object({ id: uuid("endpoint") });
export const setWebhookEndpointEnabledSchema = z.object({ id: uuid("endpoint"), enabled: z.boolean() });
export const replayWebhookDeliverySchema = z.object({ id: uuid("delivery") });
