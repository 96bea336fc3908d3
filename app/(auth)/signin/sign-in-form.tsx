"use client";
import { signIn } from "next-auth/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { signInSchema } from "@/lib/validation/auth";

export function SignInForm({ callbackUrl }: { callbackUrl: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [pending, setPending] = useState(false);
  // Each new error takes focus, so screen readers announce it and keyboard users start from it.
  const alertRef = useRef<HTMLDivElement>(null);
  const [errorSerial, setErrorSerial] = useState(0);
  useEffect(() => {
    if (errorSerial > 0) alertRef.current?.focus();
  }, [errorSerial]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      const errs: { email?: string; password?: string } = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if ((key === "email" || key === "password") && !errs[key]) errs[key] = issue.message;
      }
      setFieldErrors(errs);
      setError(null);
      // The first field in error takes focus; its message is tied to it (aria-describedby).
      const first = errs.email ? "email" : "password";
      (formEl.elements.namedItem(first) as HTMLInputElement | null)?.focus();
      return;
    }
    setFieldErrors({});
    setPending(true);
    setError(null);
    try {
      const res = await signIn("credentials", { ...parsed.data, redirect: false });
      if (!res || res.error) {
        setError(signInErrorMessage(res?.error));
        setErrorSerial((n) => n + 1);
        setPending(false);
        return;
      }
      window.location.assign(callbackUrl ?? "/");
    } catch {
      setError("We couldn't reach the server. Check your connection and try again.");
      setErrorSerial((n) => n + 1);
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? (
        <div ref={alertRef} role="alert" tabIndex={-1} className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </div>
      ) : null}
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-800">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={fieldErrors.email ? "email-error" : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
        />
        {fieldErrors.email ? (
          <p id="email-error" className="mt-1 text-xs text-red-700">
            {fieldErrors.email}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-800">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={fieldErrors.password ? "password-error" : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
        />
        {fieldErrors.password ? (
          <p id="password-error" className="mt-1 text-xs text-red-700">
            {fieldErrors.password}
          </p>
        ) : null}
      </div>
      <Button type="submit" disabled={pending} className="w-full py-2">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
