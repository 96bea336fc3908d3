import { NextResponse } from "next/server";
import { apiError } from "@/lib/auth/api";
import { withApiKey } from "@/lib/auth/api-key";
import { outcomeFeedPage } from "@/lib/data/feeds";
import { issuesToDetails } from "@/lib/validation/api";
import { encodeFeedCursor, feedQuerySchema, type OutcomesFeedResponse } from "@/lib/validation/feeds";

export const dynamic = "force-dynamic";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Recommendations created or changed (status, outcome) after the cursor, oldest change first (scope feeds:read). */
export const GET = withApiKey("feeds:read", async (_caller, req) => {
  const query = feedQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) return apiError(400, "INVALID_PARAMETER", "The cursor or limit is not valid.", issuesToDetails(query.error.issues));
  const page = await outcomeFeedPage(query.data.cursor ?? null, query.data.limit);
  const last = page.last ?? query.data.cursor ?? null;
  return NextResponse.json({
    data: page.items.map(({ position: _p, ...r }) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      decidedAt: iso(r.decidedAt),
      purchasedAt: iso(r.purchasedAt),
      convertedAt: iso(r.convertedAt),
      changedAt: r.changedAt.toISOString(),
    })) as OutcomesFeedResponse["data"],
    nextCursor: last ? encodeFeedCursor(last) : null,
    hasMore: page.full,
  } satisfies OutcomesFeedResponse);
});
