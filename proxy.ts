import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { authSecret, embedAllowedOrigins } from "@/lib/config/env";

// An optimistic first gate only: signed-out visitors go to /signin, session-less
// calls to internal APIs get 401. Every page, action and route checks again
// (lib/auth/guard.ts) and re-reads the user, so this is never the only check.
const PUBLIC = [/^\/signin$/, /^\/api\/health$/, /^\/api\/auth\//, /^\/api\/v1\//];

// Framing policy, read at run time: only the embed panel (and the sign-in page
// it may redirect to) may be framed, and only by the configured CRM origins.
const FRAMEABLE = [/^\/embed\//, /^\/signin$/];
function withFramePolicy(pathname: string, res: NextResponse): NextResponse {
  const origins = embedAllowedOrigins();
  if (FRAMEABLE.some((re) => re.test(pathname)) && origins.length > 0) {
    res.headers.set("Content-Security-Policy", `frame-ancestors 'self' ${origins.join(" ")}`);
  } else {
    res.headers.set("Content-Security-Policy", "frame-ancestors 'none'");
    res.headers.set("X-Frame-Options", "DENY");
  }
  return res;
}

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC.some((re) => re.test(pathname))) return withFramePolicy(pathname, NextResponse.next());
  const token = await getToken({ req, secret: authSecret() });
  if (token) return withFramePolicy(pathname, NextResponse.next());
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: { code: "UNAUTHENTICATED", message: "Sign in to use this endpoint." } }, { status: 401 });
  }
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  if (pathname !== "/") url.searchParams.set("callbackUrl", `${pathname}${search}`);
  return withFramePolicy(pathname, NextResponse.redirect(url));
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
