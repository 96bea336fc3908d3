// The one permission table. Server guards and the UI both read it, so a role's
// reach is decided here and nowhere else. Client-safe: no server imports.
import type { RowScope } from "@/lib/data/scope";
import type { Role } from "@/lib/generated/prisma/enums";

export type { RowScope };

export const PERMISSIONS = {
  "queue.work": ["REP"],
  "customers.view": ["REP", "MANAGER", "ADMIN"],
  "dashboards.view": ["MANAGER", "ADMIN"],
  /** Row scope: every team's customers and figures (see rowScope). */
  "rows.allTeams": ["ADMIN"],
  /** Row scope: the own team's customers and figures (see rowScope). */
  "rows.team": ["MANAGER", "ADMIN"],
  "catalog.manage": ["ADMIN"],
  "users.manage": ["ADMIN"],
  "apiKeys.manage": ["ADMIN"],
  "webhooks.manage": ["ADMIN"],
  "customers.import": ["ADMIN"],
  /** Roll the engine back to an earlier model version (the model page). */
  "model.manage": ["ADMIN"],
  /** The first-run tour (each role has its own). */
  "tour.take": ["REP", "MANAGER", "ADMIN"],
  /** Adoption targets: admins for any team and program-wide, managers for their own team only (lib/services/engagement.ts). */
  "targets.manage": ["MANAGER", "ADMIN"],
  /** Customer data rights: export, erasure, retention, the access record. */
  "privacy.manage": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * The one place row scope is decided: which rows a user may see (customers,
 * dashboard figures), from the table above: every team's, their own team's,
 * or only their own. Data functions take the resolved scope and never look at roles.
 */
export function rowScope(user: { id: string; role: Role; teamId: string | null }): RowScope {
  if (can(user.role, "rows.allTeams")) return { kind: "all" };
  if (can(user.role, "rows.team")) return { kind: "team", teamId: user.teamId };
  return { kind: "own", userId: user.id, teamId: user.teamId };
}

/** Where each role starts after signing in. */
export const HOME_BY_ROLE: Record<Role, string> = {
  REP: "/queue",
  MANAGER: "/dashboards/adoption",
  ADMIN: "/admin/catalog",
};
