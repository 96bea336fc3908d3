// The rule builder's model: an editable tree that mirrors the engine's rule
// JSON node for node ({all}, {any}, {not}, conditions), so converting either
// way loses nothing. Values are kept as the admin typed them (strings) and
// turned into numbers/booleans only on the way out; anything that does not
// convert is passed through as typed, so the engine's parseRule explains it
// at the exact field ("rule.all.0.value").
import { COMPARISON_OPS, OPS_BY_TYPE, SIGNALS, findSignal, viewRule, type ComparisonOp, type Rule, type Scalar } from "@/lib/engine";

export type SignalType = "number" | "string" | "boolean";

export type ConditionDraft = {
  id: string;
  kind: "condition";
  signal: string;
  op: ComparisonOp;
  /** eq, neq, lt, lte, gt, gte */
  value: string;
  /** between: [min, max] */
  range: [string, string];
  /** in: one entry per value */
  list: string[];
};
export type GroupDraft = { id: string; kind: "all" | "any"; children: RuleDraft[] };
export type NotDraft = { id: string; kind: "not"; child: RuleDraft };
export type RuleDraft = GroupDraft | NotDraft | ConditionDraft;

let seq = 0;
/** Stable React keys; only identity matters, never the value. */
export const newId = () => `n${++seq}-${Math.random().toString(36).slice(2, 8)}`;

export function signalType(signal: string): SignalType {
  return findSignal(signal)?.type ?? "number";
}

export function opsFor(signal: string): readonly ComparisonOp[] {
  const def = findSignal(signal);
  return def ? OPS_BY_TYPE[def.type] : COMPARISON_OPS;
}

export function newCondition(signal: string = SIGNALS[0].name): ConditionDraft {
  const type = signalType(signal);
  return { id: newId(), kind: "condition", signal, op: type === "number" ? "gte" : "eq", value: type === "boolean" ? "true" : "", range: ["", ""], list: [] };
}

export function newGroup(kind: "all" | "any" = "all", children: RuleDraft[] = [newCondition()]): GroupDraft {
  return { id: newId(), kind, children };
}

/** The default rule of a new action: one empty "all" group with one condition. */
export function emptyDraft(): RuleDraft {
  return newGroup("all");
}

const scalarText = (v: Scalar): string => String(v);

/** Rule JSON -> editable tree. The input must already be a valid Rule (parseRule). */
export function ruleToDraft(rule: Rule): RuleDraft {
  const node = viewRule(rule);
  switch (node.kind) {
    case "all":
    case "any":
      return { id: newId(), kind: node.kind, children: node.rules.map(ruleToDraft) };
    case "not":
      return { id: newId(), kind: "not", child: ruleToDraft(node.rule) };
    case "condition": {
      const c = node.condition;
      const base: ConditionDraft = { id: newId(), kind: "condition", signal: c.signal, op: c.op, value: "", range: ["", ""], list: [] };
      if (c.op === "between") return { ...base, range: [scalarText(c.value[0]), scalarText(c.value[1])] };
      if (c.op === "in") return { ...base, list: c.value.map(scalarText) };
      return { ...base, value: scalarText(c.value) };
    }
  }
}

/** A typed value as the engine expects it; unconvertible text is passed on for parseRule to explain. */
export function convertValue(raw: string, type: SignalType): unknown {
  const t = raw.trim();
  switch (type) {
    case "number": {
      if (t === "") return raw;
      const n = Number(t);
      return Number.isFinite(n) ? n : raw;
    }
    case "boolean":
      return t === "true" ? true : t === "false" ? false : raw;
    case "string":
      return raw;
  }
}

/** Editable tree -> rule JSON (unvalidated: run it through parseRule / ruleSchema). */
export function draftToJson(draft: RuleDraft): unknown {
  switch (draft.kind) {
    case "all":
      return { all: draft.children.map(draftToJson) };
    case "any":
      return { any: draft.children.map(draftToJson) };
    case "not":
      return { not: draftToJson(draft.child) };
    case "condition": {
      const type = signalType(draft.signal);
      const value =
        draft.op === "between"
          ? draft.range.map((v) => convertValue(v, type))
          : draft.op === "in"
            ? draft.list.map((v) => convertValue(v, type))
            : convertValue(draft.value, type);
      return { signal: draft.signal, op: draft.op, value };
    }
  }
}

/** Each node's path in the rule JSON ("" for the root, "all.0", "all.0.not"), for placing errors. */
export function draftPaths(draft: RuleDraft, path = ""): Map<string, string> {
  const out = new Map<string, string>([[draft.id, path]]);
  const join = (...parts: (string | number)[]) => [path, ...parts].filter((p) => p !== "").join(".");
  if (draft.kind === "all" || draft.kind === "any") {
    draft.children.forEach((child, i) => draftPaths(child, join(draft.kind, i)).forEach((v, k) => out.set(k, v)));
  } else if (draft.kind === "not") {
    draftPaths(draft.child, join("not")).forEach((v, k) => out.set(k, v));
  }
  return out;
}

/** Errors keyed by rule path ("all.0.value") -> the ones for one node's own fields. */
export function errorsAt(errors: Record<string, string[]>, nodePath: string, field: string): string[] {
  const key = nodePath === "" ? field : `${nodePath}.${field}`;
  const out: string[] = [];
  for (const [k, msgs] of Object.entries(errors)) if (k === key || k.startsWith(`${key}.`)) out.push(...msgs);
  return out;
}

/** Changing a condition's signal keeps the operator when it still fits, else picks the type's first. */
export function withSignal(c: ConditionDraft, signal: string): ConditionDraft {
  const ops = opsFor(signal);
  const typeChanged = signalType(signal) !== signalType(c.signal);
  const op = ops.includes(c.op) ? c.op : (ops[0] ?? "eq");
  if (!typeChanged) return { ...c, signal, op };
  return { ...c, signal, op, value: signalType(signal) === "boolean" ? "true" : "", range: ["", ""], list: [] };
}

// ---- immutable edits by node id ----

export function updateNode(draft: RuleDraft, id: string, fn: (node: RuleDraft) => RuleDraft): RuleDraft {
  if (draft.id === id) return fn(draft);
  switch (draft.kind) {
    case "all":
    case "any":
      return { ...draft, children: draft.children.map((c) => updateNode(c, id, fn)) };
    case "not":
      return { ...draft, child: updateNode(draft.child, id, fn) };
    case "condition":
      return draft;
  }
}

/** Removes a node from its group; a `not` whose child is removed goes with it. The root is never removed. */
export function removeNode(draft: RuleDraft, id: string): RuleDraft {
  switch (draft.kind) {
    case "all":
    case "any":
      return {
        ...draft,
        children: draft.children.filter((c) => c.id !== id && !(c.kind === "not" && c.child.id === id)).map((c) => removeNode(c, id)),
      };
    case "not":
      return { ...draft, child: removeNode(draft.child, id) };
    case "condition":
      return draft;
  }
}
