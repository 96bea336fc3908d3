"use client";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { Icon } from "@/components/ui/icons";
import { recordTourAction } from "@/lib/actions/engagement";
import type { Role } from "@/lib/generated/prisma/enums";
import type { TourName } from "@/lib/validation/engagement";

interface Step {
  /** data-tour value of the element the step is about; the card shows alone when it is not on screen. */
  target: string;
  title: string;
  body: string;
}

// A few steps over the real screen, per role: the rep's over the queue, the
// manager's over the dashboards, the admin's over the navigation.
export const TOURS: Record<TourName, { home: string; steps: Step[] }> = {
  rep: {
    home: "/queue",
    steps: [
      { target: "queue", title: "Your queue", body: "Each line is one thing to do today, best first: the customer, the action, its expected value and the days until it closes." },
      { target: "value", title: "What “expected value” means", body: "The chance this action leads to a sale, times what that sale is worth to the business. The top line is worth the most; the figure is an estimate, not a promise." },
      { target: "reasons", title: "Why this suggestion", body: "The reasons under each opened line say what the engine saw: a birthday, a renewal, weeks without contact." },
      { target: "reactions", title: "React in one tap", body: "Accept it, mark it done, snooze it to a better day, or dismiss it with a reason. Every reaction teaches the engine; undo is one tap away." },
      { target: "keys", title: "Keys", body: "j and k move, a accepts, x marks done, s snoozes, d dismisses, u undoes. Press ? for the list. Re-open this tour any time from the help button at the top." },
    ],
  },
  manager: {
    home: "/dashboards",
    steps: [
      { target: "dashboards", title: "Your dashboards", body: "Adoption: are reps using Nudge? Impact: does it sell, against a control group? Sentiment, model quality and the periodic review follow." },
      { target: "filters", title: "Filters", body: "Dates, grain, action type and segment stay in the address, so a link shows a colleague exactly what you see." },
      { target: "targets", title: "Targets", body: "Set the level each figure should reach for your team; every tile then says whether it is on target. Re-open this tour from the help button at the top." },
    ],
  },
  admin: {
    home: "/admin",
    steps: [
      { target: "nav", title: "Where things are", body: "Catalog shapes what the engine may suggest; Holdout, Users, API keys, Webhooks and Audit follow; Dashboards show adoption and impact." },
      { target: "help", title: "Help", body: "This button re-opens the tour. Program-wide adoption targets and the pulse survey's cadence are set on the adoption dashboard." },
    ],
  },
};

const TOUR_BY_ROLE: Record<Role, TourName> = { REP: "rep", MANAGER: "manager", ADMIN: "admin" };

/**
 * The first-run tour: a non-modal dialog card over the real screen that
 * outlines the element each step is about. Opens by itself on the role's home
 * page until finished or skipped; the help button re-opens it. Escape (or
 * "Skip tour") closes it and records the step; focus moves into the card on
 * every step and back to where it was when it closes.
 */
export function Tour({ role, autoStart }: { role: Role; autoStart: boolean }) {
  const name = TOUR_BY_ROLE[role];
  const { home, steps } = TOURS[name];
  const pathname = usePathname();
  const [step, setStep] = useState<number | null>(null);
  const auto = useRef(autoStart);
  const card = useRef<HTMLDivElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const help = useRef<HTMLButtonElement>(null);

  const record = (event: "started" | "finished" | "skipped", at: number) => void recordTourAction({ tour: name, event, step: at + 1 });

  const open = useCallback(() => {
    returnTo.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : help.current;
    setStep(0);
    void recordTourAction({ tour: name, event: "started", step: 1 });
  }, [name]);

  useEffect(() => {
    if (!auto.current || !(pathname === home || pathname.startsWith(`${home}/`))) return;
    // Let the page render the elements the steps point at first.
    const t = window.setTimeout(() => {
      if (!auto.current) return;
      auto.current = false;
      open();
    }, 300);
    return () => window.clearTimeout(t);
  }, [pathname, home, open]);

  const close = (event: "finished" | "skipped") => {
    if (step === null) return;
    record(event, step);
    setStep(null);
    (returnTo.current ?? help.current)?.focus();
  };

  // Outline this step's element, bring it into view, and focus the card.
  useEffect(() => {
    if (step === null) return;
    // The first one on screen (the queue renders a suggestion's detail twice, one of them hidden by width).
    const target = [...document.querySelectorAll<HTMLElement>(`[data-tour="${steps[step]!.target}"]`)].find((el) => el.getClientRects().length > 0);
    target?.setAttribute("data-tour-active", "");
    target?.scrollIntoView({ block: "nearest" });
    card.current?.focus();
    return () => target?.removeAttribute("data-tour-active");
  }, [step, steps]);

  const current = step === null ? null : steps[step]!;
  const last = step === steps.length - 1;
  return (
    <>
      <button
        ref={help}
        type="button"
        data-tour="help"
        onClick={() => (step === null ? open() : card.current?.focus())}
        aria-label="Help: take the tour"
        title="Help: take the tour"
        className="inline-flex size-8 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 hover:text-slate-900"
      >
        <Icon name="help" className="size-4" />
      </button>
      {current && step !== null
        ? createPortal(
        <div
          ref={card}
          role="dialog"
          aria-labelledby="tour-title"
          aria-describedby="tour-body"
          tabIndex={-1}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              close("skipped");
            }
          }}
          className="fixed inset-x-2 bottom-2 z-40 mx-auto max-w-sm rounded-xl border border-slate-200 bg-white p-4 text-left shadow-2xl outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
        >
          <p className="text-xs font-medium text-slate-600">
            Tour · step {step + 1} of {steps.length}
          </p>
          <h2 id="tour-title" className="mt-0.5 text-base font-semibold text-slate-900">
            {current.title}
          </h2>
          <p id="tour-body" className="mt-1 text-sm text-slate-700">
            {current.body}
          </p>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <button type="button" onClick={() => close("skipped")} className="rounded-md px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
              Skip tour
            </button>
            <span className="ml-auto" />
            {step > 0 ? (
              <button type="button" onClick={() => setStep(step - 1)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
                Back
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => (last ? close("finished") : setStep(step + 1))}
              className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
            >
              {last ? "Finish" : "Next"}
            </button>
          </div>
        </div>,
            // Into the page's main landmark: inside the header, whose backdrop filter makes it the box a fixed element
            // is placed in, the card would sit at the top of the screen, cut off.
            document.getElementById("main") ?? document.body,
          )
        : null}
    </>
  );
}
