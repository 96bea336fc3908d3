"use client";
// The action-type editor: every field, the message template with its allowed
// fields and a live preview for a real customer, the visual rule builder,
// and "Preview" (what the engine would do now) before "Save".
import { useRouter } from "next/navigation";
import { useMemo, useRef, useState, useTransition } from "react";
import { Field, inputClass } from "@/components/admin/form";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import type { PreviewResult } from "@/lib/services/preview";
import { ACTION_CATEGORIES, CATEGORY_LABELS, actionTypeFieldsSchema, createActionTypeSchema, fieldErrorsOf, suggestKey, type ActionCategoryName } from "@/lib/validation/catalog";
import { createActionTypeAction, previewActionTypeAction, updateActionTypeAction } from "@/lib/actions/catalog";
import { JobProgress } from "./job-progress";
import { PreviewPanel } from "./preview-panel";
import { useJob } from "./use-job";
import { RuleBuilder } from "./rule-builder";
import { RuleJson } from "./rule-json";
import { draftToJson, type RuleDraft } from "./rule-tree";
import { TemplateField, type TemplateSampleDto } from "./template-field";
import { CONTACT_PURPOSES, defaultPurpose, PURPOSE_LABEL, type ContactPurpose } from "@/lib/engine/consent";

export interface ActionFormValues {
  key: string;
  name: string;
  category: ActionCategoryName;
  purpose: ContactPurpose;
  description: string;
  messageTemplate: string;
  businessValue: string;
  lever: string;
  cooldownDays: string;
  expiresAfterDays: string;
  controlGroupPct: string;
  exploration: boolean;
}

type Props = {
  initial: ActionFormValues;
  initialRule: RuleDraft;
  sample: TemplateSampleDto | null;
} & ({ mode: "create" } | { mode: "edit"; id: string; version: number });

type Errors = Record<string, string[]>;

