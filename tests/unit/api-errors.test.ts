import { describe, expect, it, vi } from "vitest";

vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => null }));
const { toApiResponse } = await import("@/lib/auth/api");
const { DomainError } = await import("@/lib/domain/errors");

// The one mapping from a thrown error to the API's error JSON and HTTP status.
describe("toApiResponse", () => {
  it("answers a DomainError with its code's status and the error JSON", async () => {
    const res = toApiResponse(new DomainError("CONFLICT", "This suggestion has expired."));
    expect(res.status).toBe(409);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(await res.json()).toEqual({ error: { code: "CONFLICT", message: "This suggestion has expired." } });
  });

  it("includes field details and Retry-After when the error has them", async () => {
    const res = toApiResponse(new DomainError("RATE_LIMITED", "Slow down.", [{ path: "events", message: "Too many" }], 30));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(await res.json()).toEqual({ error: { code: "RATE_LIMITED", message: "Slow down.", details: [{ path: "events", message: "Too many" }] } });
  });

  it("answers anything else 500 without leaking it", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = toApiResponse(new Error("secret internals"));
    spy.mockRestore();
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe("INTERNAL");
    expect(JSON.stringify(body)).not.toContain("secret internals");
  });
});
