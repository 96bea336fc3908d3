import { describe, expect, it } from "vitest";
import { closesIn, closesShort } from "@/lib/format";

const now = new Date("2026-12-02T12:00:00Z");
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);

describe("when a suggestion closes, in words", () => {
  it("reads as a sentence, never 'Open until in 14 days'", () => {
    expect(closesIn(inDays(14), now)).toBe("Closes in 14 days");
    expect(closesIn(inDays(1), now)).toBe("Closes tomorrow");
    expect(closesIn(inDays(0.2), now)).toBe("Closes today");
    expect(closesIn(inDays(-1), now)).toBe("Closes today");
  });
  it("and as a row's narrow column", () => {
    expect(closesShort(inDays(14), now)).toBe("14d");
    expect(closesShort(inDays(0.2), now)).toBe("today");
  });
});
