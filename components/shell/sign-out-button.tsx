"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { Icon } from "@/components/ui/icons";

/** Sign out: an icon under 640 px, a word beyond; its name is "Sign out" either way. */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      aria-label={pending ? "Signing out…" : "Sign out"}
      title="Sign out"
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/signin" });
      }}
      className="inline-flex h-8 items-center gap-1 rounded-md px-2 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900"
    >
      <Icon name="signout" className="size-4 sm:hidden" />
      <span aria-hidden="true" className="hidden sm:inline">
        {pending ? "Signing out…" : "Sign out"}
      </span>
    </button>
  );
}
