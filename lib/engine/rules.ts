// The eligibility rule language: a JSON condition tree over the signals,
// validated at the boundary with zod (messages written for admins) and
// evaluated purely.
import { z } from "zod";
import {
  SIGNAL_NAMES,
  findSignal,
  signalLabel,
  type NumberSignalName,
  type SignalName,
  type SignalType,
  type Signals,
} from "./signals";

export const COMPARISON_OPS = ["eq", "neq", "lt", "lte", "gt", "gte", "between", "in"] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export type Scalar = number | string | boolean;

export type Comparison =
  | { signal: SignalName; op: "eq" | "neq"; value: Scalar }
  | { signal: NumberSignalName; op: "lt" | "lte" | "gt" | "gte"; value: number }
  /** Inclusive on both ends. */
  | { signal: NumberSignalName; op: "between"; value: [number, number] }
  /** Non-empty. */
  | { signal: SignalName; op: "in"; value: Scalar[] };

export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Comparison;

/** Operators each signal type accepts. */
export const OPS_BY_TYPE: Readonly<Record<SignalType, readonly ComparisonOp[]>> = {
  number: COMPARISON_OPS,
  string: ["eq", "neq", "in"],
  boolean: ["eq", "neq"],
};

export const MAX_RULE_DEPTH = 8;
/** Conditions (leaves) in one rule: enough for any real targeting, small enough to preview in seconds. */
export const MAX_RULE_CONDITIONS = 50;
/** Values in one "in" list. */
export const MAX_IN_VALUES = 100;
/** The rule as JSON, in characters. */
export const MAX_RULE_CHARS = 20_000;

export type RuleError = { path: string; message: string };
type Issue = { path: (string | number)[]; message: string };

const GROUP_KEYS = ["all", "any", "not"] as const;
const CONDITION_KEYS = ["signal", "op", "value"] as const;

