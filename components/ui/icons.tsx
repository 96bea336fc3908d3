// Small inline icons (24-unit grid, stroke = currentColor). Decorative: the
// control that holds one carries the accessible name.
import type { SVGProps } from "react";

export type IconName =
  | "offer"
  | "meeting"
  | "relationship"
  | "retention"
  | "growth"
  | "service"
  | "check"
  | "done"
  | "snooze"
  | "dismiss"
  | "undo"
  | "menu"
  | "signout"
  | "external"
  | "keyboard"
  | "offline"
  | "search"
  | "help";

const PATHS: Record<IconName, string> = {
  offer: "M20 12l-8 8-8-8V4h8l8 8zM7.5 7.5h.01",
  meeting: "M8 3v4M16 3v4M4 9h16M5 5h14a1 1 0 011 1v13a1 1 0 01-1 1H5a1 1 0 01-1-1V6a1 1 0 011-1z",
  relationship: "M12 20s-7-4.5-7-10a4 4 0 017-2.6A4 4 0 0119 10c0 5.5-7 10-7 10z",
  retention: "M4 12a8 8 0 0113.7-5.7L20 8M20 4v4h-4M20 12a8 8 0 01-13.7 5.7L4 16M4 20v-4h4",
  growth: "M4 17l6-6 4 4 6-7M15 8h5v5",
  service: "M4 13a8 8 0 0116 0M4 13v4a2 2 0 002 2h1v-6H4M20 13v4a2 2 0 01-2 2h-1v-6h3",
  check: "M5 12.5l4.5 4.5L19 7.5",
  done: "M12 21a9 9 0 100-18 9 9 0 000 18zM8 12.5l3 3 5-6",
  snooze: "M12 21a8 8 0 100-16 8 8 0 000 16zM12 9v4l2.5 2M5 3L2 6M19 3l3 3",
  dismiss: "M6 6l12 12M18 6L6 18",
  undo: "M9 14L4 9l5-5M4 9h10a6 6 0 010 12h-3",
  menu: "M4 7h16M4 12h16M4 17h16",
  signout: "M15 4h3a2 2 0 012 2v12a2 2 0 01-2 2h-3M10 17l5-5-5-5M15 12H4",
  external: "M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 01-1 1H5a1 1 0 01-1-1V7a1 1 0 011-1h5",
  keyboard: "M3 7h18v10H3zM7 11h.01M11 11h.01M15 11h.01M8 14h8",
  help: "M12 21a9 9 0 100-18 9 9 0 000 18zM9.5 9.5a2.5 2.5 0 114 2c-.9.6-1.5 1.1-1.5 2.2M12 17h.01",
  offline: "M2 8.5a15 15 0 0120 0M5.5 12a10 10 0 0113 0M9 15.5a5 5 0 016 0M12 19h.01M3 3l18 18",
  search: "M11 18a7 7 0 100-14 7 7 0 000 14zM20 20l-4.2-4.2",
};

export function Icon({ name, className = "size-4", ...props }: { name: IconName } & SVGProps<SVGSVGElement>) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" className={className} {...props}>
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The icon that stands for an action's category in a queue row. */
export const CATEGORY_ICON: Record<string, IconName> = {
  OFFER: "offer",
  MEETING: "meeting",
  RELATIONSHIP: "relationship",
  RETENTION: "retention",
  GROWTH: "growth",
  SERVICE: "service",
};
