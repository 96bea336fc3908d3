// lib/data/raw.ts reads `timestamp` text field by field; it must give what the Date parser gives for UTC.
import { describe, expect, it } from "vitest";
import { parseTimestamp } from "@/lib/data/raw";
import { Rng } from "@/tooling/seed/random";

const viaDate = (t: string) => new Date(`${t.replace(" ", "T")}Z`);

describe("parseTimestamp", () => {
  it("equals the Date parser on Postgres's text for random instants, with 0 to 6 fraction digits", () => {
    const rng = new Rng("raw-timestamp");
    for (let i = 0; i < 5000; i++) {
      const ms = Math.floor(rng.next() * 8_000_000_000_000) - 1_000_000_000_000; // 1938 to 2223
      const iso = new Date(ms).toISOString(); // 2026-12-03T09:58:01.123Z
      const digits = Math.floor(rng.next() * 7);
      const fraction = digits === 0 ? "" : `.${iso.slice(20, 23)}${"456".slice(0, Math.max(0, digits - 3))}`.slice(0, digits + 1);
      const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}`;
      expect(parseTimestamp(text).getTime(), text).toBe(viaDate(text).getTime());
    }
  });

  it.each(["2026-12-03 00:00:00", "2024-02-29 23:59:59.999", "2026-01-01 00:00:00.5", "2026-06-30 12:00:00.05", "1970-01-01 00:00:00"])("reads %s", (t) => {
    expect(parseTimestamp(t).toISOString()).toBe(viaDate(t).toISOString());
  });

  it("hands what it does not read field by field to the Date parser", () => {
    expect(parseTimestamp("0099-01-01 00:00:00").toISOString()).toBe("0099-01-01T00:00:00.000Z");
    expect(Number.isNaN(parseTimestamp("infinity").getTime())).toBe(true);
  });
});

describe("parseDate", () => {
  it("equals UTC midnight from the Date parser for random days, and hands anything else to it", async () => {
    const { parseDate } = await import("@/lib/data/raw");
    const rng = new Rng("raw-date");
    for (let i = 0; i < 3000; i++) {
      const day = new Date(Math.floor(rng.next() * 8_000_000_000_000) - 1_000_000_000_000).toISOString().slice(0, 10);
      expect(parseDate(day).getTime(), day).toBe(new Date(`${day}T00:00:00Z`).getTime());
    }
    expect(parseDate("0099-12-31").toISOString()).toBe("0099-12-31T00:00:00.000Z");
    expect(Number.isNaN(parseDate("infinity").getTime())).toBe(true);
  });
});
