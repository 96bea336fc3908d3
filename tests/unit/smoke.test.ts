import { describe, expect, it } from "vitest";
import { env } from "@/lib/config/env";

describe("environment", () => {
  it("points tests at a throw-away database", () => {
    const e = env();
    expect(Boolean(e.DATABASE_URL) || Boolean(process.env.PGLITE_DIR)).toBe(true);
  });
});
