"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** The first reload's delay, growing by half each time up to the longest: a view that takes seconds shows within seconds, a long one costs a reload every 10 s. */
const FIRST_RELOAD_MS = 2_000;
const LONGEST_RELOAD_MS = 10_000;
/** While the stream of stored views is live, reloads come from it; this one only in case a notification was lost. */
const LIVE_RELOAD_MS = 30_000;

/** `defaultHref`: the page's default view, computed ahead (its link says "Open <defaultLabel> instead"). */
type Fallback = { defaultHref: string; defaultLabel?: string };

export type FiguresUnavailableProps =
  | ({ state: "computing"; since: string; /** No worker has taken a queued view since then (DASHBOARD_BACKGROUND=workers). */ untakenSince?: string } & Fallback)
  | ({ state: "failed"; at: string; retryFrom: string; reason: string } & Fallback)
  | ({ state: "busy" } & Fallback);

/**
 * In place of a dashboard's figures when they cannot be computed for the page in time
 * (lib/services/dashboard-views.ts): they are being computed in the background, and the
 * page reloads its data when told a view was stored (a server-sent event), or on its own (after 2 s, then less
 * often, at least every 10 s; every 30 s while the stream is live) until they are there; that computation failed; or the server is busy
 * computing other views.
 * Either way the default view, computed ahead, is one click away. Times are preformatted by the server.
 */
export function FiguresUnavailable(props: FiguresUnavailableProps) {
  const router = useRouter();
  const computing = props.state === "computing";
  // Whether the stream of stored views is connected (also shown as data-live, for tests).
  const [streamLive, setStreamLive] = useState(false);
  useEffect(() => {
    if (!computing) return;
    // Told when a view computed in the background is stored or failed (app/api/dashboards/stream); without that stream
    // (the embedded database, a proxy that drops it) the page reloads on its own, sooner at first.
    const stream = typeof EventSource === "undefined" ? null : new EventSource("/api/dashboards/stream");
    let live = false;
    const setLive = (on: boolean) => {
      live = on;
      setStreamLive(on);
    };
    stream?.addEventListener("ready", () => setLive(true));
    stream?.addEventListener("figures", () => router.refresh());
    stream?.addEventListener("error", () => setLive(false));
    let delay = FIRST_RELOAD_MS;
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      timer = setTimeout(
        () => {
          router.refresh();
          delay = Math.min(LONGEST_RELOAD_MS, Math.round(delay * 1.5));
          next();
        },
        live ? LIVE_RELOAD_MS : delay,
      );
    };
    next();
    return () => {
      clearTimeout(timer);
      stream?.close();
    };
  }, [computing, router]);
  const fallback = (
    <a href={props.defaultHref} className="text-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800">
      Open {props.defaultLabel ?? "the last 90 days"} instead
    </a>
  );
  if (computing) {
    return (
      <section role="status" aria-live="polite" data-figures="computing" data-live={streamLive ? "on" : "off"} className="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2">
        <h2 className="flex items-center gap-2 text-sm font-semibold text-slate-900">
          <span aria-hidden="true" className="size-3.5 shrink-0 animate-spin rounded-full border-2 border-brand-200 border-t-brand-600 motion-reduce:animate-none" />
          Computing these figures
        </h2>
        <p className="mt-1.5 max-w-prose text-sm text-slate-700">
          For this range and scope they take too long to compute while you wait, so they are being computed in the background (started {props.since}).
          They appear here when ready, usually within a few minutes; you can leave this page and come back.
        </p>
        {props.untakenSince ? (
          <p data-figures-untaken className="mt-2 max-w-prose rounded-md border border-amber-300 bg-amber-50 px-2.5 py-2 text-sm text-amber-950">
            No background worker has taken a waiting view since {props.untakenSince}, so none may be running. If this lasts, ask an admin to check that the
            workers (<code className="font-mono text-xs">npm run worker</code>) are running.
          </p>
        ) : null}
        <p className="mt-3">{fallback}</p>
      </section>
    );
  }
  if (props.state === "busy") {
    return (
      <section role="alert" data-figures="busy" className="rounded-lg border border-amber-300 bg-amber-50 p-4 lg:col-span-2">
        <h2 className="text-sm font-semibold text-amber-950">These figures can&apos;t be computed right now</h2>
        <p className="mt-1.5 max-w-prose text-sm text-amber-950">
          For this range and scope they take too long to compute while you wait, and the server is already computing other views in the background. Try
          again in a few minutes; a shorter range or one team computes faster.
        </p>
        <p className="mt-3">{fallback}</p>
      </section>
    );
  }
  return (
    <section role="alert" data-figures="failed" className="rounded-lg border border-amber-300 bg-amber-50 p-4 lg:col-span-2">
      <h2 className="text-sm font-semibold text-amber-950">These figures could not be computed</h2>
      <p className="mt-1.5 max-w-prose text-sm text-amber-950">
        At {props.at}, {props.reason}. A shorter range or one team computes faster; this view can be tried again from {props.retryFrom}.
      </p>
      <p className="mt-3">{fallback}</p>
    </section>
  );
}
