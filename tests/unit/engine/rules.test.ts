import { describe, expect, it } from "vitest";
import { describeRule, evaluateRule, MAX_IN_VALUES, MAX_RULE_CHARS, MAX_RULE_CONDITIONS, MAX_RULE_DEPTH, parseRule, ruleSchema, ruleSignals, type Rule } from "@/lib/engine";
import { makeSignals } from "./fixtures";

const s = makeSignals({ daysUntilBirthday: 5, ordersLast90d: 3, segment: "MID" });

function expectErrors(json: unknown) {
  const result = parseRule(json);
  if (result.ok) throw new Error(`expected ${JSON.stringify(json)} to be rejected`);
  return result.errors;
}

describe("comparison operators on number signals", () => {
  const cases: [Rule, boolean][] = [
    [{ signal: "ordersLast90d", op: "eq", value: 3 }, true],
    [{ signal: "ordersLast90d", op: "eq", value: 2 }, false],
    [{ signal: "ordersLast90d", op: "neq", value: 2 }, true],
    [{ signal: "ordersLast90d", op: "neq", value: 3 }, false],
    [{ signal: "ordersLast90d", op: "lt", value: 4 }, true],
    [{ signal: "ordersLast90d", op: "lt", value: 3 }, false],
    [{ signal: "ordersLast90d", op: "lte", value: 3 }, true],
    [{ signal: "ordersLast90d", op: "lte", value: 2 }, false],
    [{ signal: "ordersLast90d", op: "gt", value: 2 }, true],
    [{ signal: "ordersLast90d", op: "gt", value: 3 }, false],
    [{ signal: "ordersLast90d", op: "gte", value: 3 }, true],
    [{ signal: "ordersLast90d", op: "gte", value: 4 }, false],
    [{ signal: "ordersLast90d", op: "between", value: [3, 5] }, true],
    [{ signal: "ordersLast90d", op: "between", value: [1, 3] }, true],
    [{ signal: "ordersLast90d", op: "between", value: [4, 9] }, false],
    [{ signal: "ordersLast90d", op: "in", value: [1, 3] }, true],
    [{ signal: "ordersLast90d", op: "in", value: [1, 2] }, false],
  ];
  it.each(cases)("evaluates %j to %s", (rule, expected) => {
    expect(evaluateRule(rule, s)).toBe(expected);
  });

  it("treats between as inclusive on both ends", () => {
    expect(evaluateRule({ signal: "daysUntilBirthday", op: "between", value: [5, 5] }, s)).toBe(true);
  });
});

describe("comparison operators on the segment string signal", () => {
  it("matches eq, neq and in on text", () => {
    expect(evaluateRule({ signal: "segment", op: "eq", value: "MID" }, s)).toBe(true);
    expect(evaluateRule({ signal: "segment", op: "eq", value: "SMB" }, s)).toBe(false);
    expect(evaluateRule({ signal: "segment", op: "neq", value: "SMB" }, s)).toBe(true);
    expect(evaluateRule({ signal: "segment", op: "in", value: ["SMB", "MID"] }, s)).toBe(true);
    expect(evaluateRule({ signal: "segment", op: "in", value: ["ENT"] }, s)).toBe(false);
  });
});

describe("groups", () => {
  const yes: Rule = { signal: "ordersLast90d", op: "eq", value: 3 };
  const no: Rule = { signal: "ordersLast90d", op: "eq", value: 0 };

  it("all is true only when every condition holds", () => {
    expect(evaluateRule({ all: [yes, yes] }, s)).toBe(true);
    expect(evaluateRule({ all: [yes, no] }, s)).toBe(false);
  });

  it("any is true when one condition holds", () => {
    expect(evaluateRule({ any: [no, yes] }, s)).toBe(true);
    expect(evaluateRule({ any: [no, no] }, s)).toBe(false);
  });

  it("not negates", () => {
    expect(evaluateRule({ not: yes }, s)).toBe(false);
    expect(evaluateRule({ not: no }, s)).toBe(true);
  });

  it("evaluates nested groups", () => {
    const rule: Rule = {
      all: [
        { any: [no, { signal: "segment", op: "in", value: ["MID", "ENT"] }] },
        { not: { all: [yes, no] } },
      ],
    };
    expect(evaluateRule(rule, s)).toBe(true);
    expect(evaluateRule(rule, { ...s, segment: "SMB" })).toBe(false);
  });
});

