import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionToken, sessionTokenFrom } from "@/lib/auth/session-token";

const SECRET = "unit-test-secret-0123456789-abcdefghij";
const claims = { uid: "4f1c2a64-4c55-4b0e-9f3e-2d1f0a7b9c11", role: "REP" as const, teamId: null, sv: 3, name: "Riley Rep", email: "rep@nudge.test" };

describe("decodeSessionToken", () => {
  it("reads a token next-auth issued, with the same claims", async () => {
    const token = await encode({ token: claims, secret: SECRET });
    const decoded = await decodeSessionToken(token, SECRET);
    expect(decoded).toMatchObject(claims);
    expect(decoded?.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it("reads it again with the key it kept (a second call, the same answer)", async () => {
    const token = await encode({ token: { ...claims, sv: 4 }, secret: SECRET });
    expect((await decodeSessionToken(token, SECRET))?.sv).toBe(4);
    expect((await decodeSessionToken(token, SECRET))?.sv).toBe(4);
  });

  it("refuses a token under another secret", async () => {
    const token = await encode({ token: claims, secret: "another-secret-0123456789-abcdefghijkl" });
    expect(await decodeSessionToken(token, SECRET)).toBeNull();
  });

  it("refuses a token altered in transit", async () => {
    const token = await encode({ token: claims, secret: SECRET });
    const parts = token.split(".");
    const tag = parts[4]!;
    parts[4] = (tag[0] === "A" ? "B" : "A") + tag.slice(1);
    expect(await decodeSessionToken(parts.join("."), SECRET)).toBeNull();
    expect(await decodeSessionToken(token.slice(0, -3), SECRET)).toBeNull();
  });

  it("refuses an expired token (past next-auth's 15 s tolerance)", async () => {
    const token = await encode({ token: claims, secret: SECRET, maxAge: -60 });
    expect(await decodeSessionToken(token, SECRET)).toBeNull();
  });

  it("refuses no token, garbage and no secret", async () => {
    expect(await decodeSessionToken(undefined, SECRET)).toBeNull();
    expect(await decodeSessionToken("not-a-token", SECRET)).toBeNull();
    expect(await decodeSessionToken(await encode({ token: claims, secret: SECRET }), undefined)).toBeNull();
  });
});

describe("sessionTokenFrom", () => {
  const jar = (cookies: Record<string, string>) => (name: string) => cookies[name];

  it("takes the whole cookie, preferring the https name", () => {
    expect(sessionTokenFrom(jar({ "next-auth.session-token": "plain" }))).toBe("plain");
    expect(sessionTokenFrom(jar({ "__Secure-next-auth.session-token": "secure", "next-auth.session-token": "plain" }))).toBe("secure");
  });

  it("joins next-auth's chunks in order, stopping at the first gap", () => {
    expect(sessionTokenFrom(jar({ "next-auth.session-token.1": "b", "next-auth.session-token.0": "a", "next-auth.session-token.3": "z" }))).toBe("ab");
  });

  it("finds nothing in a jar without the cookie", () => {
    expect(sessionTokenFrom(jar({ "next-auth.csrf-token": "x" }))).toBeUndefined();
  });
});
