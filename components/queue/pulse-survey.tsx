"use client";
import { useEffect, useId, useState } from "react";
import { answerPulseAction } from "@/lib/actions/engagement";
import { CSAT_QUESTION, MAX_COMMENT, NPS_QUESTION } from "@/lib/validation/engagement";

/** Fired by the queue after each reaction (components/queue/queue-view.tsx); the CSAT question waits for it. */
export const REACTED_EVENT = "nudge:reacted";

type Kind = "NPS" | "CSAT";

/**
 * The pulse survey in the rep's sidebar: the NPS question when it is due, and
 * the one-question CSAT after a reaction when that is due (never both at once).
 * The server decides what is due (lib/metrics/engagement.ts pulseDue) and
 * refuses answers that are not; "Not now" is stored as a dismissal, which
 * counts as asked.
 */
export function PulseSurvey({ nps, csat }: { nps: boolean; csat: boolean }) {
  const [showing, setShowing] = useState<Kind | null>(nps ? "NPS" : null);
  // One question per visit: the CSAT waits for a visit without the NPS question.
  const [csatDue, setCsatDue] = useState(csat && !nps);
  const [thanks, setThanks] = useState(false);
  useEffect(() => {
    if (!csatDue || showing) return;
    const onReacted = () => {
      setShowing("CSAT");
      setCsatDue(false);
    };
    window.addEventListener(REACTED_EVENT, onReacted);
    return () => window.removeEventListener(REACTED_EVENT, onReacted);
  }, [csatDue, showing]);

  if (thanks)
    return (
      <p role="status" className="mb-2 rounded-md border border-emerald-200 bg-emerald-50 px-2 py-1.5 text-xs text-emerald-900">
        Thanks for your answer.
      </p>
    );
  if (!showing) return null;
  const done = (answered: boolean) => {
    setShowing(null);
    setThanks(answered);
  };
  return showing === "NPS" ? <NpsCard onDone={done} /> : <CsatCard onDone={done} />;
}

function useSend(kind: Kind, onDone: (answered: boolean) => void) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const send = async (score: number | null, comment?: string) => {
    setPending(true);
    setError(null);
    const res = await answerPulseAction(kind === "NPS" ? { kind, score, comment: comment ?? null } : { kind, score });
    setPending(false);
    if (res.ok || res.error.code === "CONFLICT") onDone(res.ok && score !== null);
    else setError(res.error.fieldErrors ? Object.values(res.error.fieldErrors).flat().join(" ") : res.error.message);
  };
  return { send, error, pending };
}

const CARD = "mb-2 rounded-lg border border-slate-200 bg-brand-50 p-2.5 text-sm";
const NOT_NOW = "rounded-md px-2 py-1 text-xs font-medium text-slate-700 hover:bg-white";

function Scale({ name, values, value, onPick, labelledBy }: { name: string; values: number[]; value: number | null; onPick: (v: number) => void; labelledBy: string }) {
  return (
    <div role="radiogroup" aria-labelledby={labelledBy} className="mt-1.5 flex flex-wrap gap-0.5">
      {values.map((v) => (
        <label key={v} className={`relative flex h-7 min-w-7 flex-1 cursor-pointer items-center justify-center rounded text-xs font-semibold tabular-nums ring-1 ring-inset has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600 ${value === v ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-800 ring-slate-300 hover:bg-slate-50"}`}>
          <input type="radio" name={name} value={v} checked={value === v} onChange={() => onPick(v)} className="sr-only" />
          {v}
        </label>
      ))}
    </div>
  );
}

function NpsCard({ onDone }: { onDone: (answered: boolean) => void }) {
  const id = useId();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const { send, error, pending } = useSend("NPS", onDone);
  return (
    <section aria-labelledby={`${id}-q`} className={CARD} data-pulse="NPS">
      <div className="flex items-start gap-2">
        <h2 id={`${id}-q`} className="flex-1 font-medium text-slate-900">
          {NPS_QUESTION}
        </h2>
        <button type="button" className={NOT_NOW} disabled={pending} onClick={() => void send(null)}>
          Not now
        </button>
      </div>
      <Scale name={`${id}-score`} values={[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]} value={score} onPick={setScore} labelledBy={`${id}-q`} />
      <div className="mt-0.5 flex justify-between text-[11px] text-slate-600" aria-hidden="true">
        <span>0 not at all likely</span>
        <span>10 extremely likely</span>
      </div>
      {score !== null ? (
        <form
          className="mt-2 space-y-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            void send(score, comment);
          }}
        >
          <label className="block text-xs font-medium text-slate-700">
            What is the main reason for your score? (optional)
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={MAX_COMMENT} rows={2} className="mt-0.5 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm font-normal text-slate-900" />
          </label>
          <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-brand-700">
            {pending ? "Sending…" : "Send"}
          </button>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-800">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function CsatCard({ onDone }: { onDone: (answered: boolean) => void }) {
  const id = useId();
  const { send, error, pending } = useSend("CSAT", onDone);
  return (
    <section aria-labelledby={`${id}-q`} className={CARD} data-pulse="CSAT">
      <div className="flex items-start gap-2">
        <h2 id={`${id}-q`} className="flex-1 font-medium text-slate-900">
          {CSAT_QUESTION}
        </h2>
        <button type="button" className={NOT_NOW} disabled={pending} onClick={() => void send(null)}>
          Not now
        </button>
      </div>
      <Scale name={`${id}-score`} values={[1, 2, 3, 4, 5]} value={null} onPick={(v) => void send(v)} labelledBy={`${id}-q`} />
      <div className="mt-0.5 flex justify-between text-[11px] text-slate-600" aria-hidden="true">
        <span>1 not useful</span>
        <span>5 very useful</span>
      </div>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-800">
          {error}
        </p>
      ) : null}
    </section>
  );
}
