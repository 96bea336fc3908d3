import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { listApiKeys } from "@/lib/data/api-keys";
import { listAuditLog } from "@/lib/data/audit";
import { db } from "@/lib/data/db";
import { getActiveUserById, getUserForSignIn } from "@/lib/data/users";
import { DomainError } from "@/lib/domain/errors";
import { issueApiKey, revokeApiKey, verifyApiKey } from "@/lib/services/api-keys";
import { createTeam, createUser, reassignCustomers, resetPassword, setUserActive, updateTeam, updateUser } from "@/lib/services/users";
import { createUserSchema } from "@/lib/validation/admin";
import { makeActionType, makeCustomer, makeRecommendation, makeTeam, makeUser } from "../support/fixtures";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const uid = () => Math.random().toString(36).slice(2, 10);

describe.skipIf(!reachable)("admin: users", () => {
  it("creates a user with a bcrypt (cost 10) hash, audited without the hash", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const team = await makeTeam();
    const input = createUserSchema.parse({ email: `New.${uid()}@Test.local`, name: "Nia New", role: "REP", teamId: team.id, password: "correct horse battery" });
    const { id } = await createUser(admin.id, input);
    const row = await getUserForSignIn(input.email);
    expect(row?.email).toBe(input.email.toLowerCase());
    expect(row?.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(await bcrypt.compare("correct horse battery", row!.passwordHash)).toBe(true);
    const audit = await listAuditLog({ entity: "User", entityId: id });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ action: "create", actor: { id: admin.id }, after: { email: input.email, role: "REP", teamId: team.id, active: true } });
    expect(JSON.stringify(audit.entries)).not.toContain(row!.passwordHash);
    // The same email again is a conflict and writes nothing more.
    await expect(createUser(admin.id, input)).rejects.toBeInstanceOf(DomainError);
    expect((await listAuditLog({ entity: "User", entityId: id })).entries).toHaveLength(1);
  });

  it("deactivating ends the session at once (the guard's lookup returns null); reactivating restores it", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const rep = await makeUser();
    expect(await getActiveUserById(rep.id)).not.toBeNull();
    await setUserActive(admin.id, rep.id, false);
    expect(await getActiveUserById(rep.id)).toBeNull();
    await setUserActive(admin.id, rep.id, true);
    expect(await getActiveUserById(rep.id)).not.toBeNull();
    const actions = (await listAuditLog({ entity: "User", entityId: rep.id })).entries.map((e) => e.action);
    expect(actions).toEqual(["reactivate", "deactivate"]);
  });

  it("an admin cannot deactivate or demote themselves", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    await expect(setUserActive(admin.id, admin.id, false)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(updateUser(admin.id, { id: admin.id, name: "x", role: "REP", teamId: null })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await getActiveUserById(admin.id)).toMatchObject({ role: "ADMIN" });
  });

  it("sets role and team, resets a password, all audited", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const team = await makeTeam();
    const user = await makeUser();
    await updateUser(admin.id, { id: user.id, name: user.name, role: "MANAGER", teamId: team.id });
    await resetPassword(admin.id, user.id, "a brand new password");
    const row = await getUserForSignIn(user.email);
    expect(row).toMatchObject({ role: "MANAGER", teamId: team.id });
    expect(await bcrypt.compare("a brand new password", row!.passwordHash)).toBe(true);
    const entries = (await listAuditLog({ entity: "User", entityId: user.id })).entries;
    expect(entries.map((e) => e.action)).toEqual(["reset_password", "update"]);
    expect(entries[1]).toMatchObject({ before: { role: "REP", teamId: null }, after: { role: "MANAGER", teamId: team.id } });
  });

  it("creates a team with a manager, refuses a rep as manager, audits changes", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const manager = await makeUser({ role: "MANAGER" });
    const rep = await makeUser();
    const { id } = await createTeam(admin.id, { name: `Team ${uid()}`, managerId: manager.id });
    await expect(updateTeam(admin.id, { id, name: "whatever", managerId: rep.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await updateTeam(admin.id, { id, name: `Renamed ${uid()}`, managerId: null });
    const entries = (await listAuditLog({ entity: "Team", entityId: id })).entries;
    expect(entries.map((e) => e.action)).toEqual(["update", "create"]);
    expect(entries[0]).toMatchObject({ before: { managerId: manager.id }, after: { managerId: null } });
  });

  it("bulk reassign moves the customers and their open recommendations, not the closed ones", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const from = await makeUser();
    const to = await makeUser();
    const action = await makeActionType();
    const c1 = await makeCustomer(from.id);
    const c2 = await makeCustomer(from.id);
    const stay = await makeCustomer(from.id);
    const open1 = await makeRecommendation({ customerId: c1.id, actionTypeId: action.id, repId: from.id });
    const snoozed = await makeRecommendation({ customerId: c2.id, actionTypeId: action.id, repId: from.id, status: "SNOOZED" });
    const done = await makeRecommendation({ customerId: c2.id, actionTypeId: action.id, repId: from.id, status: "DONE" });
    const res = await reassignCustomers(admin.id, { fromRepId: from.id, toRepId: to.id, customerIds: [c1.id, c2.id] });
    expect(res).toEqual({ customers: 2, recommendations: 2 });
    const owners = await db().customer.findMany({ where: { id: { in: [c1.id, c2.id, stay.id] } }, select: { id: true, ownerId: true } });
    expect(Object.fromEntries(owners.map((o) => [o.id, o.ownerId]))).toEqual({ [c1.id]: to.id, [c2.id]: to.id, [stay.id]: from.id });
    const reps = await db().recommendation.findMany({ where: { id: { in: [open1.id, snoozed.id, done.id] } }, select: { id: true, repId: true } });
    expect(Object.fromEntries(reps.map((r) => [r.id, r.repId]))).toEqual({ [open1.id]: to.id, [snoozed.id]: to.id, [done.id]: from.id });
    const audit = (await listAuditLog({ entity: "User", entityId: from.id })).entries[0];
    expect(audit).toMatchObject({ action: "reassign_customers", after: { ownerId: to.id, customers: 2, openRecommendationsMoved: 2 } });

    // Without a list: all the rest. To a manager: refused, nothing moves.
    const manager = await makeUser({ role: "MANAGER" });
    await expect(reassignCustomers(admin.id, { fromRepId: from.id, toRepId: manager.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await db().customer.findUniqueOrThrow({ where: { id: stay.id } })).ownerId).toBe(from.id);
    expect(await reassignCustomers(admin.id, { fromRepId: from.id, toRepId: to.id })).toEqual({ customers: 1, recommendations: 0 });
  });
});

