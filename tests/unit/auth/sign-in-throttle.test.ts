import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it, vi } from "vitest";
import { rateLimitedCode, signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { DomainError } from "@/lib/domain/errors";
import { clientAddress, normaliseAddress, pauseSeconds, SIGN_IN_LIMITS, SignInThrottle, type Verdict } from "@/lib/services/sign-in-throttle";

// The throttle's wiring over rate-limiter-flexible's memory store (the app uses
// its Prisma store; tests/integration/sessions.test.ts runs that one).
const memory = () => new SignInThrottle(({ keyPrefix, points, durationSeconds }) => new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }));
const wrong = async (): Promise<Verdict<string>> => ({ failed: true });
const right = async (): Promise<Verdict<string>> => ({ failed: false, value: "user" });

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  expect((e as DomainError).code).toBe("RATE_LIMITED");
  return e as DomainError;
}

describe("sign-in throttle", () => {
  const { points } = SIGN_IN_LIMITS.account;

  it(`allows ${points} failures per account, refuses the next without checking the password, for 15 minutes`, async () => {
    const t = memory();
    for (let i = 0; i < points; i++) expect(await t.attempt({ account: "a@x.test", address: "10.0.0.1" }, wrong)).toBeNull();
    const check = vi.fn(right);
    const e = await refusal(t.attempt({ account: "a@x.test", address: "10.0.0.1" }, check));
    expect(check).not.toHaveBeenCalled();
    expect(e.retryAfter).toBe(15 * 60);
    // Still refused, whatever the password, with the time left.
    const again = await refusal(t.attempt({ account: "A@X.test ", address: "10.0.0.2" }, check));
    expect(again.retryAfter).toBeGreaterThan(15 * 60 - 5);
    expect(check).not.toHaveBeenCalled();
    // Another account from the same address is not affected.
    expect(await t.attempt({ account: "b@x.test", address: "10.0.0.1" }, right)).toBe("user");
  });

  it("a successful sign-in resets the account's failures", async () => {
    const t = memory();
    for (let i = 0; i < points - 1; i++) await t.attempt({ account: "a@x.test", address: null }, wrong);
    expect(await t.attempt({ account: "a@x.test", address: null }, right)).toBe("user");
    for (let i = 0; i < points; i++) expect(await t.attempt({ account: "a@x.test", address: null }, wrong)).toBeNull();
    await refusal(t.attempt({ account: "a@x.test", address: null }, right));
  });

  it("counts concurrent guesses: no more than the limit reach the password check", async () => {
    const t = memory();
    const check = vi.fn(async (): Promise<Verdict<string>> => {
      await new Promise((r) => setTimeout(r, 5));
      return { failed: true };
    });
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => t.attempt({ account: "a@x.test", address: null }, check)));
    expect(check).toHaveBeenCalledTimes(points);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(40 - points);
  });

  it(`limits an address to ${SIGN_IN_LIMITS.address.points} failures across accounts; successes do not count`, async () => {
    const t = memory();
    const address = "203.0.113.9";
    for (let i = 0; i < 30; i++) expect(await t.attempt({ account: `ok${i}@x.test`, address }, right)).toBe("user");
    for (let i = 0; i < SIGN_IN_LIMITS.address.points; i++) expect(await t.attempt({ account: `u${i}@x.test`, address }, wrong)).toBeNull();
    const e = await refusal(t.attempt({ account: "fresh@x.test", address }, right));
    expect(e.retryAfter).toBe(15 * 60);
    // The refused account got its point back: it signs in from elsewhere.
    expect(await t.attempt({ account: "fresh@x.test", address: "198.51.100.1" }, right)).toBe("user");
  });

  it("pauses double within a day, up to 24 hours", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map(pauseSeconds)).toEqual([900, 1800, 3600, 7200, 14400, 28800, 57600, 86400, 86400]);
  });

  it("the second pause of an account is twice as long", async () => {
    vi.useFakeTimers();
    try {
      const t = memory();
      const key = { account: "a@x.test", address: null };
      for (let i = 0; i < points; i++) await t.attempt(key, wrong);
      expect((await refusal(t.attempt(key, right))).retryAfter).toBe(900);
      vi.advanceTimersByTime(901_000);
      for (let i = 0; i < points; i++) expect(await t.attempt(key, wrong)).toBeNull();
      expect((await refusal(t.attempt(key, right))).retryAfter).toBe(1800);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("client address", () => {
  it("takes the last X-Forwarded-For entry (the one our proxy or Next itself added)", () => {
    expect(clientAddress({ "x-forwarded-for": "1.2.3.4, 10.0.0.7" })).toBe("10.0.0.7");
    expect(clientAddress(new Headers({ "x-forwarded-for": "::ffff:127.0.0.1" }))).toBe("127.0.0.1");
    expect(clientAddress({ "x-real-ip": "192.0.2.1" })).toBe("192.0.2.1");
    expect(clientAddress({})).toBeNull();
    expect(clientAddress(undefined)).toBeNull();
  });
  it("counts IPv6 per /64 and refuses garbage", () => {
    expect(normaliseAddress("2001:db8:abcd:12:1:2:3:4")).toBe("2001:db8:abcd:12::/64");
    expect(normaliseAddress("2001:db8:abcd:12::99")).toBe("2001:db8:abcd:12::/64");
    expect(normaliseAddress("[2001:db8::1]")).toBe("2001:db8:0:0::/64");
    expect(normaliseAddress("::1")).toBe("0:0:0:0::/64");
    expect(normaliseAddress("not an address")).toBeNull();
    expect(normaliseAddress("1:2:3")).toBeNull();
  });
});

describe("the message on the form", () => {
  it("says when to retry", () => {
    const now = new Date("2026-12-02T07:17:00Z");
    expect(signInErrorMessage(rateLimitedCode(900), now, "UTC")).toBe(
      "Too many sign-in attempts. For your security, sign-in is paused: try again in 15 minutes (at 07:32).",
    );
    expect(signInErrorMessage(rateLimitedCode(7200), now, "UTC")).toContain("try again in 2 hours (at 09:17)");
    expect(signInErrorMessage(rateLimitedCode(30), now, "UTC")).toContain("try again in 30 seconds");
    expect(signInErrorMessage("CredentialsSignin")).toContain("don't match an account");
    expect(signInErrorMessage("AccountDeactivated")).toContain("deactivated");
    expect(signInErrorMessage(undefined)).toContain("don't match an account");
  });
});