describe("null (unknown) signals", () => {
  const unknown = makeSignals({ daysUntilBirthday: null });
  it("makes every comparison false, neq included", () => {
    for (const rule of [
      { signal: "daysUntilBirthday", op: "eq", value: 0 },
      { signal: "daysUntilBirthday", op: "neq", value: 0 },
      { signal: "daysUntilBirthday", op: "lt", value: 100 },
      { signal: "daysUntilBirthday", op: "gte", value: 0 },
      { signal: "daysUntilBirthday", op: "between", value: [0, 366] },
      { signal: "daysUntilBirthday", op: "in", value: [0, 1] },
    ] satisfies Rule[]) {
      expect(evaluateRule(rule, unknown)).toBe(false);
    }
  });

  it("makes not(comparison) true", () => {
    expect(evaluateRule({ not: { signal: "daysUntilBirthday", op: "lte", value: 7 } }, unknown)).toBe(true);
  });
});

describe("parseRule accepts valid rules", () => {
  it("returns the typed rule unchanged", () => {
    const json = {
      all: [
        { signal: "daysUntilBirthday", op: "between", value: [0, 7] },
        { not: { signal: "segment", op: "in", value: ["SMB"] } },
      ],
    };
    expect(parseRule(json)).toEqual({ ok: true, rule: json });
    expect(ruleSchema.safeParse(json).success).toBe(true);
  });
});

