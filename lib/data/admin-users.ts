import "server-only";
import { db, type Db } from "./db";
import { OPEN_STATUSES } from "@/lib/domain/vocabulary";
import type { Role } from "@/lib/generated/prisma/enums";

// Users and teams as the admin manages them: the reads behind the admin pages
// and the queries lib/services/users.ts runs in its audited transactions.
// Password hashes never leave this module in a return value.

type Client = Pick<Db, "user" | "team" | "customer" | "recommendation">;

const userSelect = { id: true, email: true, name: true, role: true, teamId: true, active: true, createdAt: true, team: { select: { name: true } } } as const;

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  active: boolean;
  createdAt: Date;
  team: { name: string } | null;
}

export async function listUsers() {
  const users = await db().user.findMany({
    orderBy: [{ active: "desc" }, { role: "asc" }, { name: "asc" }],
    select: { ...userSelect, _count: { select: { customers: true } } },
  });
  return users.map(({ _count, ...u }) => ({ ...u, customers: _count.customers }));
}

export async function getUser(id: string) {
  const u = await db().user.findUnique({ where: { id }, select: { ...userSelect, _count: { select: { customers: true } } } });
  if (!u) return null;
  const openRecommendations = await db().recommendation.count({ where: { repId: id, status: { in: [...OPEN_STATUSES] }, isControl: false } });
  const { _count, ...rest } = u;
  return { ...rest, customers: _count.customers, openRecommendations };
}

export async function listTeams() {
  return db().team.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, managerId: true, manager: { select: { name: true } }, _count: { select: { members: true } } },
  });
}

// ---------- users ----------

/** Inserts a user (unique email: a duplicate throws a unique violation). */
export async function insertUser(
  client: Client,
  data: { email: string; name: string; role: Role; teamId: string | null; passwordHash: string; active: boolean },
): Promise<UserRow> {
  return client.user.create({ data, select: userSelect });
}

export async function findUser(client: Client, id: string): Promise<UserRow | null> {
  return client.user.findUnique({ where: { id }, select: userSelect });
}

export async function updateUserRow(client: Client, id: string, data: { name: string; role: Role; teamId: string | null }): Promise<UserRow> {
  return client.user.update({ where: { id }, data, select: userSelect });
}

export async function setUserActiveFlag(client: Client, id: string, active: boolean): Promise<void> {
  await client.user.update({ where: { id }, data: { active } });
}

export async function setPasswordHash(client: Client, id: string, passwordHash: string): Promise<void> {
  await client.user.update({ where: { id }, data: { passwordHash } });
}

// ---------- teams ----------

export interface TeamRow {
  name: string;
  managerId: string | null;
}

/** Inserts a team (unique name: a duplicate throws a unique violation). */
export async function insertTeam(client: Client, data: TeamRow): Promise<TeamRow & { id: string }> {
  return client.team.create({ data, select: { id: true, name: true, managerId: true } });
}

export async function findTeam(client: Client, id: string): Promise<TeamRow | null> {
  return client.team.findUnique({ where: { id }, select: { name: true, managerId: true } });
}

/** Renames a team or changes its manager (unique name: a duplicate throws a unique violation). */
export async function updateTeamRow(client: Client, id: string, data: TeamRow): Promise<TeamRow> {
  return client.team.update({ where: { id }, data, select: { name: true, managerId: true } });
}

// ---------- customers changing owner ----------

/** What a rep still owns: customers, and open suggestions in their queue (control-group ones too). */
export async function ownedWork(client: Client, repId: string): Promise<{ customers: number; openRecommendations: number }> {
  const customers = await client.customer.count({ where: { ownerId: repId } });
  const openRecommendations = await client.recommendation.count({ where: { repId, status: { in: [...OPEN_STATUSES] } } });
  return { customers, openRecommendations };
}

/** The ids of a user's customers, optionally only those among `only`. */
export async function customerIdsOwnedBy(client: Client, ownerId: string, only: string[] | null): Promise<string[]> {
  const rows = await client.customer.findMany({ where: { ownerId, ...(only ? { id: { in: only } } : {}) }, select: { id: true } });
  return rows.map((c) => c.id);
}

export async function setCustomersOwner(client: Client, customerIds: string[], ownerId: string): Promise<number> {
  return (await client.customer.updateMany({ where: { id: { in: customerIds } }, data: { ownerId } })).count;
}

/** Moves the customers' open recommendations (control-group ones too) to a rep. */
export async function setOpenRecommendationsRep(client: Client, customerIds: string[], repId: string): Promise<number> {
  return (await client.recommendation.updateMany({ where: { customerId: { in: customerIds }, status: { in: [...OPEN_STATUSES] } }, data: { repId } })).count;
}
