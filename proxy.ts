import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

// An optimistic first gate only: signed-out visitors go to /signin, session-less
// calls to internal APIs get 401. Every page, action and route checks again
// (lib/auth/guard.ts) and re-reads the user, so this is never the only check.
const PUBLIC = [/^\/signin$/, /^\/api\/health$/, /^\/api\/auth\//, /^\/api\/v1\//];

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC.some((re) => re.test(pathname))) return NextResponse.next();
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: { code: "UNAUTHENTICATED", message: "Sign in to use this endpoint." } }, { status: 401 });
  }
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  if (pathname !== "/") url.searchParams.set("callbackUrl", `${pathname}${search}`);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
