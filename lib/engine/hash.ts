// Small deterministic hashes. Not cryptographic: used for holdout assignment,
// seeded randomness and short fingerprints, where speed and stability matter.

/** FNV-1a over the UTF-16 code units of a string, 32-bit unsigned. */
export function fnv1a32(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: spreads FNV's weak low bits over the whole word. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A well-mixed 32-bit hash of a string. */
export function hash32(input: string): number {
  return mix32(fnv1a32(input));
}

/** Maps a string uniformly to [0, 1). */
export function hashToUnit(input: string): number {
  return hash32(input) / 0x1_0000_0000;
}

/** Eight lowercase hex characters. */
export function hash8(input: string): string {
  return hash32(input).toString(16).padStart(8, "0");
}
