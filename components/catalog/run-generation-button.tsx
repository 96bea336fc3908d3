"use client";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { runGenerationAction } from "@/lib/actions/catalog";
import type { GenerationResult } from "@/lib/services/generation";
import { JobProgress } from "./job-progress";
import { useJob } from "./use-job";

/** Runs batch generation now, in the background, with progress; says what it did. */
export function RunGenerationButton() {
  const toast = useToast();
  const router = useRouter();
  const job = useJob<GenerationResult>({
    onDone: (r) => {
      toast.show(`Generation done: ${r.created} new suggestions (${r.control} control) for ${r.customers} customers; ${r.expired + r.superseded} expired.`, { ms: 8000 });
      router.refresh();
    },
    onError: (message) => toast.show(message, { tone: "error" }),
  });
  return (
    <div className="min-w-48">
      <Button variant="secondary" disabled={job.running} onClick={() => void job.start(() => runGenerationAction({}))}>
        {job.running ? "Generating…" : "Run generation now"}
      </Button>
      {job.running ? <JobProgress label="Generation" progress={job.progress} stage={job.stage} onCancel={() => void job.cancel()} /> : null}
    </div>
  );
}
