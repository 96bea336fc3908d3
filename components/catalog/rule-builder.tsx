"use client";
// The visual rule builder: groups (all / any), "not" wrappers and conditions
// over the engine's signals, with only the operators each signal's type
// allows. Errors from the shared schema arrive keyed by rule path and are
// shown beside the field they are about.
import { useId } from "react";
import { FieldErrors, inputClass } from "@/components/admin/form";
import { Button } from "@/components/ui/button";
import { SIGNALS, type ComparisonOp } from "@/lib/engine";
import {
  draftPaths,
  errorsAt,
  newCondition,
  newGroup,
  opsFor,
  removeNode,
  signalType,
  updateNode,
  withSignal,
  type ConditionDraft,
  type RuleDraft,
} from "./rule-tree";

const OP_LABELS: Record<ComparisonOp, string> = {
  eq: "is",
  neq: "is not",
  lt: "less than",
  lte: "at most",
  gt: "more than",
  gte: "at least",
  between: "between",
  in: "is one of",
};

// Inline controls size to their content, unlike full-width form inputs.
const smallInput = `${inputClass.replace("block w-full ", "")} py-1 max-w-full`;

interface Ctx {
  root: RuleDraft;
  paths: Map<string, string>;
  errors: Record<string, string[]>;
  onChange: (next: RuleDraft) => void;
}

export function RuleBuilder({ value, onChange, errors }: { value: RuleDraft; onChange: (next: RuleDraft) => void; errors: Record<string, string[]> }) {
  const ctx: Ctx = { root: value, paths: draftPaths(value), errors, onChange };
  return (
    <div role="group" aria-label="Eligibility rule" className="space-y-1.5">
      <Node node={value} ctx={ctx} depth={0} />
      {value.kind === "condition" || value.kind === "not" ? (
        <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => onChange(newGroup("all", [value]))}>
          Put in a group to add more conditions
        </Button>
      ) : null}
    </div>
  );
}

function Node({ node, ctx, depth, onRemove }: { node: RuleDraft; ctx: Ctx; depth: number; onRemove?: () => void }) {
  switch (node.kind) {
    case "all":
    case "any":
      return <Group node={node} ctx={ctx} depth={depth} onRemove={onRemove} />;
    case "not":
      return (
        <div className="rounded-md border border-amber-200 bg-amber-50/60 p-2">
          <div className="mb-1.5 flex items-center justify-between gap-2">
            <span className="text-xs font-semibold uppercase tracking-wide text-amber-800">Not</span>
            <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => ctx.onChange(updateNode(ctx.root, node.id, () => node.child))} aria-label="Remove “not”, keep what it wraps">
              Unwrap
            </Button>
          </div>
          <Node node={node.child} ctx={ctx} depth={depth + 1} onRemove={onRemove} />
        </div>
      );
    case "condition":
      return <Condition node={node} ctx={ctx} onRemove={onRemove} />;
  }
}