describe.skipIf(!reachable)("admin: API keys", () => {
  it("issues a key shown once, lists it by prefix and scopes, and revoking it is refused at once", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const created = await issueApiKey(admin.id, `CRM ${uid()}`, ["events:write"]);
    expect(created.key).toMatch(new RegExp(`^nk_${created.prefix}_`));
    expect(await verifyApiKey(created.key)).toMatchObject({ ok: true, scopes: ["events:write"] });
    const listed = (await listApiKeys()).find((k) => k.id === created.id);
    expect(listed).toMatchObject({ prefix: created.prefix, scopes: ["events:write"], revokedAt: null, createdBy: { name: admin.name } });
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const revoked = await revokeApiKey(admin.id, created.id);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect(await verifyApiKey(created.key)).toEqual({ ok: false, reason: "revoked" });
    // Twice is a no-op; both changes are in the audit log, never the secret.
    await revokeApiKey(admin.id, created.id);
    const entries = (await listAuditLog({ entity: "ApiKey", entityId: created.id })).entries;
    expect(entries.map((e) => e.action)).toEqual(["revoke", "create"]);
    expect(JSON.stringify(entries)).not.toContain(created.key);
  });

  it("revoking an unknown key changes nothing", async () => {
    expect(await revokeApiKey((await makeUser({ role: "ADMIN" })).id, "00000000-0000-4000-8000-000000000000")).toBeNull();
  });
});
