import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { authSecret } from "@/lib/config/env";

// Signed tokens that authenticate the embed panel inside a CRM's frame without
// any cookie (browsers block third-party cookies there). Two kinds:
// - "exchange": minted by POST /api/v1/embed-tokens for one rep and one
//   customer, lives EXCHANGE_TTL_S; the CRM puts it in the frame's URL.
// - "frame": handed to the panel when it opens with an exchange token, lives
//   FRAME_TTL_S; the panel's reactions and refreshes carry it.
// Both name the rep's session version, so signing out everywhere, a password
// reset, a role change or deactivation ends them at once. HMAC-SHA256 with a
// key derived from NEXTAUTH_SECRET (never the session key itself).

export const EXCHANGE_TTL_S = 300;
export const FRAME_TTL_S = 8 * 3600;

const claimsSchema = z.strictObject({
  typ: z.enum(["exchange", "frame"]),
  sub: z.string().uuid(),
  sv: z.number().int(),
  cust: z.string().min(1).max(100),
  exp: z.number().int(),
});
export type EmbedClaims = z.infer<typeof claimsSchema>;

function key(): Buffer {
  const secret = authSecret();
  if (!secret) throw new Error("NEXTAUTH_SECRET is needed to sign embed tokens");
  return createHash("sha256").update(`nudge-embed-token:${secret}`).digest();
}
const mac = (body: string) => createHmac("sha256", key()).update(body).digest("base64url");

export function signEmbedToken(claims: Omit<EmbedClaims, "exp">, now = new Date()): { token: string; expiresAt: Date } {
  const ttl = claims.typ === "exchange" ? EXCHANGE_TTL_S : FRAME_TTL_S;
  const exp = Math.floor(now.getTime() / 1000) + ttl;
  const body = Buffer.from(JSON.stringify({ ...claims, exp })).toString("base64url");
  return { token: `${body}.${mac(body)}`, expiresAt: new Date(exp * 1000) };
}

/** The token's claims if it is well-formed, signed by us, of the expected kind, and not expired; else null. */
export function verifyEmbedToken(token: string, accept: readonly EmbedClaims["typ"][], now = new Date()): EmbedClaims | null {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined || token.length > 2048) return null;
  const want = Buffer.from(mac(body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const claims = claimsSchema.safeParse(raw);
  if (!claims.success || !accept.includes(claims.data.typ) || claims.data.exp * 1000 <= now.getTime()) return null;
  return claims.data;
}