describe("parseRule rejects bad rules with admin-readable messages and paths", () => {
  it("rejects an unknown signal, listing the choices", () => {
    const errors = expectErrors({ all: [{ signal: "foo", op: "eq", value: 1 }] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe("all.0.signal");
    expect(errors[0]?.message).toMatch(/^Unknown signal "foo"\. Choose one of: daysSinceLastContact, /);
  });

  it("rejects a string value on a number signal", () => {
    const errors = expectErrors({ signal: "ordersLast90d", op: "gte", value: "3" });
    expect(errors).toEqual([
      { path: "value", message: '"orders in the last 90 days" is a number, so the value must be a number (got "3")' },
    ]);
  });

  it("rejects an ordering operator on the text signal segment", () => {
    const errors = expectErrors({ any: [{ signal: "segment", op: "lt", value: "B" }] });
    expect(errors).toEqual([{ path: "any.0.op", message: '"segment" is text: use eq, neq, in (not "lt")' }]);
  });

  it("rejects a number in an in-list of the text signal, pointing at the element", () => {
    const errors = expectErrors({ signal: "segment", op: "in", value: ["SMB", 3] });
    expect(errors[0]?.path).toBe("value.1");
  });

  it("rejects an empty group", () => {
    expect(expectErrors({ all: [] })).toEqual([{ path: "all", message: "A group needs at least one condition" }]);
    expect(expectErrors({ not: { any: [] } })).toEqual([
      { path: "not.any", message: "A group needs at least one condition" },
    ]);
  });

  it("rejects between with min greater than max", () => {
    expect(expectErrors({ signal: "daysUntilRenewal", op: "between", value: [30, 0] })).toEqual([
      { path: "value", message: "The minimum (30) is greater than the maximum (0)" },
    ]);
  });

  it("rejects between without exactly two numbers", () => {
    const errors = expectErrors({ signal: "daysUntilRenewal", op: "between", value: [1] });
    expect(errors[0]).toEqual({ path: "value", message: '"between" needs two numbers [min, max] (got [1])' });
  });

  it("rejects an empty in-list", () => {
    expect(expectErrors({ signal: "segment", op: "in", value: [] })).toEqual([
      { path: "value", message: '"in" needs at least one value' },
    ]);
  });

  it("rejects an unknown operator and unknown fields", () => {
    expect(expectErrors({ signal: "tenureDays", op: "like", value: 1 })[0]?.path).toBe("op");
    expect(expectErrors({ signal: "tenureDays", op: "eq", value: 1, extra: true })).toEqual([
      { path: "extra", message: 'Unknown field "extra"' },
    ]);
  });

  it("rejects a node that mixes a group and a condition, and non-objects", () => {
    expect(expectErrors({ all: [{ signal: "tenureDays", op: "eq", value: 1 }], not: { all: [] } })[0]?.message).toBe(
      "Use only one of all, any, not or a condition in the same rule object",
    );
    expect(expectErrors("yes")[0]).toEqual({
      path: "",
      message: "A rule must be a group (all, any, not) or a condition (signal, op, value)",
    });
  });

  it("reports every problem in one pass", () => {
    const errors = expectErrors({ all: [{ signal: "nope", op: "eq", value: 1 }, { any: [] }] });
    expect(errors.map((e) => e.path)).toEqual(["all.0.signal", "all.1.any"]);
  });

  it("puts the path on the zod issue itself", () => {
    const result = ruleSchema.safeParse({ all: [{ signal: "foo", op: "eq", value: 1 }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["all", 0, "signal"]);
  });
});

describe("describeRule", () => {
  it("writes plain English", () => {
    expect(
      describeRule({
        all: [
          { signal: "daysUntilBirthday", op: "lte", value: 7 },
          { signal: "segment", op: "in", value: ["SMB", "MID"] },
        ],
      }),
    ).toBe("days until birthday ≤ 7 and segment is one of SMB, MID");
  });

  it("brackets nested groups and formats money", () => {
    expect(
      describeRule({
        any: [
          { not: { signal: "segment", op: "eq", value: "SMB" } },
          {
            all: [
              { signal: "lifetimeValue", op: "gte", value: 5000 },
              { signal: "daysUntilRenewal", op: "between", value: [0, 60] },
            ],
          },
        ],
      }),
    ).toBe("not (segment is SMB) or (lifetime value ≥ $5,000 and days until renewal between 0 and 60)");
  });
});

describe("ruleSignals", () => {
  it("lists the signals a rule reads, once, in order", () => {
    expect(
      ruleSignals({
        all: [
          { signal: "openTickets", op: "gte", value: 1 },
          { not: { signal: "segment", op: "eq", value: "SMB" } },
          { signal: "openTickets", op: "lt", value: 5 },
        ],
      }),
    ).toEqual(["openTickets", "segment"]);
  });
});

describe("rule limits", () => {
  const cond = (i: number) => ({ signal: "ordersLast90d", op: "gte", value: i });
  it("takes a rule at the condition limit and refuses one over it, with a message an admin can act on", () => {
    expect(parseRule({ any: Array.from({ length: MAX_RULE_CONDITIONS }, (_, i) => cond(i)) }).ok).toBe(true);
    expect(expectErrors({ any: Array.from({ length: MAX_RULE_CONDITIONS + 1 }, (_, i) => cond(i)) })).toEqual([
      { path: "", message: `A rule can have at most ${MAX_RULE_CONDITIONS} conditions` },
    ]);
    // 19,000 conditions, as an attacker sent: refused without evaluating any of them.
    expect(expectErrors({ any: Array.from({ length: 19_000 }, (_, i) => cond(i)) })[0]!.message).toMatch(/at most 50 conditions/);
  });

  it("refuses nesting deeper than the limit, even 10,000 levels, without recursion", () => {
    let deep: unknown = cond(1);
    for (let i = 0; i < 10_000; i++) deep = { not: deep };
    expect(expectErrors(deep)[0]!.message).toBe(`Rules can be nested at most ${MAX_RULE_DEPTH} levels deep`);
    let ok: unknown = cond(1);
    for (let i = 0; i < MAX_RULE_DEPTH; i++) ok = { not: ok };
    expect(parseRule(ok).ok).toBe(true);
  });

  it("caps the values of an in-list and the rule's size", () => {
    expect(expectErrors({ signal: "segment", op: "in", value: Array.from({ length: MAX_IN_VALUES + 1 }, (_, i) => `S${i}`) })[0]!.message).toMatch(/at most 100 values/);
    const big = { all: [{ signal: "segment", op: "in", value: Array.from({ length: 90 }, (_, i) => `${"x".repeat(250)}${i}`) }] };
    expect(expectErrors(big)[0]!.message).toMatch(new RegExp(`too large .* at most ${MAX_RULE_CHARS.toLocaleString("en-US")}`));
  });
});
