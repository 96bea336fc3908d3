"use client";
import { ErrorPanel } from "@/components/ui/error-panel";

// The boundary for every page without one of its own (and for the group
// layouts): a database outage, say, shows this with a retry instead of a
// blank error page.
export default function Error({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="p-6">
      <ErrorPanel error={error} reset={reset} what="this page" />
    </main>
  );
}
