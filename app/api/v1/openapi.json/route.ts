import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/validation/openapi";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return NextResponse.json(openApiDocument(new URL(req.url).origin));
}
