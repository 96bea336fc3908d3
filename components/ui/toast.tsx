"use client";
import { createContext, useCallback, useContext, useMemo, useRef, useState } from "react";

type Tone = "info" | "error";
interface Toast {
  id: number;
  text: string;
  tone: Tone;
  action?: { label: string; run: () => void };
}
interface ToastApi {
  show: (text: string, opts?: { tone?: Tone; action?: Toast["action"]; ms?: number }) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** A single polite live region at the bottom of the screen; the latest message wins. */
export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toast, setToast] = useState<Toast | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const seq = useRef(0);
  const show = useCallback<ToastApi["show"]>((text, opts) => {
    clearTimeout(timer.current);
    const id = ++seq.current;
    setToast({ id, text, tone: opts?.tone ?? "info", action: opts?.action });
    timer.current = setTimeout(() => setToast((t) => (t?.id === id ? null : t)), opts?.ms ?? 5000);
  }, []);
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div aria-live="polite" role="status" className="pointer-events-none fixed inset-x-0 bottom-3 z-50 flex justify-center px-3">
        {toast ? (
          <div
            className={`pointer-events-auto flex max-w-md items-center gap-3 rounded-lg px-3 py-2 text-sm shadow-lg ${toast.tone === "error" ? "bg-red-700 text-white" : "bg-slate-900 text-white"}`}
          >
            <span>{toast.text}</span>
            {toast.action ? (
              <button
                type="button"
                className="rounded px-1.5 py-0.5 font-semibold text-brand-100 underline-offset-2 hover:underline"
                onClick={() => {
                  toast.action?.run();
                  setToast(null);
                }}
              >
                {toast.action.label}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error("useToast needs <ToastProvider>");
  return ctx;
}
