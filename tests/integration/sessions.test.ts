import bcrypt from "bcryptjs";
import { encode, type JWT } from "next-auth/jwt";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/data/db";
import { postgresReachable } from "../support/test-db";
import { makeUser } from "../support/fixtures";

// Session revocation end to end below HTTP: a token made by next-auth's own
// callbacks (lib/auth/options.ts), read back by the guard every page, action
// and route calls (lib/auth/guard.ts), before and after sign-out, password
// reset, deactivation and role change. Plus the sign-in throttle on its real
// store (the SignInLimit table).

// The guard reads the session cookie through next/headers; here the jar holds
// the cookie next-auth's own encode made from the token (a real encrypted JWT).
const SECRET = vi.hoisted(() => {
  const secret = "sessions-test-secret-0123456789-abcdefgh";
  process.env.NEXTAUTH_SECRET = secret;
  return secret;
});
const current: { cookie: string | null } = { cookie: null };
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  cookies: async () => ({ get: (name: string) => (name === "next-auth.session-token" && current.cookie ? { name, value: current.cookie } : undefined) }),
}));

const { authOptions } = await import("@/lib/auth/options");
const { getSessionUser } = await import("@/lib/auth/guard");
const { resetPassword, setUserActive, updateUser } = await import("@/lib/services/users");
const { signInWithPassword } = await import("@/lib/services/sign-in");
const { SIGN_IN_LIMITS } = await import("@/lib/services/sign-in-throttle");

const reachable = await postgresReachable();
const PASSWORD = "correct horse battery";

async function userWithPassword(role: "REP" | "MANAGER" | "ADMIN" = "REP") {
  const u = await makeUser({ role });
  await db().user.update({ where: { id: u.id }, data: { passwordHash: await bcrypt.hash(PASSWORD, 4) } });
  return u;
}

/** Signs in through the provider's authorize and the jwt callback, as next-auth does, and "stores the cookie". */
async function signIn(email: string, password = PASSWORD): Promise<JWT> {
  const provider = authOptions.providers[0] as unknown as { options: { authorize: (c: Record<string, string>, req: unknown) => Promise<import("next-auth").User | null> } };
  const user = await provider.options.authorize({ email, password }, { headers: { "x-forwarded-for": "192.0.2.10" } });
  if (!user) throw new Error("sign-in failed");
  const token = await authOptions.callbacks!.jwt!({ token: { email: user.email, name: user.name }, user, account: null, trigger: "signIn" } as never);
  return token as JWT;
}

async function guardSees(token: JWT) {
  current.cookie = await encode({ token, secret: SECRET });
  // getSessionUser is wrapped in React's cache(); outside a request every call runs.
  return getSessionUser();
}

describe.skipIf(!reachable)("sessions end at once", () => {
  beforeEach(() => {
    current.cookie = null;
  });

  it("a fresh session is accepted; a token without a version (issued before this change) is not", async () => {
    const u = await userWithPassword();
    const token = await signIn(u.email);
    expect(token.sv).toBe(0);
    expect(await guardSees(token)).toMatchObject({ id: u.id, role: "REP" });
    const { sv: _sv, ...old } = token;
    expect(await guardSees(old)).toBeNull();
  });

  it("sign-out ends every session of the account, and a new sign-in works", async () => {
    const u = await userWithPassword();
    const laptop = await signIn(u.email);
    const phone = await signIn(u.email);
    await authOptions.events!.signOut!({ token: laptop, session: null as never });
    expect(await guardSees(laptop)).toBeNull();
    expect(await guardSees(phone)).toBeNull();
    const again = await signIn(u.email);
    expect(await guardSees(again)).toMatchObject({ id: u.id });
  });

  it("an admin's password reset ends the user's sessions; the admin's own session is untouched", async () => {
    const admin = await userWithPassword("ADMIN");
    const u = await userWithPassword();
    const adminToken = await signIn(admin.email);
    const token = await signIn(u.email);
    await resetPassword(admin.id, u.id, "a brand new password");
    expect(await guardSees(token)).toBeNull();
    expect(await guardSees(adminToken)).toMatchObject({ id: admin.id });
    expect(await guardSees(await signIn(u.email, "a brand new password"))).toMatchObject({ id: u.id });
  });

  it("a role change ends the sessions; a rename does not", async () => {
    const admin = await userWithPassword("ADMIN");
    const u = await userWithPassword("MANAGER");
    const token = await signIn(u.email);
    await updateUser(admin.id, { id: u.id, name: "Renamed", role: "MANAGER", teamId: null });
    expect(await guardSees(token)).toMatchObject({ id: u.id, name: "Renamed" });
    await updateUser(admin.id, { id: u.id, name: "Renamed", role: "ADMIN", teamId: null });
    expect(await guardSees(token)).toBeNull();
    expect(await guardSees(await signIn(u.email))).toMatchObject({ role: "ADMIN" });
  });

  it("deactivation ends the sessions, and reactivation does not bring the old ones back", async () => {
    const admin = await userWithPassword("ADMIN");
    const u = await userWithPassword();
    const token = await signIn(u.email);
    await setUserActive(admin.id, u.id, false);
    expect(await guardSees(token)).toBeNull();
    await setUserActive(admin.id, u.id, true);
    expect(await guardSees(token)).toBeNull();
    expect(await guardSees(await signIn(u.email))).toMatchObject({ id: u.id });
  });
});

describe.skipIf(!reachable)("sign-in throttle on the database store", () => {
  const { points } = SIGN_IN_LIMITS.account;

  it(`refuses the attempt after ${points} failures, even with the right password, and says when to retry`, async () => {
    const u = await userWithPassword();
    for (let i = 0; i < points; i++) expect(await signInWithPassword({ email: u.email, password: "wrong" }, "192.0.2.20")).toBeNull();
    await expect(signInWithPassword({ email: u.email, password: PASSWORD }, "192.0.2.21")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfter: 900 });
    const row = await db().signInLimit.findUnique({ where: { key: `signin-account:${u.email}` } });
    expect(row?.points).toBe(points + 1);
    expect(row!.expire!.getTime() - Date.now()).toBeGreaterThan(890_000);
    // Through next-auth's authorize: the error code the form turns into the message.
    const provider = authOptions.providers[0] as unknown as { options: { authorize: (c: Record<string, string>, req: unknown) => Promise<unknown> } };
    await expect(provider.options.authorize({ email: u.email, password: PASSWORD }, { headers: {} })).rejects.toThrow(/^RateLimited:\d+$/);
  });

  it("a success resets the account's count; concurrent guesses are counted, not raced", async () => {
    const u = await userWithPassword();
    for (let i = 0; i < points - 1; i++) await signInWithPassword({ email: u.email, password: "wrong" }, null);
    expect(await signInWithPassword({ email: u.email, password: PASSWORD }, null)).toMatchObject({ id: u.id });
    expect(await db().signInLimit.findUnique({ where: { key: `signin-account:${u.email}` } })).toBeNull();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => signInWithPassword({ email: u.email, password: "wrong" }, null)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(points);
    expect(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason.code === "RATE_LIMITED")).toBe(true);
  });
});