function isComparisonOp(v: unknown): v is ComparisonOp {
  return typeof v === "string" && (COMPARISON_OPS as readonly string[]).includes(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === "string") return `"${v}"`;
  if (v === undefined) return "nothing";
  return JSON.stringify(v) ?? String(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function scalarOfType(v: unknown, type: SignalType): v is Scalar {
  switch (type) {
    case "number":
      return isFiniteNumber(v);
    case "string":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean";
    default: {
      const unhandled: never = type;
      return unhandled;
    }
  }
}

const TYPE_WORD: Record<SignalType, string> = { number: "a number", string: "text", boolean: "true or false" };

function checkGroupList(
  value: unknown,
  key: "all" | "any",
  path: Issue["path"],
  issues: Issue[],
  depth: number,
): Rule[] | null {
  const here = [...path, key];
  if (!Array.isArray(value)) {
    issues.push({ path: here, message: `"${key}" must be a list of conditions` });
    return null;
  }
  if (value.length === 0) {
    issues.push({ path: here, message: "A group needs at least one condition" });
    return null;
  }
  const rules: Rule[] = [];
  value.forEach((child, i) => {
    const r = checkRule(child, [...here, i], issues, depth + 1);
    if (r) rules.push(r);
  });
  return rules.length === value.length ? rules : null;
}

function checkComparison(node: Record<string, unknown>, path: Issue["path"], issues: Issue[]): Comparison | null {
  const { signal, op, value } = node;
  const before = issues.length;
  if (typeof signal !== "string") {
    issues.push({ path: [...path, "signal"], message: `A condition needs a signal. Choose one of: ${SIGNAL_NAMES.join(", ")}` });
  }
  const def = typeof signal === "string" ? findSignal(signal) : undefined;
  if (typeof signal === "string" && !def) {
    issues.push({
      path: [...path, "signal"],
      message: `Unknown signal "${signal}". Choose one of: ${SIGNAL_NAMES.join(", ")}`,
    });
  }
  if (!isComparisonOp(op)) {
    issues.push({
      path: [...path, "op"],
      message: `Unknown operator ${show(op)}. Choose one of: ${COMPARISON_OPS.join(", ")}`,
    });
  }
  if (!def || !isComparisonOp(op) || issues.length > before) return null;

  const allowed = OPS_BY_TYPE[def.type];
  const label = def.label;
  if (!allowed.includes(op)) {
    issues.push({
      path: [...path, "op"],
      message: `"${label}" is ${TYPE_WORD[def.type]}: use ${allowed.join(", ")} (not "${op}")`,
    });
    return null;
  }
  const valuePath = [...path, "value"];
  const wrongType = (got: unknown, at: Issue["path"] = valuePath) =>
    issues.push({
      path: at,
      message: `"${label}" is ${TYPE_WORD[def.type]}, so the value must be ${TYPE_WORD[def.type]} (got ${show(got)})`,
    });

  switch (op) {
    case "eq":
    case "neq":
      if (!scalarOfType(value, def.type)) {
        wrongType(value);
        return null;
      }
      return { signal: def.name, op, value };
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      // Only number signals allow these ops (checked above).
      if (def.type !== "number" || !isFiniteNumber(value)) {
        wrongType(value);
        return null;
      }
      return { signal: def.name, op, value };
    case "between": {
      if (def.type !== "number") return null;
      const [min, max]: unknown[] = Array.isArray(value) ? value : [];
      if (!Array.isArray(value) || value.length !== 2 || !isFiniteNumber(min) || !isFiniteNumber(max)) {
        issues.push({ path: valuePath, message: `"between" needs two numbers [min, max] (got ${show(value)})` });
        return null;
      }
      if (min > max) {
        issues.push({ path: valuePath, message: `The minimum (${min}) is greater than the maximum (${max})` });
        return null;
      }
      return { signal: def.name, op, value: [min, max] };
    }
    case "in": {
      if (!Array.isArray(value)) {
        issues.push({ path: valuePath, message: `"in" needs a list of values (got ${show(value)})` });
        return null;
      }
      if (value.length === 0) {
        issues.push({ path: valuePath, message: `"in" needs at least one value` });
        return null;
      }
      if (value.length > MAX_IN_VALUES) {
        issues.push({ path: valuePath, message: `"in" takes at most ${MAX_IN_VALUES} values (got ${value.length})` });
        return null;
      }
      const out: Scalar[] = [];
      value.forEach((v: unknown, i) => {
        if (scalarOfType(v, def.type)) out.push(v);
        else wrongType(v, [...valuePath, i]);
      });
      return out.length === value.length ? { signal: def.name, op, value: out } : null;
    }
    default:
      return assertNever(op);
  }
}

/** Validates one node, collecting admin-readable issues; returns the typed rule or null. */
function checkRule(input: unknown, path: Issue["path"], issues: Issue[], depth: number): Rule | null {
  if (depth > MAX_RULE_DEPTH) {
    issues.push({ path, message: `Rules can be nested at most ${MAX_RULE_DEPTH} levels deep` });
    return null;
  }
  if (!isRecord(input)) {
    issues.push({
      path,
      message: "A rule must be a group (all, any, not) or a condition (signal, op, value)",
    });
    return null;
  }
  const keys = Object.keys(input);
  const groupKeys = GROUP_KEYS.filter((k) => k in input);
  const isCondition = CONDITION_KEYS.some((k) => k in input);
  if (groupKeys.length + (isCondition ? 1 : 0) !== 1) {
    issues.push({
      path,
      message:
        groupKeys.length + (isCondition ? 1 : 0) === 0
          ? "A rule must be a group (all, any, not) or a condition (signal, op, value)"
          : "Use only one of all, any, not or a condition in the same rule object",
    });
    return null;
  }
  const allowedKeys: readonly string[] = isCondition ? CONDITION_KEYS : groupKeys;
  const extra = keys.filter((k) => !allowedKeys.includes(k));
  for (const k of extra) issues.push({ path: [...path, k], message: `Unknown field "${k}"` });
  if (extra.length > 0) return null;

  if (isCondition) return checkComparison(input, path, issues);
  const kind = groupKeys[0];
  if (kind === "not") {
    const inner = checkRule(input.not, [...path, "not"], issues, depth + 1);
    return inner ? { not: inner } : null;
  }
  if (kind === "all") {
    const rules = checkGroupList(input.all, "all", path, issues, depth);
    return rules ? { all: rules } : null;
  }
  if (kind === "any") {
    const rules = checkGroupList(input.any, "any", path, issues, depth);
    return rules ? { any: rules } : null;
  }
  return null;
}

/**
 * Size limits, checked before anything else walks the rule: depth and
 * condition count without recursion (so a 10,000-deep rule is refused cheaply),
 * then the JSON length. Null when within limits.
 */
export function ruleLimitIssue(input: unknown): string | null {
  const stack: { node: unknown; depth: number }[] = [{ node: input, depth: 0 }];
  let conditions = 0;
  let nodes = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (++nodes > 4 * MAX_RULE_CONDITIONS + 4 * MAX_RULE_DEPTH) return `A rule can have at most ${MAX_RULE_CONDITIONS} conditions`;
    if (depth > MAX_RULE_DEPTH) return `Rules can be nested at most ${MAX_RULE_DEPTH} levels deep`;
    if (!isRecord(node)) continue;
    if ("signal" in node || "op" in node || "value" in node) {
      if (++conditions > MAX_RULE_CONDITIONS) return `A rule can have at most ${MAX_RULE_CONDITIONS} conditions`;
      continue;
    }
    for (const key of GROUP_KEYS) {
      const child = node[key];
      if (Array.isArray(child)) for (const c of child) stack.push({ node: c, depth: depth + 1 });
      else if (child !== undefined) stack.push({ node: child, depth: depth + 1 });
    }
  }
  let chars = 0;
  try {
    chars = JSON.stringify(input)?.length ?? 0;
  } catch {
    return "The rule is not valid JSON";
  }
  if (chars > MAX_RULE_CHARS) return `The rule is too large (${chars.toLocaleString("en-US")} characters; at most ${MAX_RULE_CHARS.toLocaleString("en-US")})`;
  return null;
}

/**
 * The zod schema for rule JSON. Hand-walked inside one transform rather than
 * a z.union, because union failures yield "Invalid input" where an admin needs
 * "Unknown signal \"foo\"" at the exact field.
 */
export const ruleSchema: z.ZodType<Rule, unknown> = z.unknown().transform((input, ctx): Rule => {
  const issues: Issue[] = [];
  const limit = ruleLimitIssue(input);
  if (limit) {
    ctx.addIssue({ code: "custom", message: limit, path: [], input });
    return z.NEVER;
  }
  const rule = checkRule(input, [], issues, 0);
  if (rule === null || issues.length > 0) {
    for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input });
    return z.NEVER;
  }
  return rule;
});

