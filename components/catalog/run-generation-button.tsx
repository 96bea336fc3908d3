"use client";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { runGenerationAction } from "@/lib/actions/catalog";

/** Runs batch generation now and says what it did. */
export function RunGenerationButton() {
  const [pending, start] = useTransition();
  const toast = useToast();
  const router = useRouter();
  return (
    <Button
      variant="secondary"
      disabled={pending}
      onClick={() =>
        start(async () => {
          const res = await runGenerationAction({});
          if (!res.ok) return toast.show(res.error.message, { tone: "error" });
          const r = res.data;
          toast.show(`Generation done: ${r.created} new suggestions (${r.control} control) for ${r.customers} customers; ${r.expired + r.superseded} expired.`, { ms: 8000 });
          router.refresh();
        })
      }
    >
      {pending ? "Generating…" : "Run generation now"}
    </Button>
  );
}
