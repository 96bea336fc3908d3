import type { RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { DomainError } from "@/lib/domain/errors";

// Sign-in throttling, as a bank does it: failed sign-ins are counted per
// account (the email, whether or not it has an account, so the answer does not
// reveal which emails exist) and per client address. Over the limit, the next
// attempt is refused without checking the password, and the pause doubles each
// time the same key is paused again within a day (15 min, 30 min, 1 h, ... 24 h).
// A successful sign-in clears the account's counters; it never clears the
// address's (an attacker holding one valid account must not reset it), it only
// gives back the point it took, so successes never count.
//
// The counting is rate-limiter-flexible's: each attempt consumes a point before
// the password is checked (atomically in the store), so concurrent guesses
// cannot all slip in before the first failure is recorded. The store is chosen
// by the caller: lib/data/sign-in-limits.ts keeps the counters in the app's
// database (shared by every app instance); tests use memory.

export const SIGN_IN_LIMITS = {
  /** Failed sign-ins per account (email) per window before it is paused. */
  account: { points: 5, durationSeconds: 15 * 60 },
  /** Failed sign-ins per client address per window before it is paused. */
  address: { points: 50, durationSeconds: 15 * 60 },
  /** The first pause; each further pause within `backoffWindowSeconds` doubles, up to `maxPauseSeconds`. */
  firstPauseSeconds: 15 * 60,
  maxPauseSeconds: 24 * 60 * 60,
  backoffWindowSeconds: 24 * 60 * 60,
} as const;

export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}
export type LimiterFactory = (spec: LimiterSpec) => RateLimiterAbstract;

/** Length of the n-th pause (n ≥ 1) within the back-off window. */
export function pauseSeconds(n: number): number {
  const { firstPauseSeconds, maxPauseSeconds } = SIGN_IN_LIMITS;
  return Math.min(firstPauseSeconds * 2 ** Math.max(0, Math.min(n, 32) - 1), maxPauseSeconds);
}

const isLimiterRes = (e: unknown): e is RateLimiterRes =>
  typeof e === "object" && e !== null && "msBeforeNext" in e && "consumedPoints" in e;

/** What the password check found: a guess that failed, or anything else (signed in, deactivated account). */
export type Verdict<T> = { failed: true } | { failed: false; value: T };

interface Counter {
  fails: RateLimiterAbstract;
  pauses: RateLimiterAbstract;
  points: number;
}

export class SignInThrottle {
  private readonly account: Counter;
  private readonly address: Counter;

  constructor(make: LimiterFactory) {
    const counter = (name: string, spec: { points: number; durationSeconds: number }): Counter => ({
      fails: make({ keyPrefix: `signin-${name}`, ...spec }),
      pauses: make({ keyPrefix: `signin-${name}-pauses`, points: 1_000_000, durationSeconds: SIGN_IN_LIMITS.backoffWindowSeconds }),
      points: spec.points,
    });
    this.account = counter("account", SIGN_IN_LIMITS.account);
    this.address = counter("address", SIGN_IN_LIMITS.address);
  }

  /** Consumes one attempt; resolves to null when allowed, or the seconds to wait when refused. */
  private async take(c: Counter, key: string): Promise<number | null> {
    try {
      await c.fails.consume(key);
      return null;
    } catch (e) {
      if (!isLimiterRes(e)) throw e;
      // The first attempt over the limit starts a pause, longer each time within the back-off window.
      if (e.consumedPoints === c.points + 1) {
        const pauses = await c.pauses.consume(key);
        const seconds = pauseSeconds(pauses.consumedPoints);
        await c.fails.block(key, seconds);
        return seconds;
      }
      return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    }
  }

  /**
   * Runs one sign-in attempt under the limits. Throws DomainError RATE_LIMITED
   * (with retryAfter in seconds) without calling `check` when the account or the
   * address is paused; otherwise returns what `check` found (null for a failed guess).
   */
  async attempt<T>(keys: { account: string; address: string | null }, check: () => Promise<Verdict<T>>): Promise<T | null> {
    const account = keys.account.trim().toLowerCase();
    const [accountWait, addressWait] = await Promise.all([
      this.take(this.account, account),
      keys.address ? this.take(this.address, keys.address) : Promise.resolve(null),
    ]);
    if (accountWait !== null || addressWait !== null) {
      // Refused by the address alone: that attempt tells nothing about the account, give its point back.
      if (accountWait === null) await this.account.fails.reward(account, 1);
      const wait = Math.max(accountWait ?? 0, addressWait ?? 0);
      throw new DomainError("RATE_LIMITED", `Too many sign-in attempts. Try again in ${wait} seconds.`, undefined, wait);
    }
    const verdict = await check();
    if (verdict.failed) return null;
    await Promise.all([
      this.account.fails.delete(account),
      this.account.pauses.delete(account),
      keys.address ? this.address.fails.reward(keys.address, 1) : Promise.resolve(),
    ]);
    return verdict.value;
  }
}

/**
 * The client address to count attempts against. Next's server sets
 * X-Forwarded-For to the connection's address when no proxy did; behind a
 * reverse proxy that appends the client address (nginx's
 * $proxy_add_x_forwarded_for, most load balancers), the last entry is the one
 * the proxy saw, and earlier entries (which the client can forge) are ignored.
 * IPv6 addresses count per /64, the block one subscriber usually holds.
 */
export function clientAddress(headers: Record<string, unknown> | Headers | undefined | null): string | null {
  if (!headers) return null;
  const read = (name: string): string | null => {
    const v = headers instanceof Headers ? headers.get(name) : headers[name];
    return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v.join(",") : null;
  };
  const forwarded = read("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).pop() ?? read("x-real-ip")?.trim();
  return last ? normaliseAddress(last) : null;
}

export function normaliseAddress(raw: string): string | null {
  let a = raw.trim().toLowerCase();
  if (a.startsWith("[")) a = a.slice(1, a.indexOf("]") > 0 ? a.indexOf("]") : undefined);
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(a);
  if (v4) return v4[1]!;
  if (!/^[0-9a-f:]+$/.test(a) || !a.includes(":")) return null;
  const halves = a.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return null;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}
