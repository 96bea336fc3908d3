"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Icon } from "@/components/ui/icons";

interface Item {
  href: string;
  label: string;
  match?: string;
}

/**
 * The main navigation on one row at any width: the active page's link always
 * shows in full, then as many others as the width allows (1 under 640 px, 3
 * to 1024, 5 to 1280, 7 beyond: an admin's eleven links would otherwise run
 * under the search button); the rest are in a "More" menu. Under 420 px,
 * when there is a menu anyway, it holds that one as well ("Dashboards",
 * "Customers" and "More" ran under the search button at 360 px).
 */
export function MainNav({ links }: { links: Item[] }) {
  const pathname = usePathname();
  const isActive = (l: Item) => {
    const base = l.match ?? l.href;
    return pathname === base || pathname.startsWith(`${base}/`);
  };
  const active = links.find(isActive);
  const others = links.filter((l) => l !== active);
  // How many of the other links show inline at each width; the menu holds the rest.
  const tier = (i: number) => (i < 1 ? 0 : i < 3 ? 1 : i < 5 ? 2 : i < 7 ? 3 : 4);
  const menuAnyway = others.length > 1;
  const INLINE = [menuAnyway ? "hidden min-[420px]:inline-flex" : "inline-flex", "hidden sm:inline-flex", "hidden lg:inline-flex", "hidden xl:inline-flex", "hidden"];
  const IN_MENU = [menuAnyway ? "min-[420px]:hidden" : "hidden", "sm:hidden", "lg:hidden", "xl:hidden", ""];
  const maxTier = others.length ? tier(others.length - 1) : 0;
  const MORE = ["hidden", "sm:hidden", "lg:hidden", "xl:hidden", ""];

  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  const linkClass = (on: boolean) => `whitespace-nowrap rounded-md px-2 py-1.5 text-sm font-medium ${on ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900"}`;
  return (
    <nav aria-label="Main" data-tour="nav" className="flex min-w-0 flex-1 items-center gap-0.5">
      {links.map((l) => {
        const on = l === active;
        const cls = on ? "inline-flex shrink-0" : INLINE[tier(others.indexOf(l))];
        return (
          <Link key={l.href} href={l.href} aria-current={on ? "page" : undefined} className={`${cls} ${linkClass(on)}`}>
            {l.label}
          </Link>
        );
      })}
      {maxTier > 0 ? (
        <div
          ref={box}
          className={`relative ${MORE[maxTier]}`}
          onKeyDown={(e) => {
            if (e.key === "Escape" && open) {
              setOpen(false);
              button.current?.focus();
            }
          }}
        >
          <button
            ref={button}
            type="button"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            className="inline-flex items-center gap-1 whitespace-nowrap rounded-md px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
          >
            More
            <Icon name="menu" className="size-3.5" />
          </button>
          {open ? (
            <ul className="absolute left-0 top-full z-30 mt-1 min-w-40 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
              {others.map((l, i) => (
                <li key={l.href} className={IN_MENU[tier(i)]}>
                  <Link href={l.href} onClick={() => setOpen(false)} className="block px-3 py-1.5 text-sm text-slate-800 hover:bg-slate-100">
                    {l.label}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </nav>
  );
}
