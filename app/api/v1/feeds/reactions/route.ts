import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { withApiKey } from "@/lib/auth/api-key";
import { reactionFeedPage } from "@/lib/data/feeds";
import { issuesToDetails } from "@/lib/validation/api";
import { encodeFeedCursor, feedQuerySchema, type ReactionsFeedResponse } from "@/lib/validation/feeds";

export const dynamic = "force-dynamic";

/** Reactions recorded after the cursor, oldest first (scope feeds:read). */
export const GET = withApiKey("feeds:read", async (_caller, req) => {
  const query = feedQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) return apiError(400, "INVALID_PARAMETER", "The cursor or limit is not valid.", issuesToDetails(query.error.issues));
  const page = await reactionFeedPage(query.data.cursor ?? null, query.data.limit);
  const last = page.last ?? query.data.cursor ?? null;
  return NextResponse.json({
    data: page.items.map(({ position: _p, at, ...r }) => ({ ...r, at: at.toISOString() })) as ReactionsFeedResponse["data"],
    nextCursor: last ? encodeFeedCursor(last) : null,
    hasMore: page.full,
  } satisfies ReactionsFeedResponse);
});