function Group({ node, ctx, depth, onRemove }: { node: Extract<RuleDraft, { kind: "all" | "any" }>; ctx: Ctx; depth: number; onRemove?: () => void }) {
  const path = ctx.paths.get(node.id) ?? "";
  const groupErrors = errorsAt(ctx.errors, path, node.kind).filter((m) => m === "A group needs at least one condition" || m.startsWith("Rules can be nested"));
  const set = (fn: (n: RuleDraft) => RuleDraft) => ctx.onChange(updateNode(ctx.root, node.id, fn));
  const add = (child: RuleDraft) => set((n) => (n.kind === "all" || n.kind === "any" ? { ...n, children: [...n.children, child] } : n));
  const labelId = useId();
  return (
    <div className={`rounded-md border p-2 ${depth === 0 ? "border-slate-200 bg-slate-50" : "border-brand-100 bg-white"}`} role="group" aria-labelledby={labelId}>
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <span id={labelId} className="sr-only">
          {node.kind === "all" ? "All of these" : "Any of these"} group
        </span>
        <label className="flex items-center gap-1.5 text-xs text-slate-700">
          Match
          <select
            value={node.kind}
            onChange={(e) => set((n) => (n.kind === "all" || n.kind === "any" ? { ...n, kind: e.target.value === "any" ? "any" : "all" } : n))}
            className={`${smallInput} w-auto`}
            aria-label="Group matches"
          >
            <option value="all">all of</option>
            <option value="any">any of</option>
          </select>
          these
        </label>
        {onRemove ? (
          <Button variant="ghost" className="ml-auto px-2 py-0.5 text-xs text-red-700" onClick={onRemove} aria-label="Remove group">
            Remove group
          </Button>
        ) : null}
      </div>
      <FieldErrors errors={groupErrors} />
      <ol className="space-y-2">
        {node.children.map((child, i) => (
          <li key={child.id} className="flex gap-1.5">
            <span className="mt-1.5 w-7 shrink-0 text-right text-[11px] font-medium uppercase text-slate-400" aria-hidden>
              {i === 0 ? "" : node.kind === "all" ? "and" : "or"}
            </span>
            <div className="min-w-0 flex-1">
              <Node node={child} ctx={ctx} depth={depth + 1} onRemove={() => ctx.onChange(removeNode(ctx.root, child.id))} />
              {child.kind !== "not" ? (
                <button
                  type="button"
                  className="mt-0.5 text-[11px] text-slate-500 hover:text-slate-800 hover:underline"
                  onClick={() => ctx.onChange(updateNode(ctx.root, child.id, (n) => ({ id: `${n.id}-not`, kind: "not", child: n })))}
                >
                  Negate (wrap in “not”)
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <div className="mt-2 flex flex-wrap gap-1.5">
        <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => add(newCondition())}>
          + Condition
        </Button>
        <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => add(newGroup(node.kind === "all" ? "any" : "all"))}>
          + Group
        </Button>
      </div>
    </div>
  );
}

function Condition({ node, ctx, onRemove }: { node: ConditionDraft; ctx: Ctx; onRemove?: () => void }) {
  const path = ctx.paths.get(node.id) ?? "";
  const set = (patch: Partial<ConditionDraft> | ((c: ConditionDraft) => ConditionDraft)) =>
    ctx.onChange(updateNode(ctx.root, node.id, (n) => (n.kind !== "condition" ? n : typeof patch === "function" ? patch(n) : { ...n, ...patch })));
  const type = signalType(node.signal);
  const unit = SIGNALS.find((s) => s.name === node.signal)?.unit;
  const errors = { signal: errorsAt(ctx.errors, path, "signal"), op: errorsAt(ctx.errors, path, "op"), value: errorsAt(ctx.errors, path, "value") };
  const valueLabel = `Value for ${SIGNALS.find((s) => s.name === node.signal)?.label ?? node.signal}`;
  const valueInput = (value: string, onValue: (v: string) => void, label: string) =>
    type === "boolean" ? (
      <select value={value} onChange={(e) => onValue(e.target.value)} className={`${smallInput} w-28`} aria-label={label} aria-invalid={errors.value.length > 0}>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    ) : (
      <input
        value={value}
        onChange={(e) => onValue(e.target.value)}
        inputMode={type === "number" ? "decimal" : "text"}
        className={`${smallInput} ${type === "number" ? "w-24" : "w-40"}`}
        aria-label={label}
        aria-invalid={errors.value.length > 0}
        placeholder={type === "number" ? "0" : "value"}
      />
    );
  return (
    <div className="rounded-md border border-slate-200 bg-white p-2" role="group" aria-label="Condition">
      <div className="flex flex-wrap items-center gap-1.5">
        <select value={node.signal} onChange={(e) => set((c) => withSignal(c, e.target.value))} className={`${smallInput} w-auto max-w-full`} aria-label="Signal" aria-invalid={errors.signal.length > 0}>
          {SIGNALS.map((s) => (
            <option key={s.name} value={s.name}>
              {s.label}
            </option>
          ))}
        </select>
        <select value={node.op} onChange={(e) => set({ op: e.target.value as ComparisonOp })} className={`${smallInput} w-auto`} aria-label="Operator" aria-invalid={errors.op.length > 0}>
          {opsFor(node.signal).map((op) => (
            <option key={op} value={op}>
              {OP_LABELS[op]}
            </option>
          ))}
        </select>
        {node.op === "between" ? (
          <span className="flex items-center gap-1.5">
            {valueInput(node.range[0], (v) => set({ range: [v, node.range[1]] }), `${valueLabel}, minimum`)}
            <span className="text-xs text-slate-500">and</span>
            {valueInput(node.range[1], (v) => set({ range: [node.range[0], v] }), `${valueLabel}, maximum`)}
          </span>
        ) : node.op === "in" ? (
          <ListInput list={node.list} onList={(list) => set({ list })} label={`${valueLabel}s, separated by commas`} invalid={errors.value.length > 0} />
        ) : (
          valueInput(node.value, (v) => set({ value: v }), valueLabel)
        )}
        {unit && type === "number" ? <span className="text-xs text-slate-500">{unit}</span> : null}
        {onRemove ? (
          <Button variant="ghost" className="ml-auto px-2 py-0.5 text-xs text-red-700" onClick={onRemove} aria-label="Remove condition">
            ✕
          </Button>
        ) : null}
      </div>
      <FieldErrors errors={[...errors.signal, ...errors.op, ...errors.value]} />
    </div>
  );
}

/** Comma-separated text in, one list entry per value out (blank entries dropped). */
function ListInput({ list, onList, label, invalid }: { list: string[]; onList: (l: string[]) => void; label: string; invalid: boolean }) {
  return (
    <input
      defaultValue={list.join(", ")}
      onChange={(e) =>
        onList(
          e.target.value
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== ""),
        )
      }
      className={`${smallInput} w-44`}
      aria-label={label}
      aria-invalid={invalid}
      placeholder="SMB, MID"
    />
  );
}
