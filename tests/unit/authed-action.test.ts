import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { SessionUser } from "@/lib/data/users";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => session.user }));

const { authedAction } = await import("@/lib/auth/action");
const { DomainError } = await import("@/lib/domain/errors");

const rep: SessionUser = { id: "u1", email: "r@x.test", name: "R", role: "REP", teamId: null };
const admin: SessionUser = { ...rep, id: "u2", role: "ADMIN" };

describe("authedAction", () => {
  const handler = vi.fn(async (_u: SessionUser, input: { n: number }) => input.n * 2);
  const action = authedAction("queue.work", z.object({ n: z.coerce.number().int("Whole numbers only") }), handler);
  beforeEach(() => {
    handler.mockClear();
  });

  it("refuses a caller without a session and never runs the handler", async () => {
    session.user = null;
    expect(await action({ n: 1 })).toEqual({ ok: false, error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses a role without the permission", async () => {
    session.user = admin;
    const res = await action({ n: 1 });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.code).toBe("FORBIDDEN");
    expect(handler).not.toHaveBeenCalled();
  });

  it("returns field errors for invalid input", async () => {
    session.user = rep;
    const res = await action({ n: 1.5 });
    expect(res).toEqual({ ok: false, error: { code: "INVALID", message: expect.any(String), fieldErrors: { n: ["Whole numbers only"] } } });
    expect(handler).not.toHaveBeenCalled();
  });

  it("runs the handler for an allowed caller with parsed input", async () => {
    session.user = rep;
    expect(await action({ n: "21" as unknown as number })).toEqual({ ok: true, data: 42 });
  });

  it("turns a DomainError into a typed error and hides unexpected ones", async () => {
    session.user = rep;
    const failing = authedAction("queue.work", z.object({}), async () => {
      throw new DomainError("NOT_FOUND", "Gone");
    });
    expect(await failing({})).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "Gone" } });
    const crashing = authedAction("queue.work", z.object({}), async () => {
      throw new Error("secret internals");
    });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await crashing({});
    spy.mockRestore();
    expect(res.ok).toBe(false);
    expect(JSON.stringify(res)).not.toContain("secret internals");
  });
});
