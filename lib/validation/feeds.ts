import { z } from "zod";
import { DISMISS_REASONS } from "./feedback";
import { RECOMMENDATION_STATUSES, REACTION_KINDS } from "@/lib/domain/vocabulary";

// The BI feeds' query (cursor, limit) and answers. A cursor is opaque to
// clients: base64url of "<transaction id>.<log id>" (lib/data/feeds.ts).

export const FEED_MAX_LIMIT = 1000;
export const FEED_DEFAULT_LIMIT = 500;

export function encodeFeedCursor(p: { txId: string; id: string }): string {
  return Buffer.from(`${p.txId}.${p.id}`, "utf8").toString("base64url");
}

const cursorSchema = z
  .string()
  .max(100, "Not a cursor from this feed")
  .transform((c, ctx) => {
    const m = /^(\d{1,19})\.(\d{1,19})$/.exec(Buffer.from(c, "base64url").toString("utf8"));
    if (!m) {
      ctx.addIssue({ code: "custom", message: "Not a cursor from this feed: pass nextCursor from the previous page as it was, or omit it to start from the beginning" });
      return z.NEVER;
    }
    return { txId: m[1]!, id: m[2]! };
  });

export const feedQuerySchema = z.object({
  cursor: cursorSchema.optional(),
  limit: z.coerce
    .number({ message: `Give limit as a whole number from 1 to ${FEED_MAX_LIMIT}` })
    .int(`Give limit as a whole number from 1 to ${FEED_MAX_LIMIT}`)
    .min(1, "limit is at least 1")
    .max(FEED_MAX_LIMIT, `limit is at most ${FEED_MAX_LIMIT}`)
    .default(FEED_DEFAULT_LIMIT),
});

const page = (item: z.ZodType) =>
  z.strictObject({
    data: z.array(item).meta({ description: "The entries after the cursor, oldest first" }),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null when nothing has been read yet. Keep it to resume later: the feed never skips or repeats an entry" }),
    hasMore: z.boolean().meta({ description: "True when the page was full: ask again at once. False: you are caught up; poll later with nextCursor" }),
  });

export const reactionFeedItemSchema = z
  .strictObject({
    id: z.int().meta({ description: "The reaction's id" }),
    recommendationId: z.guid(),
    kind: z.enum(REACTION_KINDS),
    dismissReason: z.enum(DISMISS_REASONS).nullable(),
    previousStatus: z.enum(RECOMMENDATION_STATUSES),
    status: z.enum(RECOMMENDATION_STATUSES).nullable().meta({ description: "The status the reaction led to (null on reactions recorded before this was kept)" }),
    at: z.iso.datetime(),
    repEmail: z.string(),
    actionKey: z.string(),
    customerExternalId: z.string(),
  })
  .meta({ id: "ReactionFeedItem" });

export const reactionsFeedResponseSchema = page(reactionFeedItemSchema).meta({
  id: "ReactionsFeedPage",
  example: {
    data: [
      {
        id: 5279,
        recommendationId: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10",
        kind: "ACCEPT",
        dismissReason: null,
        previousStatus: "PENDING",
        status: "ACCEPTED",
        at: "2026-12-02T09:31:12.000Z",
        repEmail: "rep@example.org",
        actionKey: "winback_call",
        customerExternalId: "CRM-1001",
      },
    ],
    nextCursor: "MTIzNDUuNjc4",
    hasMore: false,
  },
});
export type ReactionsFeedResponse = z.infer<typeof reactionsFeedResponseSchema>;

export const outcomeFeedItemSchema = z
  .strictObject({
    recommendationId: z.guid(),
    actionKey: z.string(),
    customerExternalId: z.string(),
    repEmail: z.string(),
    isControl: z.boolean().meta({ description: "A control-group suggestion (never shown): the comparison arm" }),
    status: z.enum(RECOMMENDATION_STATUSES),
    createdAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().nullable(),
    purchasedAt: z.iso.datetime().nullable().meta({ description: "The customer's first purchase within the attribution window after the suggestion was created" }),
    convertedAt: z.iso.datetime().nullable().meta({ description: "Accepted or done: the first purchase within the attribution window after the decision" }),
    attributedRevenue: z.string().regex(/^\d+(\.\d{1,2})?$/).meta({ description: "Purchases credited to this suggestion, as a decimal string" }),
    changedAt: z.iso.datetime().meta({ description: "When this state was reached" }),
  })
  .meta({ id: "OutcomeFeedItem" });

export const outcomesFeedResponseSchema = page(outcomeFeedItemSchema).meta({
  id: "OutcomesFeedPage",
  example: {
    data: [
      {
        recommendationId: "0b7c3a52-6a3e-4f7e-9b0e-2f4d8c1e5a10",
        actionKey: "winback_call",
        customerExternalId: "CRM-1001",
        repEmail: "rep@example.org",
        isControl: false,
        status: "DONE",
        createdAt: "2026-12-01T09:00:00.000Z",
        decidedAt: "2026-12-02T09:31:12.000Z",
        purchasedAt: "2026-12-03T14:02:00.000Z",
        convertedAt: "2026-12-03T14:02:00.000Z",
        attributedRevenue: "250.00",
        changedAt: "2026-12-03T14:02:01.000Z",
      },
    ],
    nextCursor: "MTIzNDUuNjc4",
    hasMore: false,
  },
});
export type OutcomesFeedResponse = z.infer<typeof outcomesFeedResponseSchema>;
