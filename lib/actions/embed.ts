"use server";
import { tokenAction } from "@/lib/auth/action";
import { embedUser, reactInEmbed } from "@/lib/services/embed";
import { reactionSchema } from "@/lib/validation/feedback";

/**
 * A reaction from the embed panel inside a CRM's frame, authenticated by the
 * panel's frame token instead of a session cookie (third-party cookies are
 * blocked there): only on the frame's own customer, with the queue's rules.
 */
export const embedReactAction = tokenAction(async (token) => (await embedUser(token, null, ["frame"]))?.user ?? null, "queue.work", reactionSchema, async (user, input, token) => reactInEmbed(user, token, input));
