"use client";
// The rule as JSON: what the builder produces, and a way to paste a rule in.
// A pasted rule is checked by the engine's parseRule before it replaces the builder's.
import { useState } from "react";
import { FieldErrors, inputClass } from "@/components/admin/form";
import { Button } from "@/components/ui/button";
import { parseRule } from "@/lib/engine";
import { draftToJson, ruleToDraft, type RuleDraft } from "./rule-tree";

export function RuleJson({ draft, onApply }: { draft: RuleDraft; onApply: (d: RuleDraft) => void }) {
  const current = JSON.stringify(draftToJson(draft), null, 2);
  const [text, setText] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);

  function apply() {
    if (text === null) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      setErrors(["This is not valid JSON"]);
      return;
    }
    const parsed = parseRule(json);
    if (!parsed.ok) {
      setErrors(parsed.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)));
      return;
    }
    setErrors([]);
    setText(null);
    onApply(ruleToDraft(parsed.rule));
  }

  return (
    <details className="mt-3 text-xs">
      <summary className="cursor-pointer select-none text-slate-600 hover:text-slate-900">Rule as JSON</summary>
      <textarea
        aria-label="Rule JSON"
        spellCheck={false}
        rows={Math.min(16, current.split("\n").length + 1)}
        value={text ?? current}
        onChange={(e) => setText(e.target.value)}
        className={`${inputClass} mt-1.5 font-mono text-xs`}
        aria-invalid={errors.length > 0}
      />
      <FieldErrors errors={errors} />
      {text !== null ? (
        <div className="mt-1.5 flex gap-1.5">
          <Button variant="secondary" className="px-2 py-1 text-xs" onClick={apply}>
            Load into builder
          </Button>
          <Button
            variant="ghost"
            className="px-2 py-1 text-xs"
            onClick={() => {
              setText(null);
              setErrors([]);
            }}
          >
            Discard
          </Button>
        </div>
      ) : null}
    </details>
  );
}