export type ParseRuleResult = { ok: true; rule: Rule } | { ok: false; errors: RuleError[] };

/** Parses untrusted rule JSON; errors carry a dotted path ("all.0.value") and an admin-readable message. */
export function parseRule(json: unknown): ParseRuleResult {
  const result = ruleSchema.safeParse(json);
  if (result.success) return { ok: true, rule: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  };
}

type RuleView =
  | { kind: "all"; rules: Rule[] }
  | { kind: "any"; rules: Rule[] }
  | { kind: "not"; rule: Rule }
  | { kind: "condition"; condition: Comparison };

/** Tags a rule node by kind so callers can `switch` exhaustively. */
export function viewRule(rule: Rule): RuleView {
  if ("all" in rule) return { kind: "all", rules: rule.all };
  if ("any" in rule) return { kind: "any", rules: rule.any };
  if ("not" in rule) return { kind: "not", rule: rule.not };
  return { kind: "condition", condition: rule };
}

function assertNever(x: never): never {
  throw new Error(`Unexpected rule node: ${JSON.stringify(x)}`);
}

/** True when the signal is known (not null) and satisfies the comparison. */
export function evaluateComparison(c: Comparison, signals: Signals): boolean {
  const actual = signals[c.signal];
  if (actual === null) return false;
  switch (c.op) {
    case "eq":
      return actual === c.value;
    case "neq":
      return actual !== c.value;
    case "lt":
      return typeof actual === "number" && actual < c.value;
    case "lte":
      return typeof actual === "number" && actual <= c.value;
    case "gt":
      return typeof actual === "number" && actual > c.value;
    case "gte":
      return typeof actual === "number" && actual >= c.value;
    case "between":
      return typeof actual === "number" && actual >= c.value[0] && actual <= c.value[1];
    case "in":
      return c.value.includes(actual);
    default:
      return assertNever(c);
  }
}

