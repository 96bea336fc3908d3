import "server-only";
import bcrypt from "bcryptjs";
import { recordAudit } from "./audit";
import { db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CreateTeamInput, CreateUserInput, ReassignCustomersInput, UpdateTeamInput, UpdateUserInput } from "@/lib/validation/admin";

// Users and teams as the admin manages them. Every write is one transaction
// with its audit row; password hashes never enter an audit row or a return value.

export class AdminError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "CONFLICT",
    message: string,
  ) {
    super(message);
  }
}

export const BCRYPT_COST = 10;
const OPEN = ["PENDING", "ACCEPTED", "SNOOZED"] as const;

const userSelect = { id: true, email: true, name: true, role: true, teamId: true, active: true, createdAt: true, team: { select: { name: true } } } as const;
const audited = (u: { email: string; name: string; role: string; teamId: string | null; active: boolean }) => ({
  email: u.email,
  name: u.name,
  role: u.role,
  teamId: u.teamId,
  active: u.active,
});

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
  const openRecommendations = await db().recommendation.count({ where: { repId: id, status: { in: [...OPEN] }, isControl: false } });
  const { _count, ...rest } = u;
  return { ...rest, customers: _count.customers, openRecommendations };
}

export async function listTeams() {
  return db().team.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, managerId: true, manager: { select: { name: true } }, _count: { select: { members: true } } },
  });
}

function conflictOnUnique<T>(message: string) {
  return (err: unknown): T => {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new AdminError("CONFLICT", message);
    throw err;
  };
}

export async function createUser(actorId: string, input: CreateUserInput): Promise<{ id: string }> {
  const passwordHash = await bcrypt.hash(input.password, BCRYPT_COST);
  return db()
    .$transaction(async (tx) => {
      const u = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, teamId: input.teamId, passwordHash, active: true },
        select: userSelect,
      });
      await recordAudit(tx, { actorId, entity: "User", entityId: u.id, action: "create", after: audited(u) });
      return { id: u.id };
    })
    .catch(conflictOnUnique<{ id: string }>(`A user with the email ${input.email} already exists`));
}

function assertNotSelf(actorId: string, id: string, what: string) {
  if (actorId === id) throw new AdminError("CONFLICT", `You cannot ${what} your own account; ask another admin`);
}

export async function updateUser(actorId: string, input: UpdateUserInput): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: input.id }, select: userSelect });
    if (!before) throw new AdminError("NOT_FOUND", "This user no longer exists");
    if (before.role !== input.role) assertNotSelf(actorId, input.id, "change the role of");
    const after = await tx.user.update({ where: { id: input.id }, data: { name: input.name, role: input.role, teamId: input.teamId }, select: userSelect });
    if (JSON.stringify(audited(before)) === JSON.stringify(audited(after))) return;
    await recordAudit(tx, { actorId, entity: "User", entityId: input.id, action: "update", before: audited(before), after: audited(after) });
  });
}

/**
 * Deactivates or reactivates a user. The guard re-reads the user on every
 * request, so a deactivated user's session stops working with their next click.
 */
export async function setUserActive(actorId: string, id: string, active: boolean): Promise<void> {
  if (!active) assertNotSelf(actorId, id, "deactivate");
  await db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id }, select: { active: true } });
    if (!before) throw new AdminError("NOT_FOUND", "This user no longer exists");
    if (before.active === active) return;
    await tx.user.update({ where: { id }, data: { active } });
    await recordAudit(tx, { actorId, entity: "User", entityId: id, action: active ? "reactivate" : "deactivate", before: { active: before.active }, after: { active } });
  });
}

export async function resetPassword(actorId: string, id: string, password: string): Promise<void> {
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  await db().$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where: { id }, select: { id: true } });
    if (!found) throw new AdminError("NOT_FOUND", "This user no longer exists");
    await tx.user.update({ where: { id }, data: { passwordHash } });
    await recordAudit(tx, { actorId, entity: "User", entityId: id, action: "reset_password", after: { passwordChanged: true } });
  });
}

async function assertManager(tx: Pick<Prisma.TransactionClient, "user">, managerId: string | null) {
  if (!managerId) return;
  const m = await tx.user.findUnique({ where: { id: managerId }, select: { role: true, active: true } });
  if (!m || !m.active || m.role === "REP") throw new AdminError("CONFLICT", "A team's manager must be an active manager or admin");
}

export async function createTeam(actorId: string, input: CreateTeamInput): Promise<{ id: string }> {
  return db()
    .$transaction(async (tx) => {
      await assertManager(tx, input.managerId);
      const t = await tx.team.create({ data: { name: input.name, managerId: input.managerId }, select: { id: true, name: true, managerId: true } });
      await recordAudit(tx, { actorId, entity: "Team", entityId: t.id, action: "create", after: { name: t.name, managerId: t.managerId } });
      return { id: t.id };
    })
    .catch(conflictOnUnique<{ id: string }>(`A team named ${input.name} already exists`));
}

export async function updateTeam(actorId: string, input: UpdateTeamInput): Promise<void> {
  await db()
    .$transaction(async (tx) => {
      const before = await tx.team.findUnique({ where: { id: input.id }, select: { name: true, managerId: true } });
      if (!before) throw new AdminError("NOT_FOUND", "This team no longer exists");
      await assertManager(tx, input.managerId);
      const after = await tx.team.update({ where: { id: input.id }, data: { name: input.name, managerId: input.managerId }, select: { name: true, managerId: true } });
      if (before.name === after.name && before.managerId === after.managerId) return;
      await recordAudit(tx, { actorId, entity: "Team", entityId: input.id, action: "update", before, after });
    })
    .catch(conflictOnUnique<void>(`A team named ${input.name} already exists`));
}

/**
 * Moves customers from one rep to another; their open recommendations
 * (pending, accepted, snoozed; control-group ones too) move with them, so the
 * new owner sees them in their queue at once.
 */
export async function reassignCustomers(actorId: string, input: ReassignCustomersInput): Promise<{ customers: number; recommendations: number }> {
  return db().$transaction(async (tx) => {
    const [from, to] = await Promise.all([
      tx.user.findUnique({ where: { id: input.fromRepId }, select: { id: true, email: true } }),
      tx.user.findUnique({ where: { id: input.toRepId }, select: { id: true, email: true, role: true, active: true } }),
    ]);
    if (!from) throw new AdminError("NOT_FOUND", "The rep to move customers from no longer exists");
    if (!to || !to.active || to.role !== "REP") throw new AdminError("CONFLICT", "Customers can only move to an active sales rep");
    const only = input.customerIds?.length ? input.customerIds : null;
    const ids = (
      await tx.customer.findMany({ where: { ownerId: from.id, ...(only ? { id: { in: only } } : {}) }, select: { id: true } })
    ).map((c) => c.id);
    if (ids.length === 0) return { customers: 0, recommendations: 0 };
    const customers = await tx.customer.updateMany({ where: { id: { in: ids } }, data: { ownerId: to.id } });
    const recs = await tx.recommendation.updateMany({ where: { customerId: { in: ids }, status: { in: [...OPEN] } }, data: { repId: to.id } });
    await recordAudit(tx, {
      actorId,
      entity: "User",
      entityId: from.id,
      action: "reassign_customers",
      before: { ownerId: from.id, ownerEmail: from.email, customers: customers.count },
      after: { ownerId: to.id, ownerEmail: to.email, customers: customers.count, openRecommendationsMoved: recs.count, customerIds: ids.slice(0, 50) },
    });
    return { customers: customers.count, recommendations: recs.count };
  });
}
