// The stored form of dashboard figures (DashboardSnapshot.payload): JSON, with
// the values JSON cannot hold tagged so that decode(encode(x)) deep-equals x.
// Dates become {"$date": ms}, NaN and ±Infinity {"$num": "NaN"}, bigints
// {"$bigint": "123"}, Maps {"$map": [[key, value], ...]}, Sets {"$set": [...]}.
// Other class instances are refused: a silent {} would lose them.

const TAGS = ["$date", "$num", "$bigint", "$map", "$set"];
type Tagged = { $date: number } | { $num: string } | { $bigint: string } | { $map: [unknown, unknown][] } | { $set: unknown[] };

export function encodeSnapshot(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.getTime() } satisfies Tagged;
    if (typeof v === "number" && !Number.isFinite(v)) return { $num: String(v) } satisfies Tagged;
    if (typeof v === "bigint") return { $bigint: v.toString() } satisfies Tagged;
    if (v instanceof Map) return { $map: [...v.entries()] } satisfies Tagged;
    if (v instanceof Set) return { $set: [...v] } satisfies Tagged;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new Error(`a snapshot holds plain data only; found a ${(v as object).constructor?.name ?? "non-plain object"} at "${key}"`);
      if (Object.keys(v).some((k) => TAGS.includes(k))) throw new Error(`a snapshot cannot hold the key names ${TAGS.join(", ")} (at "${key}")`);
    }
    return v;
  });
}

export function decodeSnapshot<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const keys = Object.keys(v);
    if (keys.length !== 1) return v;
    const o = v as Record<string, unknown>;
    if (typeof o.$date === "number") return new Date(o.$date);
    if (o.$date === null) return new Date(Number.NaN);
    if (typeof o.$num === "string") return Number(o.$num);
    if (typeof o.$bigint === "string") return BigInt(o.$bigint);
    if (Array.isArray(o.$map)) return new Map(o.$map as [unknown, unknown][]);
    if (Array.isArray(o.$set)) return new Set(o.$set);
    return v;
  }) as T;
}
