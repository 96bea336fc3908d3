import { NextResponse } from "next/server";
import { databaseIsUp } from "@/lib/data/health";
import { UNAVAILABLE_RETRY_AFTER_S } from "@/lib/data/retry";

export const dynamic = "force-dynamic";

export async function GET() {
  const up = await databaseIsUp();
  return NextResponse.json(up ? { status: "ok", database: "up" } : { status: "error", database: "down" }, {
    status: up ? 200 : 503,
    headers: up ? { "Cache-Control": "no-store" } : { "Cache-Control": "no-store", "Retry-After": String(UNAVAILABLE_RETRY_AFTER_S) },
  });
}
