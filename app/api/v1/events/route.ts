import { NextResponse } from "next/server";
import { readBatch, withApiKey } from "@/lib/auth/api-key";
import { canQueueEvents, enqueueEvents } from "@/lib/services/event-jobs";
import { recordEvents } from "@/lib/services/ingest";
import { MAX_BATCH } from "@/lib/validation/api";
import type { EventJob, EventsResponse } from "@/lib/validation/api-responses";

export const dynamic = "force-dynamic";

/** Whether the caller asked for an asynchronous answer (RFC 7240 `Prefer: respond-async`). */
const wantsAsync = (req: Request) => /(^|[,\s])respond-async(\s*(;|,|$))/i.test(req.headers.get("prefer") ?? "");

/**
 * Record customer events; the touched customers are re-scored before the
 * answer. With `Prefer: respond-async` (on a Postgres server) the batch is
 * queued for a worker instead and answered 202 with the job to poll.
 */
export const POST = withApiKey("events:write", async (caller, req) => {
  const batch = await readBatch(req, "events", MAX_BATCH);
  if (!batch.ok) return batch.response;
  if (wantsAsync(req) && canQueueEvents()) {
    const job = await enqueueEvents(caller.keyId, batch.items);
    return NextResponse.json(job satisfies EventJob, { status: 202, headers: { Location: job.statusUrl, "Preference-Applied": "respond-async" } });
  }
  return NextResponse.json((await recordEvents(batch.items)) satisfies EventsResponse);
});
