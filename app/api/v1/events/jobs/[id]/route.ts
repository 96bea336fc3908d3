import { NextResponse } from "next/server";
import { z } from "zod";
import { apiError } from "@/lib/auth/api";
import { withApiKey } from "@/lib/auth/api-key";
import { eventJobStatus } from "@/lib/services/event-jobs";
import type { EventJob } from "@/lib/validation/api-responses";

export const dynamic = "force-dynamic";

const jobId = z.guid();

/** The status of an events batch queued with `Prefer: respond-async`, for the key that queued it. */
export const GET = withApiKey("events:write", async (caller, _req, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  if (!jobId.safeParse(id).success) return apiError(400, "INVALID_PARAMETER", "The job id in the path is not a UUID.", [{ path: "id", message: "Not a job id" }]);
  const job = await eventJobStatus(caller.keyId, id);
  if (!job) return apiError(404, "NOT_FOUND", `No events job ${id} was queued with this API key.`);
  return NextResponse.json(job satisfies EventJob, { headers: { "Cache-Control": "no-store" } });
});
