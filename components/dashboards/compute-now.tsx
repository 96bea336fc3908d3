"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";

/** "Compute them now": loads the page with ?live=1 and says so while the figures are computed (seconds on a large deployment). */
export function ComputeNowLink({ href }: { href: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  if (pending) return <span className="font-medium text-slate-700">Computing the figures now…</span>;
  return (
    <Link
      href={href}
      prefetch={false}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
        e.preventDefault();
        start(() => router.push(href));
      }}
      className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800"
    >
      Compute them now
    </Link>
  );
}
