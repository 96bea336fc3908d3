import "server-only";
import bcrypt from "bcryptjs";
import {
  customerIdsOwnedBy,
  findTeam,
  findUser,
  insertTeam,
  insertUser,
  ownedWork,
  setCustomersOwner,
  setOpenRecommendationsRep,
  setPasswordHash,
  setUserActiveFlag,
  updateTeamRow,
  updateUserRow,
  type UserRow,
} from "@/lib/data/admin-users";
import { recordAudit } from "@/lib/data/audit";
import { transaction } from "@/lib/data/db";
import { endSessions } from "@/lib/data/sessions";
import { isUniqueViolation } from "@/lib/data/errors";
import { DomainError } from "@/lib/domain/errors";
import type { CreateTeamInput, CreateUserInput, ReassignCustomersInput, UpdateTeamInput, UpdateUserInput } from "@/lib/validation/admin";

// Use case: an admin manages users and teams and moves customers between reps.
// Every write is one transaction with its audit row; password hashes never
// enter an audit row or a return value. Throws DomainError NOT_FOUND / CONFLICT.

export const BCRYPT_COST = 10;

const audited = (u: Pick<UserRow, "email" | "name" | "role" | "teamId" | "active">) => ({
  email: u.email,
  name: u.name,
  role: u.role,
  teamId: u.teamId,
  active: u.active,
});

function conflictOnUnique(message: string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err)) throw new DomainError("CONFLICT", message);
    throw err;
  };
}

function assertNotSelf(actorId: string, id: string, what: string) {
  if (actorId === id) throw new DomainError("CONFLICT", `You cannot ${what} your own account; ask another admin`);
}

export async function createUser(actorId: string, input: CreateUserInput): Promise<{ id: string }> {
  const passwordHash = await bcrypt.hash(input.password, BCRYPT_COST);
  return transaction(async (tx) => {
      const u = await insertUser(tx, { email: input.email, name: input.name, role: input.role, teamId: input.teamId, passwordHash, active: true });
      await recordAudit(tx, { actorId, entity: "User", entityId: u.id, action: "create", after: audited(u) });
      return { id: u.id };
    })
    .catch(conflictOnUnique(`A user with the email ${input.email} already exists`));
}

/**
 * Refuses to take a rep out of the queue's reach (another role, or
 * deactivated) while they still own customers or open suggestions: those
 * would be orphaned, with nobody working them. The admin reassigns first.
 */
async function assertNothingOrphaned(tx: Parameters<typeof findUser>[0], user: UserRow, what: string) {
  if (user.role !== "REP") return;
  const owned = await ownedWork(tx, user.id);
  if (owned.customers === 0 && owned.openRecommendations === 0) return;
  const parts = [
    owned.customers > 0 ? `${owned.customers.toLocaleString("en-US")} customer${owned.customers === 1 ? "" : "s"}` : null,
    owned.openRecommendations > 0 ? `${owned.openRecommendations.toLocaleString("en-US")} open suggestion${owned.openRecommendations === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  throw new DomainError("CONFLICT", `${user.name} still owns ${parts.join(" and ")}. Reassign their customers to another rep first, then ${what}.`);
}

export async function updateUser(actorId: string, input: UpdateUserInput): Promise<void> {
  await transaction(async (tx) => {
    const before = await findUser(tx, input.id);
    if (!before) throw new DomainError("NOT_FOUND", "This user no longer exists");
    if (before.role !== input.role) assertNotSelf(actorId, input.id, "change the role of");
    if (before.role === "REP" && input.role !== "REP") await assertNothingOrphaned(tx, before, "change their role");
    const after = await updateUserRow(tx, input.id, { name: input.name, role: input.role, teamId: input.teamId });
    if (before.role !== after.role) await endSessions(tx, input.id);
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
  await transaction(async (tx) => {
    const before = await findUser(tx, id);
    if (!before) throw new DomainError("NOT_FOUND", "This user no longer exists");
    if (before.active === active) return;
    if (!active) await assertNothingOrphaned(tx, before, "deactivate them");
    await setUserActiveFlag(tx, id, active);
    if (!active) await endSessions(tx, id);
    await recordAudit(tx, { actorId, entity: "User", entityId: id, action: active ? "reactivate" : "deactivate", before: { active: before.active }, after: { active } });
  });
}

export async function resetPassword(actorId: string, id: string, password: string): Promise<void> {
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  await transaction(async (tx) => {
    if (!(await findUser(tx, id))) throw new DomainError("NOT_FOUND", "This user no longer exists");
    await setPasswordHash(tx, id, passwordHash);
    await endSessions(tx, id);
    await recordAudit(tx, { actorId, entity: "User", entityId: id, action: "reset_password", after: { passwordChanged: true } });
  });
}

async function assertManager(tx: Parameters<typeof findUser>[0], managerId: string | null) {
  if (!managerId) return;
  const m = await findUser(tx, managerId);
  if (!m || !m.active || m.role === "REP") throw new DomainError("CONFLICT", "A team's manager must be an active manager or admin");
}

export async function createTeam(actorId: string, input: CreateTeamInput): Promise<{ id: string }> {
  return transaction(async (tx) => {
      await assertManager(tx, input.managerId);
      const t = await insertTeam(tx, { name: input.name, managerId: input.managerId });
      await recordAudit(tx, { actorId, entity: "Team", entityId: t.id, action: "create", after: { name: t.name, managerId: t.managerId } });
      return { id: t.id };
    })
    .catch(conflictOnUnique(`A team named ${input.name} already exists`));
}

export async function updateTeam(actorId: string, input: UpdateTeamInput): Promise<void> {
  await transaction(async (tx) => {
      const before = await findTeam(tx, input.id);
      if (!before) throw new DomainError("NOT_FOUND", "This team no longer exists");
      await assertManager(tx, input.managerId);
      const after = await updateTeamRow(tx, input.id, { name: input.name, managerId: input.managerId });
      if (before.name === after.name && before.managerId === after.managerId) return;
      await recordAudit(tx, { actorId, entity: "Team", entityId: input.id, action: "update", before: { ...before }, after: { ...after } });
    })
    .catch(conflictOnUnique(`A team named ${input.name} already exists`));
}

/**
 * Moves customers from one rep to another; their open recommendations
 * (pending, accepted, snoozed; control-group ones too) move with them, so the
 * new owner sees them in their queue at once.
 */
export async function reassignCustomers(actorId: string, input: ReassignCustomersInput): Promise<{ customers: number; recommendations: number }> {
  return transaction(async (tx) => {
    const [from, to] = await Promise.all([findUser(tx, input.fromRepId), findUser(tx, input.toRepId)]);
    if (!from) throw new DomainError("NOT_FOUND", "The rep to move customers from no longer exists");
    if (!to || !to.active || to.role !== "REP") throw new DomainError("CONFLICT", "Customers can only move to an active sales rep");
    const only = input.customerIds?.length ? input.customerIds : null;
    const ids = await customerIdsOwnedBy(tx, from.id, only);
    if (ids.length === 0) return { customers: 0, recommendations: 0 };
    const customers = await setCustomersOwner(tx, ids, to.id);
    const recommendations = await setOpenRecommendationsRep(tx, ids, to.id);
    await recordAudit(tx, {
      actorId,
      entity: "User",
      entityId: from.id,
      action: "reassign_customers",
      before: { ownerId: from.id, ownerEmail: from.email, customers },
      after: { ownerId: to.id, ownerEmail: to.email, customers, openRecommendationsMoved: recommendations, customerIds: ids.slice(0, 50) },
    });
    return { customers, recommendations };
  });
}