export function ActionForm(props: Props) {
  const { initial, sample } = props;
  const router = useRouter();
  const toast = useToast();
  const [values, setValues] = useState(initial);
  const [keyTouched, setKeyTouched] = useState(false);
  const [draft, setDraft] = useState<RuleDraft>(props.initialRule);
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [showErrors, setShowErrors] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ result: PreviewResult; for: string } | null>(null);
  const [saving, startSave] = useTransition();
  const previewJob = useJob<PreviewResult>({
    onDone: (result) => setPreview({ result, for: previewFor.current }),
    onError: (message) => {
      setFormError(message);
      toast.show(message, { tone: "error" });
    },
  });
  const previewFor = useRef("");

  const payload = useMemo(() => ({ ...values, rule: draftToJson(draft) }), [values, draft]);
  const payloadKey = JSON.stringify(payload);
  const clientErrors = useMemo<Errors>(() => {
    const schema = props.mode === "create" ? createActionTypeSchema : actionTypeFieldsSchema;
    const res = schema.safeParse(payload);
    return res.success ? {} : fieldErrorsOf(res.error);
  }, [payload, props.mode]);
  const errors = useMemo<Errors>(() => (showErrors ? { ...serverErrors, ...clientErrors } : serverErrors), [showErrors, serverErrors, clientErrors]);
  const ruleErrors = useMemo(() => {
    const out: Errors = {};
    for (const [k, v] of Object.entries(errors)) if (k === "rule" || k.startsWith("rule.")) out[k === "rule" ? "" : k.slice(5)] = v;
    return out;
  }, [errors]);

  const set = <K extends keyof ActionFormValues>(k: K, v: ActionFormValues[K]) => {
    setServerErrors((e) => {
      const { [k]: _drop, ...rest } = e;
      return rest;
    });
    setValues((prev) => ({ ...prev, [k]: v, ...(k === "name" && props.mode === "create" && !keyTouched ? { key: suggestKey(String(v)) } : {}) }));
  };

  const focusFirstError = () =>
    requestAnimationFrame(() => document.querySelector<HTMLElement>("#action-form [aria-invalid='true']")?.focus());

  function runPreview() {
    setShowErrors(true);
    if (Object.keys(clientErrors).length) {
      setFormError("Fix the highlighted fields to preview.");
      focusFirstError();
      return;
    }
    setFormError(null);
    previewFor.current = payloadKey;
    void previewJob.start(async () => {
      const res = await previewActionTypeAction({ ...payload, id: props.mode === "edit" ? props.id : undefined, key: values.key });
      if (!res.ok) setServerErrors(res.error.fieldErrors ?? {});
      return res;
    });
  }

  function save() {
    setShowErrors(true);
    if (Object.keys(clientErrors).length) {
      setFormError("Some fields need attention.");
      focusFirstError();
      return;
    }
    setFormError(null);
    startSave(async () => {
      if (props.mode === "create") {
        const res = await createActionTypeAction(payload);
        if (!res.ok) return fail(res.error);
        toast.show(`Created “${values.name}” (version 1)`);
        router.push(`/admin/catalog/${res.data.id}`);
      } else {
        const res = await updateActionTypeAction({ ...payload, id: props.id, expectedVersion: props.version });
        if (!res.ok) return fail(res.error);
        toast.show(res.data.changed ? `Saved as version ${res.data.version}` : "No changes to save");
        router.refresh();
      }
    });
  }

  function fail(error: { message: string; fieldErrors?: Errors }) {
    setServerErrors(error.fieldErrors ?? {});
    setFormError(error.message);
    toast.show(error.message, { tone: "error" });
    focusFirstError();
  }

  const num = (k: "businessValue" | "lever" | "cooldownDays" | "expiresAfterDays" | "controlGroupPct", label: string, hint: string, step = "1") => (
    <Field label={label} hint={hint} errors={errors[k]}>
      {(p) => <input {...p} type="number" step={step} inputMode="decimal" value={values[k]} onChange={(e) => set(k, e.target.value)} className={inputClass} />}
    </Field>
  );

  return (
    <form
      id="action-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]"
    >
      <div className="space-y-4">
        <section aria-label="Basics" className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-2 sm:p-4">
          <Field label="Name" errors={errors.name}>
            {(p) => <input {...p} value={values.name} onChange={(e) => set("name", e.target.value)} className={inputClass} autoFocus={props.mode === "create"} />}
          </Field>
          <Field label="Key" hint={props.mode === "create" ? "Used by the API and reports; cannot change later." : "Fixed once created."} errors={errors.key}>
            {(p) => (
              <input
                {...p}
                value={values.key}
                readOnly={props.mode === "edit"}
                onChange={(e) => {
                  setKeyTouched(true);
                  set("key", e.target.value);
                }}
                className={`${inputClass} font-mono read-only:bg-slate-50 read-only:text-slate-500`}
              />
            )}
          </Field>
          <Field label="Category" errors={errors.category}>
            {(p) => (
              <select
                {...p}
                value={values.category}
                onChange={(e) => {
                  const category = e.target.value as ActionCategoryName;
                  set("category", category);
                  set("purpose", defaultPurpose(category));
                }}
                className={inputClass}
              >
                {ACTION_CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {CATEGORY_LABELS[c]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Purpose" hint="The consent it needs: never suggested to a customer who withdrew it on every channel." errors={errors.purpose}>
            {(p) => (
              <select {...p} value={values.purpose} onChange={(e) => set("purpose", e.target.value as ContactPurpose)} className={inputClass}>
                {CONTACT_PURPOSES.map((x) => (
                  <option key={x} value={x}>
                    {PURPOSE_LABEL[x]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Description" errors={errors.description} className="sm:col-span-2">
            {(p) => <textarea {...p} rows={2} value={values.description} onChange={(e) => set("description", e.target.value)} className={inputClass} />}
          </Field>
        </section>

        <TemplateField value={values.messageTemplate} onChange={(v) => set("messageTemplate", v)} errors={errors.messageTemplate} sample={sample} />

        <section aria-label="Eligibility" className="rounded-lg border border-slate-200 bg-white p-3 sm:p-4">
          <h2 className="text-sm font-semibold text-slate-900">Who is eligible</h2>
          <p className="mb-2 text-xs text-slate-600">Conditions on the customer&apos;s signals, evaluated by the engine. Unknown values (no birthday, never bought) never match.</p>
          <RuleBuilder value={draft} onChange={setDraft} errors={ruleErrors} />
          <RuleJson draft={draft} onApply={setDraft} />
        </section>

        <section aria-label="Value and pacing" className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-3 sm:p-4">
          {num("businessValue", "Business value ($)", "Worth of one conversion.", "1")}
          {num("lever", "Priority lever", "× on the score; 1 is neutral.", "0.1")}
          {num("controlGroupPct", "Control group (%)", "Held out to measure uplift.", "1")}
          {num("cooldownDays", "Cool-down (days)", "Before suggesting it again.")}
          {num("expiresAfterDays", "Expires after (days)", "An open suggestion lapses.")}
          <div className="flex items-start gap-2 pt-5">
            <input
              id="exploration"
              type="checkbox"
              checked={values.exploration}
              onChange={(e) => set("exploration", e.target.checked)}
              className="mt-0.5 size-4 rounded border-slate-300 text-brand-600"
            />
            <label htmlFor="exploration" className="text-xs text-slate-700">
              <span className="block font-medium">Exploration</span>
              Thompson sampling: try it more while evidence is thin.
            </label>
          </div>
        </section>
      </div>

      <div className="space-y-3 lg:sticky lg:top-16 lg:self-start">
        <div className="rounded-lg border border-slate-200 bg-white p-3">
          {formError ? (
            <p role="alert" className="mb-2 rounded-md bg-red-50 px-2 py-1.5 text-xs text-red-800">
              {formError}
            </p>
          ) : null}
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={runPreview} disabled={previewJob.running}>
              {previewJob.running ? "Previewing…" : "Preview"}
            </Button>
            <Button type="submit" disabled={saving}>
              {saving ? "Saving…" : props.mode === "create" ? "Create action" : `Save as version ${props.version + 1}`}
            </Button>
          </div>
          {previewJob.running ? <JobProgress label="Preview" progress={previewJob.progress} stage={previewJob.stage} onCancel={() => void previewJob.cancel()} /> : null}
          <p className="mt-2 text-xs text-slate-500">
            {props.mode === "edit"
              ? "Saving makes a new version. Open suggestions keep the version and text they were made with."
              : "The engine can suggest it from the next generation run."}
          </p>
        </div>
        {preview ? <PreviewPanel result={preview.result} stale={preview.for !== payloadKey} /> : null}
      </div>
    </form>
  );
}
