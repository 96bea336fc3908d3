import { describe, expect, it } from "vitest";

// Its own file (own worker): the database client is pointed at a closed port
// before anything creates it.
process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/nudge_down";

describe("GET /api/health with the database down", () => {
  it("answers 503 and says the database is down", async () => {
    const { GET } = await import("@/app/api/health/route");
    const res = await GET();
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({ status: "error", database: "down" });
  });
});
