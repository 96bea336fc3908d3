import Link from "next/link";
import { Logo } from "@/components/ui/logo";
import type { SessionUser } from "@/lib/data/users";
import { can } from "@/lib/auth/permissions";
import { CommandPaletteButton, CommandPaletteProvider } from "./command-palette";
import { MainNav } from "./main-nav";
import { linksFor } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { Tour } from "./tour";

const ROLE_LABEL = { REP: "Sales rep", MANAGER: "Manager", ADMIN: "Admin" } as const;

/**
 * App chrome: a skip link, then one 44 px bar at every width (a CRM's 360 px
 * utility bar included), and the content column (wider for dashboards). The
 * first-run tour opens by itself until finished or skipped (`tourDone`), and
 * from the header's "Tour" button at any time.
 */
export function AppShell({ user, children, wide = false, tourDone = true }: { user: SessionUser; children: React.ReactNode; wide?: boolean; tourDone?: boolean }) {
  const links = linksFor(user.role).map(({ href, label, match }) => ({ href, label, match }));
  const width = wide ? "max-w-screen-2xl" : "max-w-6xl";
  return (
    <CommandPaletteProvider pages={links} canSearchCustomers={can(user.role, "customers.view")}>
      <div className="flex min-h-dvh flex-col">
        <a href="#main" className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-brand-700 shadow focus:not-sr-only focus:fixed focus:left-2 focus:top-2">
          Skip to content
        </a>
        <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/95 backdrop-blur">
          <div className={`mx-auto flex h-11 ${width} items-center gap-1.5 px-2 sm:gap-3 sm:px-6`}>
            <Link href="/" className="flex h-11 shrink-0 items-center rounded" aria-label="Nudge home">
              <Logo wordmarkClassName="hidden sm:inline" />
            </Link>
            <MainNav links={links} />
            <div className="flex shrink-0 items-center gap-1.5 sm:gap-2">
              <CommandPaletteButton />
              <Tour role={user.role} autoStart={!tourDone} />
              <span className="hidden text-right text-xs leading-tight text-slate-600 md:block">
                <span className="block font-medium text-slate-900">{user.name}</span>
                {ROLE_LABEL[user.role]}
              </span>
              <SignOutButton />
            </div>
          </div>
        </header>
        <main id="main" tabIndex={-1} className={`mx-auto w-full ${width} flex-1 px-2 py-3 outline-none sm:px-6 sm:py-5`}>
          {children}
        </main>
      </div>
    </CommandPaletteProvider>
  );
}
