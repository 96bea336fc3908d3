import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

// Each API key has a request budget per fixed window (ApiKey.rateLimitPerMinute,
// 600 by default), counted in this process by rate-limiter-flexible. Every
// answer to an identified key announces the budget in the IETF draft headers
// RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (seconds) and
// RateLimit-Policy ("<limit>;w=<window seconds>"); a request over it is answered
// 429 RATE_LIMITED with Retry-After. With several app instances each counts on
// its own, so a key's effective budget is the limit times the instances.

export const RATE_WINDOW_S = 60;

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends. */
  resetS: number;
}

const limiters = new Map<number, RateLimiterMemory>();
const limiterFor = (limit: number) => {
  let l = limiters.get(limit);
  if (!l) limiters.set(limit, (l = new RateLimiterMemory({ points: limit, duration: RATE_WINDOW_S })));
  return l;
};

/** Counts one request against the key's budget. */
export async function consumeRateLimit(keyId: string, limit: number): Promise<RateLimitState> {
  const state = (res: RateLimiterRes, allowed: boolean): RateLimitState => ({
    allowed,
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetS: Math.max(0, Math.ceil(res.msBeforeNext / 1000)),
  });
  try {
    return state(await limiterFor(limit).consume(keyId), true);
  } catch (err) {
    if (err instanceof RateLimiterRes) return state(err, false);
    throw err;
  }
}

/** The headers announcing a key's budget (Retry-After too when refused). */
export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    "RateLimit-Limit": String(s.limit),
    "RateLimit-Remaining": String(s.remaining),
    "RateLimit-Reset": String(s.resetS),
    "RateLimit-Policy": `${s.limit};w=${RATE_WINDOW_S}`,
    ...(s.allowed ? {} : { "Retry-After": String(Math.max(1, s.resetS)) }),
  };
}