/**
 * Evaluates a rule. A comparison on an unknown (null) signal is false, so
 * `not` of it is true: "not birthday within 7 days" holds for a customer
 * whose birthday is unknown.
 */
export function evaluateRule(rule: Rule, signals: Signals): boolean {
  // Without viewRule's tagged copy or a closure per node: the batch evaluates
  // every action's rule for every customer (the copies were 7 % of its garbage).
  if ("all" in rule) {
    for (let i = 0; i < rule.all.length; i++) if (!evaluateRule(rule.all[i]!, signals)) return false;
    return true;
  }
  if ("any" in rule) {
    for (let i = 0; i < rule.any.length; i++) if (evaluateRule(rule.any[i]!, signals)) return true;
    return false;
  }
  if ("not" in rule) return !evaluateRule(rule.not, signals);
  return evaluateComparison(rule, signals);
}

/** Signals a rule reads, in order of first appearance. */
export function ruleSignals(rule: Rule): SignalName[] {
  const seen: SignalName[] = [];
  const walk = (r: Rule): void => {
    const node = viewRule(r);
    switch (node.kind) {
      case "all":
      case "any":
        node.rules.forEach(walk);
        return;
      case "not":
        walk(node.rule);
        return;
      case "condition":
        if (!seen.includes(node.condition.signal)) seen.push(node.condition.signal);
        return;
      default:
        assertNever(node);
    }
  };
  walk(rule);
  return seen;
}

function formatValue(signal: SignalName, v: Scalar): string {
  if (typeof v === "number" && findSignal(signal)?.unit === "USD") {
    return `$${v.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
  }
  return String(v);
}

function describeComparison(c: Comparison): string {
  const label = signalLabel(c.signal);
  const isNumber = findSignal(c.signal)?.type === "number";
  switch (c.op) {
    case "eq":
      return `${label} ${isNumber ? "=" : "is"} ${formatValue(c.signal, c.value)}`;
    case "neq":
      return `${label} ${isNumber ? "≠" : "is not"} ${formatValue(c.signal, c.value)}`;
    case "lt":
      return `${label} < ${formatValue(c.signal, c.value)}`;
    case "lte":
      return `${label} ≤ ${formatValue(c.signal, c.value)}`;
    case "gt":
      return `${label} > ${formatValue(c.signal, c.value)}`;
    case "gte":
      return `${label} ≥ ${formatValue(c.signal, c.value)}`;
    case "between":
      return `${label} between ${formatValue(c.signal, c.value[0])} and ${formatValue(c.signal, c.value[1])}`;
    case "in":
      return `${label} is one of ${c.value.map((v) => formatValue(c.signal, v)).join(", ")}`;
    default:
      return assertNever(c);
  }
}

/** Plain English, e.g. "days until birthday ≤ 7 and segment is one of SMB, MID". */
export function describeRule(rule: Rule): string {
  const node = viewRule(rule);
  const nested = (r: Rule): string => {
    const v = viewRule(r);
    const text = describeRule(r);
    return (v.kind === "all" || v.kind === "any") && v.rules.length > 1 ? `(${text})` : text;
  };
  switch (node.kind) {
    case "all":
      return node.rules.map(nested).join(" and ");
    case "any":
      return node.rules.map(nested).join(" or ");
    case "not":
      return `not (${describeRule(node.rule)})`;
    case "condition":
      return describeComparison(node.condition);
    default:
      return assertNever(node);
  }
}
