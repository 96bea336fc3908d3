import Link from "next/link";
import { Logo } from "@/components/ui/logo";
import type { SessionUser } from "@/lib/data/users";
import { linksFor } from "./nav-links";
import { NavItem } from "./nav-item";
import { SignOutButton } from "./sign-out-button";

const ROLE_LABEL = { REP: "Sales rep", MANAGER: "Manager", ADMIN: "Admin" } as const;

/** App chrome: a compact top bar that works at 360 px and a centred content column. */
export function AppShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  const links = linksFor(user.role);
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 px-3 sm:h-12 sm:flex-nowrap sm:px-6">
          <Link href="/" className="flex h-12 shrink-0 items-center rounded" aria-label="Nudge home">
            <Logo />
          </Link>
          {/* At sidebar width the links get a row of their own (scrolling sideways if they must). */}
          <nav aria-label="Main" className="order-last -mx-3 flex w-[calc(100%+1.5rem)] items-center gap-1 overflow-x-auto border-t border-slate-100 px-3 py-1 sm:order-none sm:mx-0 sm:w-auto sm:min-w-0 sm:flex-1 sm:border-0 sm:p-0">
            {links.map((l) => (
              <NavItem key={l.href} href={l.href} label={l.label} />
            ))}
          </nav>
          <div className="ml-auto flex shrink-0 items-center gap-2 sm:ml-0">
            <span className="hidden text-right text-xs leading-tight text-slate-600 sm:block">
              <span className="block font-medium text-slate-900">{user.name}</span>
              {ROLE_LABEL[user.role]}
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-3 py-4 sm:px-6 sm:py-6">
        {children}
      </main>
    </div>
  );
}
