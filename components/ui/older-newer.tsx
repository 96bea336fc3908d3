import Link from "next/link";

/** Keyset paging under a newest-first log: "Newest" back to the first page (when not on it), "Older →" when there is more. */
export function OlderNewer({ newestHref, olderHref }: { newestHref: string | null; olderHref: string | null }) {
  return (
    <div className="flex justify-between text-sm">
      {newestHref ? (
        <Link href={newestHref} className="text-brand-700 hover:underline">
          Newest
        </Link>
      ) : (
        <span />
      )}
      {olderHref ? (
        <Link href={olderHref} className="text-brand-700 hover:underline">
          Older →
        </Link>
      ) : null}
    </div>
  );
}
