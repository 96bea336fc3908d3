import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import type { JWT } from "next-auth/jwt";

// The session cookie next-auth issues (JWT strategy): an encrypted JWT (JWE,
// dir + A256GCM) under a key derived from NEXTAUTH_SECRET with HKDF. This reads
// it the way next-auth's own `decode` does, with the derived key kept per
// secret instead of derived on every request, and without next-auth's session
// endpoint (getServerSession re-encrypts a fresh cookie on each call, which a
// server component cannot set anyway). Who the token names is still re-read
// from the database on every request (lib/auth/guard.ts).

const SESSION_COOKIE = "next-auth.session-token";
/** Over https next-auth prefixes the name; a browser only keeps a `__Secure-` cookie set over https. */
const SESSION_COOKIE_NAMES = [`__Secure-${SESSION_COOKIE}`, SESSION_COOKIE] as const;

const keys = new Map<string, Uint8Array>();

/** next-auth v4's encryption key: HKDF-SHA256(secret, salt "", info "NextAuth.js Generated Encryption Key", 32 bytes). */
function encryptionKey(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    keys.set(secret, key);
  }
  return key;
}

/** The token's claims, or null when it is missing, expired, tampered with or under another secret. */
export async function decodeSessionToken(token: string | undefined, secret: string | undefined): Promise<JWT | null> {
  if (!token || !secret) return null;
  try {
    const { payload } = await jwtDecrypt(token, encryptionKey(secret), { clockTolerance: 15 });
    return payload as JWT;
  } catch {
    return null;
  }
}

/** The session token among request cookies: whole, or in next-auth's `.0`, `.1`, … chunks when it outgrew one cookie. */
export function sessionTokenFrom(get: (name: string) => string | undefined): string | undefined {
  for (const name of SESSION_COOKIE_NAMES) {
    const whole = get(name);
    if (whole) return whole;
    let joined = "";
    for (let i = 0; ; i++) {
      const part = get(`${name}.${i}`);
      if (part === undefined) break;
      joined += part;
    }
    if (joined) return joined;
  }
  return undefined;
}
