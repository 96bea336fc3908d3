import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * Which rows a viewer may see: every team's, one team's, or only their own.
 * Decided once from the permission table (rowScope in lib/auth/permissions.ts);
 * data functions take it and never look at roles.
 */
export type RowScope = { kind: "all" } | { kind: "team"; teamId: string | null } | { kind: "own"; userId: string; teamId: string | null };

// A team id that matches nothing, for a viewer who has no team.
export const NO_TEAM = "00000000-0000-0000-0000-000000000000";

/** The customers a scope covers. */
export function customerWhere(scope: RowScope): Prisma.CustomerWhereInput {
  if (scope.kind === "all") return {};
  if (scope.kind === "team") return { owner: { teamId: scope.teamId ?? NO_TEAM } };
  return { ownerId: scope.userId };
}
