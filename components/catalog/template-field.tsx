"use client";
// The message template: the fields it may use (click to insert), and the
// message as a real customer would get it, rendered by the engine as you type.
import { useId, useRef } from "react";
import { FieldErrors, inputClass } from "@/components/admin/form";
import { TEMPLATE_FIELDS, renderTemplate, templateErrors, type Signals } from "@/lib/engine";

export interface TemplateSampleDto {
  customer: { name: string; company: string | null; segment: string; birthday: Date | null; renewalDate: Date | null; lifetimeValue: number };
  signals: Signals;
}

export function TemplateField({ value, onChange, errors, sample }: { value: string; onChange: (v: string) => void; errors?: string[]; sample: TemplateSampleDto | null }) {
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const live = templateErrors(value).map((e) => e.message);
  const shown = [...new Set([...(errors ?? []), ...live])];

  function insert(field: string) {
    const el = ref.current;
    const token = `{{${field}}}`;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    onChange(value.slice(0, start) + token + value.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  return (
    <section aria-label="Message" className="rounded-lg border border-slate-200 bg-white p-3 sm:p-4">
      <label htmlFor={id} className="block text-sm font-semibold text-slate-900">
        Message template
      </label>
      <p id={`${id}-hint`} className="mb-2 text-xs text-slate-600">
        What the rep reads. Insert customer fields with <code className="rounded bg-slate-100 px-1">{"{{firstName}}"}</code>.
      </p>
      <textarea
        id={id}
        ref={ref}
        rows={3}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={shown.length > 0}
        aria-describedby={`${id}-hint ${id}-fields${shown.length ? ` ${id}-err` : ""}`}
        className={inputClass}
      />
      <FieldErrors id={`${id}-err`} errors={shown} />
      <div id={`${id}-fields`} className="mt-2">
        <p className="text-xs font-medium text-slate-700">Allowed fields</p>
        <ul className="mt-1 flex flex-wrap gap-1" aria-label="Allowed fields">
          {TEMPLATE_FIELDS.map((f) => (
            <li key={f.name}>
              <button
                type="button"
                title={f.description}
                aria-label={`Insert ${f.name}: ${f.description}`}
                onClick={() => insert(f.name)}
                className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 hover:bg-brand-50 hover:text-brand-700"
              >
                {f.name}
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="mt-3 rounded-md border border-dashed border-slate-300 bg-slate-50 p-2">
        <p className="text-[11px] font-medium uppercase tracking-wide text-slate-500">
          Preview {sample ? `for ${sample.customer.name}` : ""}
        </p>
        <p className="mt-0.5 text-sm text-slate-800" aria-live="polite" data-testid="template-preview">
          {sample ? renderTemplate(value, sample.customer, sample.signals) || "—" : "No customers yet to preview with."}
        </p>
      </div>
    </section>
  );
}
