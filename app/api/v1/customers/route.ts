import { NextResponse } from "next/server";
import { readBatch, withApiKey } from "@/lib/auth/api-key";
import { upsertCustomers } from "@/lib/services/ingest";
import { MAX_BATCH } from "@/lib/validation/api";
import type { CustomersResponse } from "@/lib/validation/api-responses";

export const dynamic = "force-dynamic";

/** Create or update customers by externalId; one result per item, in order. */
export const POST = withApiKey("customers:write", async (caller, req) => {
  const batch = await readBatch(req, "customers", MAX_BATCH);
  if (!batch.ok) return batch.response;
  return NextResponse.json({ results: await upsertCustomers(batch.items, { apiKeyId: caller.keyId }) } satisfies CustomersResponse);
});
