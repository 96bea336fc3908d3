"use client";
import { usePathname, useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * The panel opened with the CRM's short-lived exchange token: the URL is
 * switched to the longer-lived frame token, so refreshes after a reaction (and
 * a reload of the frame) keep working for the rep's working day.
 */
export function EmbedTokenSync({ token }: { token: string }) {
  const router = useRouter();
  const pathname = usePathname();
  useEffect(() => {
    router.replace(`${pathname}?token=${encodeURIComponent(token)}`, { scroll: false });
  }, [router, pathname, token]);
  return null;
}
