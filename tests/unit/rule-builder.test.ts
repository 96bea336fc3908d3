import { describe, expect, it } from "vitest";
import {
  draftPaths,
  draftToJson,
  errorsAt,
  newCondition,
  newGroup,
  removeNode,
  ruleToDraft,
  updateNode,
  withSignal,
  type ConditionDraft,
  type RuleDraft,
} from "@/components/catalog/rule-tree";
import { OPS_BY_TYPE, SIGNALS, parseRule, type ComparisonOp } from "@/lib/engine";
import { actionTypeFieldsSchema, fieldErrorsOf } from "@/lib/validation/catalog";

// A tiny deterministic RNG so "every rule the builder can make" is sampled
// reproducibly, far beyond the hand-written cases.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const NUMBERS = ["0", "1", "7", "30", "90", "365", "-3", "0.5", "2500", "1250.75", "1000000"];
const STRINGS = ["SMB", "MID", "ENTERPRISE", "Retail & Co", "x"];

/** A value the builder's inputs can produce for this signal and operator. */
function condition(r: () => number, signal: string, op: ComparisonOp): ConditionDraft {
  const def = SIGNALS.find((s) => s.name === signal)!;
  const vals = def.type === "number" ? NUMBERS : STRINGS;
  const c = { ...newCondition(signal), op };
  if (op === "between") {
    const [a, b] = [Number(pick(r, vals)), Number(pick(r, vals))].sort((x, y) => x - y);
    return { ...c, range: [String(a), String(b)] };
  }
  if (op === "in") return { ...c, list: Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, vals)) };
  return { ...c, value: pick(r, vals) };
}

function randomDraft(r: () => number, depth: number): RuleDraft {
  const roll = r();
  if (depth >= 4 || roll < 0.45) {
    const sig = pick(r, SIGNALS);
    return condition(r, sig.name, pick(r, OPS_BY_TYPE[sig.type]));
  }
  if (roll < 0.6) return { id: "x", kind: "not", child: randomDraft(r, depth + 1) };
  return newGroup(roll < 0.8 ? "all" : "any", Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomDraft(r, depth + 1)));
}

/** Strips the builder's React ids, which are not part of the rule. */
function shape(d: RuleDraft): unknown {
  switch (d.kind) {
    case "all":
    case "any":
      return { kind: d.kind, children: d.children.map(shape) };
    case "not":
      return { kind: "not", child: shape(d.child) };
    case "condition":
      return { signal: d.signal, op: d.op, ...(d.op === "between" ? { range: d.range } : d.op === "in" ? { list: d.list } : { value: d.value }) };
  }
}

describe("rule builder round-trip", () => {
  it("every signal with every operator its type allows round-trips through JSON unchanged", () => {
    const r = rng(1);
    for (const sig of SIGNALS) {
      for (const op of OPS_BY_TYPE[sig.type]) {
        const draft = condition(r, sig.name, op);
        const json = JSON.parse(JSON.stringify(draftToJson(draft)));
        const parsed = parseRule(json);
        expect(parsed, `${sig.name} ${op}`).toEqual({ ok: true, rule: json });
        const again = ruleToDraft(parsed.ok ? parsed.rule : json);
        expect(draftToJson(again)).toEqual(json);
        expect(shape(again)).toEqual(shape(draft));
      }
    }
  });

  it("500 random nested trees of all / any / not round-trip unchanged", () => {
    const r = rng(42);
    for (let i = 0; i < 500; i++) {
      const draft = randomDraft(r, 0);
      const json = JSON.parse(JSON.stringify(draftToJson(draft)));
      const parsed = parseRule(json);
      expect(parsed.ok, JSON.stringify(json)).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.rule).toEqual(json);
      const back = draftToJson(ruleToDraft(parsed.rule));
      expect(back).toEqual(json);
      expect(shape(ruleToDraft(parsed.rule))).toEqual(shape(draft));
    }
  });

  it("the seed catalog's kind of rules load into the builder and come back identical", () => {
    const rules = [
      { all: [{ signal: "daysUntilBirthday", op: "between", value: [0, 7] }, { not: { signal: "segment", op: "eq", value: "ENTERPRISE" } }] },
      { any: [{ signal: "daysSinceLastPurchase", op: "gte", value: 120 }, { signal: "daysSinceLastPurchase", op: "eq", value: 0 }] },
      { signal: "segment", op: "in", value: ["SMB", "MID"] },
      { not: { not: { signal: "openTickets", op: "gt", value: 0 } } },
    ];
    for (const rule of rules) {
      const parsed = parseRule(rule);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(draftToJson(ruleToDraft(parsed.rule))).toEqual(rule);
    }
  });
});

