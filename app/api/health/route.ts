import { NextResponse } from "next/server";
import { databaseIsUp } from "@/lib/data/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const up = await databaseIsUp();
  return NextResponse.json(
    up ? { status: "ok", database: "up" } : { status: "error", database: "down" },
    { status: up ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
