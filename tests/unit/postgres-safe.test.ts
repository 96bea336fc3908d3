import { describe, expect, it } from "vitest";
import { parseCustomerFilters } from "@/lib/validation/customers";
import { parseDashboardFilters } from "@/lib/validation/dashboard-filters";
import { actionTypeFieldsSchema } from "@/lib/validation/catalog";
import { decimal, isUuid, jsonProblem, numericMax, pathParamProblem, safeDate, safeIsoDate, safeJson, safeText, safeTimestamp, strictNumberInput, textProblem } from "@/lib/validation/postgres-safe";

describe("what Postgres stores", () => {
  it("uuid: only what a ::uuid cast accepts from our ids (36 dashes or hex of the right length are not one)", () => {
    expect(isUuid("0b3f0c2a-1111-4222-8333-444455556666")).toBe(true);
    expect(isUuid("0B3F0C2A-1111-4222-8333-444455556666")).toBe(true);
    for (const bad of ["-".repeat(36), "a".repeat(36), "0b3f0c2a111142228333444455556666abcd", "0b3f0c2a-1111-4222-8333-44445555666g", "0b3f0c2a-1111-4222-8333-444455556666\u0000", ""]) {
      expect(isUuid(bad)).toBe(false);
    }
  });

  it("text: NUL and lone surrogates are refused, paired surrogates and other unicode kept", () => {
    expect(textProblem("a\u0000b")).toMatch(/NUL/);
    expect(textProblem("\ud800")).toMatch(/surrogate/);
    expect(textProblem("x\udc00")).toMatch(/surrogate/);
    expect(textProblem("\udc00\ud800")).toMatch(/surrogate/);
    expect(textProblem("😀 Ünïcödé \u202e")).toBeNull();
    expect(textProblem("a\tb", { control: true })).toMatch(/control/);
    const s = safeText(5, { min: 1 });
    expect(s.safeParse("  abc  ").data).toBe("abc");
    expect(s.safeParse("abcdef").success).toBe(false);
    expect(s.safeParse("").error?.issues[0]?.message).toBe("Required");
    expect(s.safeParse("a\u0000").success).toBe(false);
    expect(s.safeParse(12).success).toBe(false);
  });

  it("JSON: keys and strings at any depth, a depth limit and a size limit, measured without recursion", () => {
    expect(jsonProblem({ a: [{ b: "x\u0000" }] })).toEqual({ path: ["a", 0, "b"], message: expect.stringMatching(/NUL/) });
    expect(jsonProblem({ ["k\ud800"]: 1 })?.path).toEqual(["k\ud800"]);
    expect(jsonProblem({ a: null, b: true, c: 1.5, d: [] })).toBeNull();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(jsonProblem(deep)?.message).toMatch(/deeper than 10/);
    let ten: unknown = 1;
    for (let i = 0; i < 10; i++) ten = { d: ten };
    expect(jsonProblem(ten)).toBeNull();
    expect(jsonProblem({ d: ten })?.message).toMatch(/deeper/);
    expect(jsonProblem({ s: "x".repeat(16 * 1024) })?.message).toMatch(/16384 bytes/);
    expect(jsonProblem({ s: "é".repeat(8200) })?.message).toMatch(/bytes/); // counted as UTF-8
    expect(jsonProblem(Array.from({ length: 100_000 }, () => 0))?.message).toMatch(/bytes/);
    expect(safeJson().safeParse([1]).success).toBe(false);
  });

  it("dates: years 1900–2100 and real calendar days only; timestamps normalised to UTC", () => {
    const ts = safeTimestamp();
    expect(ts.safeParse("2026-11-23T10:00:00+01:00").data).toBe("2026-11-23T09:00:00.000Z");
    for (const bad of ["0000-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "2026-11-23", "yesterday", 5]) {
      expect(ts.safeParse(bad).success, String(bad)).toBe(false);
    }
    expect(safeIsoDate().safeParse("2026-02-29").success).toBe(false);
    expect(safeIsoDate().safeParse("0000-01-01").success).toBe(false);
    expect(safeIsoDate().safeParse("2024-02-29").success).toBe(true);
    expect(safeDate().safeParse(new Date("0000-06-01T00:00:00Z")).success).toBe(false);
    expect(safeDate().safeParse("2026-11-23T10:00:00Z").data).toEqual(new Date("2026-11-23T10:00:00Z"));
    expect(safeDate().safeParse("0x10").success).toBe(false);
  });

  it("numbers: NUMERIC(14,2) limits, strictly decimal strings only", () => {
    expect(numericMax(14, 2)).toBe(999_999_999_999.99);
    const money = decimal(14, 2, { min: 0 });
    expect(money.safeParse(999_999_999_999.99).data).toBe(999_999_999_999.99);
    expect(money.safeParse("12.50").data).toBe(12.5);
    for (const bad of [1e12, 10.001, -1, "0x10", "1e3", " 5", "Infinity", "", NaN, Infinity, 1e-7, null]) {
      expect(money.safeParse(bad).success, String(bad)).toBe(false);
    }
    expect(strictNumberInput("0x10")).toBeNaN();
    expect(strictNumberInput(" 42 ")).toBe(42);
    expect(strictNumberInput("")).toBeUndefined();
  });

  it("forms and filters use them: hex numbers and NUL refused in the catalog, bad search and dates ignored", () => {
    const base = { name: "Call", category: "OFFER", description: "", messageTemplate: "Hi {{firstName}}", businessValue: "100", lever: "1", cooldownDays: "14", expiresAfterDays: "7", controlGroupPct: "10", exploration: false, rule: { signal: "tenureDays", op: "gte", value: 0 } };
    expect(actionTypeFieldsSchema.safeParse(base).success).toBe(true);
    const hex = actionTypeFieldsSchema.safeParse({ ...base, businessValue: "0x10" });
    expect(hex.error?.issues.map((i) => i.path.join("."))).toEqual(["businessValue"]);
    expect(actionTypeFieldsSchema.safeParse({ ...base, description: "a\u0000" }).success).toBe(false);
    expect(actionTypeFieldsSchema.safeParse({ ...base, rule: { signal: "segment", op: "eq", value: "S\u0000MB" } }).success).toBe(false);
    expect(parseCustomerFilters({ q: "a\u0000b" }).q).toBeUndefined();
    const { filters, notes } = parseDashboardFilters({ from: "0000-01-01" }, new Date("2026-11-23T12:00:00Z"));
    expect(filters.from).not.toBe("0000-01-01");
    expect(notes.length).toBeGreaterThan(0);
  });

  it("path parameters: control characters are bad, over-long ones name nothing", () => {
    expect(pathParamProblem("100%", 100)).toBeNull();
    expect(pathParamProblem("a\nb", 100)).toBe("bad");
    expect(pathParamProblem("\ud800", 100)).toBe("bad");
    expect(pathParamProblem("x".repeat(101), 100)).toBe("too-long");
  });
});