describe("rule builder validation", () => {
  const formErrors = (draft: RuleDraft) => {
    const res = actionTypeFieldsSchema.shape.rule.safeParse(draftToJson(draft));
    return res.success ? {} : fieldErrorsOf(res.error);
  };

  it("explains an empty number next to that condition's value", () => {
    const bad = { ...newCondition("daysUntilBirthday"), op: "lte" as const, value: "" };
    const ok = { ...newCondition("openTickets"), op: "gt" as const, value: "0" };
    const root = newGroup("all", [ok, bad]);
    const errors = formErrors(root);
    const paths = draftPaths(root);
    expect(paths.get(bad.id)).toBe("all.1");
    expect(errorsAt(errors, paths.get(bad.id)!, "value")).toEqual([expect.stringMatching(/days until birthday.*must be a number/i)]);
    expect(errorsAt(errors, paths.get(ok.id)!, "value")).toEqual([]);
  });

  it("rejects text where a number is required, and a between whose minimum exceeds its maximum", () => {
    const text = { ...newCondition("lifetimeValue"), value: "lots" };
    const range = { ...newCondition("tenureDays"), op: "between" as const, range: ["30", "7"] as [string, string] };
    const root = newGroup("any", [text, range]);
    const errors = formErrors(root);
    expect(errorsAt(errors, "any.0", "value")[0]).toMatch(/got "lots"/);
    expect(errorsAt(errors, "any.1", "value")[0]).toMatch(/minimum \(30\) is greater than the maximum \(7\)/);
  });

  it("rejects an empty group and an empty 'in' list at their own paths", () => {
    const inEmpty = { ...newCondition("segment"), op: "in" as const, list: [] };
    const root = newGroup("all", [newGroup("any", []), { id: "n", kind: "not", child: inEmpty }]);
    const errors = formErrors(root);
    expect(errors["all.0.any"]).toEqual(["A group needs at least one condition"]);
    expect(errors["all.1.not.value"]).toEqual(['"in" needs at least one value']);
  });

  it("rejects an operator that does not fit the signal's type", () => {
    const c = { ...newCondition("segment"), op: "gt" as const, value: "SMB" };
    const errors = formErrors(c);
    expect(errors["op"]?.[0]).toMatch(/"segment" is text: use eq, neq, in/);
  });

  it("points at the bad element of an 'in' list", () => {
    const c = { ...newCondition("ordersLast90d"), op: "in" as const, list: ["1", "two", "3"] };
    const errors = formErrors(c);
    expect(Object.keys(errors)).toEqual(["value.1"]);
    expect(errorsAt(errors, "", "value")).toHaveLength(1);
  });

  it("the whole editor form reports each bad field by name", () => {
    const res = actionTypeFieldsSchema.safeParse({
      name: "",
      category: "NOPE",
      description: "",
      messageTemplate: "Hi {{nickname}}",
      businessValue: "",
      lever: "0",
      cooldownDays: "1.5",
      expiresAfterDays: "7",
      controlGroupPct: "80",
      exploration: false,
      rule: { all: [] },
    });
    expect(res.success).toBe(false);
    const errors = res.success ? {} : fieldErrorsOf(res.error);
    expect(Object.keys(errors).sort()).toEqual(["businessValue", "category", "controlGroupPct", "cooldownDays", "lever", "messageTemplate", "name", "rule.all"].sort());
    expect(errors.messageTemplate?.[0]).toMatch(/Unknown field "\{\{nickname\}\}"/);
    expect(errors.businessValue?.[0]).toMatch(/number/);
  });
});

describe("rule builder edits", () => {
  it("changing the signal keeps a fitting operator and resets one that no longer fits", () => {
    const c = { ...newCondition("daysUntilBirthday"), op: "eq" as const, value: "3" };
    expect(withSignal(c, "daysUntilRenewal")).toMatchObject({ op: "eq", value: "3" });
    const gt = { ...c, op: "gt" as const };
    expect(withSignal(gt, "segment")).toMatchObject({ op: "eq", value: "" });
  });

  it("updates and removes nodes by id without touching the rest", () => {
    const a = newCondition("openTickets");
    const b = newCondition("tenureDays");
    const root = newGroup("all", [a, { id: "not1", kind: "not", child: b }]);
    const edited = updateNode(root, a.id, (n) => ({ ...(n as ConditionDraft), value: "2" }));
    expect(draftToJson(edited)).toEqual({ all: [{ signal: "openTickets", op: "gte", value: 2 }, { not: { signal: "tenureDays", op: "gte", value: "" } }] });
    expect(draftToJson(removeNode(edited, b.id))).toEqual({ all: [{ signal: "openTickets", op: "gte", value: 2 }] });
  });
});
