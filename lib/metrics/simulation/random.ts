// Random draws for the simulations, all from a seeded uniform rng
// (lib/engine/learning.ts seededRng), so every figure is reproducible.
import type { Rng } from "@/lib/engine/learning";

export { seededRng, type Rng } from "@/lib/engine/learning";

/** Standard normal by Box-Muller. */
export function normal(rng: Rng): number {
  let u = rng();
  while (u <= Number.EPSILON) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** exp(N(mu, sigma²)); its mean is exp(mu + sigma²/2). */
export function logNormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(rng));
}

/** Index drawn with probability proportional to weights. */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** A fresh random 12-hex-digit id (customer ids and salts differ in every replicate). */
export function randomId(rng: Rng, prefix = ""): string {
  return prefix + HEX4[(rng() * 0x10000) | 0] + HEX4[(rng() * 0x10000) | 0] + HEX4[(rng() * 0x10000) | 0];
}
// Number-to-string conversion is slow; a table of all 4-digit hex strings is not.
const HEX4 = Array.from({ length: 0x10000 }, (_, i) => i.toString(16).padStart(4, "0"));

/** A count of events over trials: intervals that covered the truth, alarms raised, … */
export type Tally = { hits: number; total: number };

export function tally(t: Tally, hit: boolean): void {
  t.total++;
  if (hit) t.hits++;
}

/** hits / total (NaN without trials). */
export function share(t: Tally): number {
  return t.total > 0 ? t.hits / t.total : NaN;
}
