import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import type { SessionUser } from "@/lib/data/users";

const rep: SessionUser = { id: "u1", email: "r@x.test", name: "R", role: "REP", teamId: null } as SessionUser;
const session = { user: rep as SessionUser | null, fail: false };
vi.mock("@/lib/auth/guard", () => ({
  getSessionUser: async () => {
    if (session.fail) throw new Prisma.PrismaClientKnownRequestError("Can't reach database server", { code: "P1001", clientVersion: "7" });
    return session.user;
  },
}));
const { toApiResponse } = await import("@/lib/auth/api");
const { authedAction } = await import("@/lib/auth/action");

const down = () => new Prisma.PrismaClientKnownRequestError("Transaction API error: Unable to start a transaction in the given time.", { code: "P2028", clientVersion: "7" });

// A database that is down or saturated past the retries is a 503 to try again, never a 500.
describe("transient database errors at the two entry points", () => {
  it("toApiResponse answers 503 UNAVAILABLE with Retry-After and the error JSON", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = toApiResponse(down());
    warn.mockRestore();
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({ error: { code: "UNAVAILABLE", message: expect.stringMatching(/Try again/) } });
  });

  it("authedAction returns UNAVAILABLE with retryAfter when the handler's database is unavailable", async () => {
    session.fail = false;
    const action = authedAction("queue.work", z.object({}), async () => {
      throw down();
    });
    const res = await action({});
    expect(res).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String), retryAfter: expect.any(Number) } });
  });

  it("authedAction returns UNAVAILABLE when even the session lookup cannot reach the database", async () => {
    session.fail = true;
    const action = authedAction("queue.work", z.object({}), async () => 1);
    const res = await action({});
    session.fail = false;
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.code).toBe("UNAVAILABLE");
  });
});
