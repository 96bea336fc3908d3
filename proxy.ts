import { NextResponse, type NextRequest } from "next/server";
import { authSecret, embedAllowedOrigins, env, publicUrl } from "@/lib/config/env";
import { contentSecurityPolicy } from "@/lib/config/security-headers";
import { cachedEmbedOrigins } from "@/lib/data/embed-origins";
import { decodeSessionToken, sessionTokenFrom } from "@/lib/auth/session-token";

// An optimistic first gate only: signed-out visitors go to /signin, session-less
// calls to internal APIs get 401. Every page, action and route checks again
// (lib/auth/guard.ts) and re-reads the user, so this is never the only check.
// The embed panel checks itself: inside a CRM's frame it is signed in by a token, not a cookie.
const PUBLIC = [/^\/signin$/, /^\/api\/health$/, /^\/api\/auth\//, /^\/api\/v1\//, /^\/embed\//];

// Framing policy, read at run time: only the embed panel may be framed, and
// only by the CRM origins admins allowed on /admin/api-keys (from the database,
// cached briefly: lib/data/embed-origins.ts) plus any in EMBED_ALLOWED_ORIGINS. (Sign-in is never framed: the panel is
// signed in by an embed token, since a cookie would be blocked in the frame.)
const FRAMEABLE = [/^\/embed\//];

/** 128 random bits, base64: a fresh nonce per request. */
function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Served over https: the public URL says so, or the proxy in front of us does. */
function servedOverHttps(req: NextRequest): boolean {
  return (publicUrl() ?? "").startsWith("https://") || req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" || req.nextUrl.protocol === "https:";
}

interface Security {
  nonce: string;
  csp: string;
  frameable: boolean;
  https: boolean;
}

async function security(req: NextRequest): Promise<Security> {
  const embed = FRAMEABLE.some((re) => re.test(req.nextUrl.pathname));
  const origins = embed ? [...new Set([...embedAllowedOrigins(), ...(await cachedEmbedOrigins())])] : [];
  const frameable = embed && origins.length > 0;
  const nonce = newNonce();
  const https = servedOverHttps(req);
  const csp = contentSecurityPolicy(nonce, { frameAncestors: frameable ? `'self' ${origins.join(" ")}` : "'none'", dev: env().NODE_ENV === "development", https });
  return { nonce, csp, frameable, https };
}

/**
 * Headers every proxied response carries. The static ones (X-Content-Type-Options,
 * Referrer-Policy, Permissions-Policy) are in next.config.js, so files under
 * /_next/static have them too.
 */
function withSecurityHeaders(s: Security, res: NextResponse): NextResponse {
  res.headers.set("Content-Security-Policy", s.csp);
  if (!s.frameable) res.headers.set("X-Frame-Options", "DENY");
  if (s.https) res.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return res;
}

/** Continue to the page, handing it the nonce (Next applies it to its scripts). */
function next(req: NextRequest, s: Security): NextResponse {
  const headers = new Headers(req.headers);
  headers.set("x-nonce", s.nonce);
  headers.set("Content-Security-Policy", s.csp);
  return withSecurityHeaders(s, NextResponse.next({ request: { headers } }));
}

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const s = await security(req);
  if (PUBLIC.some((re) => re.test(pathname))) return next(req, s);
  const token = await decodeSessionToken(sessionTokenFrom((name) => req.cookies.get(name)?.value), authSecret());
  if (token) return next(req, s);
  if (pathname.startsWith("/api/")) {
    return withSecurityHeaders(s, NextResponse.json({ error: { code: "UNAUTHENTICATED", message: "Sign in to use this endpoint." } }, { status: 401 }));
  }
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  if (pathname !== "/") url.searchParams.set("callbackUrl", `${pathname}${search}`);
  return withSecurityHeaders(s, NextResponse.redirect(url));
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
