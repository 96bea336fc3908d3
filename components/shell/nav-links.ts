import type { Role } from "@/lib/generated/prisma/enums";
import { can, type Permission } from "@/lib/auth/permissions";

export interface NavLink {
  href: string;
  label: string;
  permission: Permission;
  /** Path prefix that marks the link active (default: its href); "Dashboards" is active on every dashboard. */
  match?: string;
}

// Only pages that exist are listed; add a link when its page ships.
export const NAV_LINKS: NavLink[] = [
  { href: "/queue", label: "Queue", permission: "queue.work" },
  { href: "/customers", label: "Customers", permission: "customers.view" },
  // One link: the dashboards' own tabs (components/dashboards/dashboard-frame.tsx) switch between them.
  { href: "/dashboards/adoption", label: "Dashboards", permission: "dashboards.view", match: "/dashboards" },
  { href: "/admin/catalog", label: "Catalog", permission: "catalog.manage" },
  { href: "/admin/holdout", label: "Holdout", permission: "catalog.manage" },
  { href: "/admin/users", label: "Users", permission: "users.manage" },
  { href: "/admin/import", label: "Import", permission: "customers.import" },
  { href: "/admin/api-keys", label: "API keys", permission: "apiKeys.manage" },
  { href: "/admin/webhooks", label: "Webhooks", permission: "webhooks.manage" },
  { href: "/admin/audit", label: "Audit", permission: "users.manage" },
  { href: "/admin/privacy", label: "Privacy", permission: "privacy.manage" },
  { href: "/admin/access", label: "Access record", permission: "privacy.manage" },
];

export function linksFor(role: Role): NavLink[] {
  return NAV_LINKS.filter((l) => can(role, l.permission));
}
