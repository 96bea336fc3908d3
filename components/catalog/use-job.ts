"use client";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ActionResult } from "@/lib/auth/action";
import { cancelJobAction, jobStatusAction } from "@/lib/actions/catalog";
import type { JobView } from "@/lib/services/jobs";

type JobActions = {
  status: (input: { id: string }) => Promise<ActionResult<JobView<unknown>>>;
  cancel: (input: { id: string }) => Promise<unknown>;
};
const CATALOG_JOBS: JobActions = { status: jobStatusAction, cancel: cancelJobAction };

/**
 * A background job started by a server action (or an upload): polls its
 * progress until it ends, and can cancel it. `onDone` runs once with the
 * result; `onError` with a message a person can act on (failed, timed out, or
 * the start refused). `actions` polls and cancels (the catalog's by default).
 */
export function useJob<T>(opts: { onDone: (result: T) => void; onError: (message: string) => void; actions?: JobActions }) {
  const [jobId, setJobId] = useState<string | null>(null);
  const handlers = useRef(opts);
  useEffect(() => {
    handlers.current = opts;
  });

  // Completion is handled where the poll answers (not in an effect): the job
  // ends, the poll stops, the handler runs once.
  const status = useQuery({
    queryKey: ["job", jobId],
    enabled: jobId !== null,
    queryFn: async (): Promise<JobView<T> | null> => {
      const id = jobId!;
      const res = await (handlers.current.actions ?? CATALOG_JOBS).status({ id });
      if (!res.ok) {
        setJobId((current) => (current === id ? null : current));
        handlers.current.onError(res.error.message);
        return null;
      }
      const view = res.data as JobView<T>;
      if (view.state !== "running") {
        setJobId((current) => (current === id ? null : current));
        if (view.state === "done" && view.result !== null) handlers.current.onDone(view.result);
        else if (view.state === "failed") handlers.current.onError(view.error?.message ?? "The run failed. Try again.");
      }
      return view;
    },
    refetchInterval: (q) => (q.state.data && q.state.data.state !== "running" ? false : 400),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });

  const job = status.data ?? null;
  const start = useCallback(async (run: () => Promise<ActionResult<JobView<T>>>) => {
    const res = await run();
    if (!res.ok) {
      handlers.current.onError(res.error.message);
      return res;
    }
    setJobId(res.data.id);
    return res;
  }, []);

  const cancel = useCallback(async () => {
    if (!jobId) return;
    const id = jobId;
    setJobId(null);
    await (handlers.current.actions ?? CATALOG_JOBS).cancel({ id });
  }, [jobId]);

  const running = jobId !== null;
  return { start, cancel, running, progress: running && job?.id === jobId ? job.progress : 0, stage: running && job?.id === jobId ? job.stage : "Starting" };
}
