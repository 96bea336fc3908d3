import { describe, expect, it } from "vitest";
import { decodeSnapshot, encodeSnapshot } from "@/lib/data/snapshot-codec";

describe("snapshot codec", () => {
  it("round-trips plain data with dates, non-finite numbers and bigints, at any depth", () => {
    const value = {
      at: new Date("2026-03-02T12:34:56.789Z"),
      rows: [{ week: new Date("2026-02-23T00:00:00Z"), rate: 0.25, lift: Number.NaN, ci: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] }, null],
      n: 12n,
      nested: { deeper: { when: [new Date(0)] }, label: "a", flag: false, none: null },
      negZero: -1.5e-300,
      byRep: new Map<string, { at: Date; n: number }[]>([["r1", [{ at: new Date(5), n: 1 }]], ["r2", []]]),
      keys: new Set(["a", "b"]),
    };
    const back = decodeSnapshot<typeof value>(encodeSnapshot(value));
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.rows[0]?.week).toBeInstanceOf(Date);
    expect(Number.isNaN(back.rows[0]?.lift)).toBe(true);
    expect(back.rows[0]?.ci).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(back.n).toBe(12n);
    expect(back.byRep).toBeInstanceOf(Map);
    expect(back.byRep.get("r1")?.[0]?.at).toEqual(new Date(5));
    expect(back.keys).toBeInstanceOf(Set);
  });

  it("keeps an invalid date invalid", () => {
    const back = decodeSnapshot<{ d: Date }>(encodeSnapshot({ d: new Date(Number.NaN) }));
    expect(back.d).toBeInstanceOf(Date);
    expect(Number.isNaN(back.d.getTime())).toBe(true);
  });

  it("leaves ordinary objects with one key alone", () => {
    expect(decodeSnapshot(encodeSnapshot({ a: { count: 3 }, b: { date: "2026-01-01" } }))).toEqual({ a: { count: 3 }, b: { date: "2026-01-01" } });
  });

  it("refuses what it could not give back: class instances and its own tag names", () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    expect(() => encodeSnapshot([new Money(5)])).toThrow(/plain data/);
    expect(() => encodeSnapshot({ x: { $date: 5 } })).toThrow(/\$date/);
    expect(() => encodeSnapshot({ x: { $map: [] } })).toThrow(/\$map/);
  });
});
