"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useToast } from "@/components/ui/toast";
import type { ActionResult } from "@/lib/auth/action";

type Errors = Record<string, string[]>;

/**
 * Runs a server action with pending state, field errors, a toast and a
 * refresh of the server-rendered page on success.
 */
export function useAdminAction<I, T>(action: (input: I) => Promise<ActionResult<T>>, opts: { success?: (data: T) => string | null; onSuccess?: (data: T) => void } = {}) {
  const [pending, start] = useTransition();
  const [errors, setErrors] = useState<Errors>({});
  const toast = useToast();
  const router = useRouter();
  const run = (input: I) =>
    start(async () => {
      const res = await action(input);
      if (!res.ok) {
        setErrors(res.error.fieldErrors ?? {});
        toast.show(res.error.message, { tone: "error" });
        return;
      }
      setErrors({});
      const text = opts.success?.(res.data);
      if (text) toast.show(text);
      opts.onSuccess?.(res.data);
      router.refresh();
    });
  return { run, pending, errors, setErrors };
}
