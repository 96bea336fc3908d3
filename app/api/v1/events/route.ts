import { NextResponse } from "next/server";
import { readBatch, withApiKey } from "@/lib/auth/api-key";
import { recordEvents } from "@/lib/services/ingest";
import { MAX_BATCH } from "@/lib/validation/api";
import type { EventsResponse } from "@/lib/validation/api-responses";

export const dynamic = "force-dynamic";

/** Record customer events; the touched customers are re-scored before the answer. */
export const POST = withApiKey("events:write", async (_caller, req) => {
  const batch = await readBatch(req, "events", MAX_BATCH);
  if (!batch.ok) return batch.response;
  return NextResponse.json((await recordEvents(batch.items)) satisfies EventsResponse);
});
