// The one permission table. Server guards and the UI both read it, so a role's
// reach is decided here and nowhere else. Client-safe: no server imports.
import type { Role } from "@/lib/generated/prisma/enums";

export const PERMISSIONS = {
  "queue.work": ["REP"],
  "customers.view": ["REP", "MANAGER", "ADMIN"],
  "dashboards.view": ["MANAGER", "ADMIN"],
  "dashboards.allTeams": ["ADMIN"],
  "catalog.manage": ["ADMIN"],
  "users.manage": ["ADMIN"],
  "apiKeys.manage": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Where each role starts after signing in. */
export const HOME_BY_ROLE: Record<Role, string> = {
  REP: "/queue",
  MANAGER: "/dashboards/adoption",
  ADMIN: "/admin/catalog",
};
