import { describe, expect, it } from "vitest";
import { db } from "@/lib/data/db";
import { getActiveUserById } from "@/lib/data/users";
import { reassignCustomers, setUserActive, updateUser } from "@/lib/services/users";
import { makeActionType, makeCustomer, makeRecommendation, makeUser } from "../support/fixtures";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();

// A role change or deactivation that would leave a rep's customers and open
// suggestions with nobody to work them is refused, asking to reassign first.
describe.skipIf(!reachable)("admin: no orphaned customers", () => {
  async function repWithWork() {
    const admin = await makeUser({ role: "ADMIN" });
    const rep = await makeUser({ role: "REP" });
    const other = await makeUser({ role: "REP" });
    const a = await makeCustomer(rep.id);
    const b = await makeCustomer(rep.id);
    const action = await makeActionType();
    await makeRecommendation({ customerId: a.id, actionTypeId: action.id, repId: rep.id });
    return { admin, rep, other, customers: [a, b] };
  }

  it("refuses to make a rep who owns customers a manager or admin, naming what to reassign", async () => {
    const { admin, rep } = await repWithWork();
    for (const role of ["MANAGER", "ADMIN"] as const) {
      const err = await updateUser(admin.id, { id: rep.id, name: rep.name, role, teamId: null }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/still owns 2 customers and 1 open suggestion\. Reassign their customers to another rep first/) });
    }
    expect(await getActiveUserById(rep.id)).toMatchObject({ role: "REP" });
    // Other edits of the same rep still go through.
    await updateUser(admin.id, { id: rep.id, name: "Renamed Rep", role: "REP", teamId: null });
    expect(await getActiveUserById(rep.id)).toMatchObject({ name: "Renamed Rep", role: "REP" });
  });

  it("refuses to deactivate a rep who owns customers", async () => {
    const { admin, rep } = await repWithWork();
    await expect(setUserActive(admin.id, rep.id, false)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/Reassign .* then deactivate them/) });
    expect(await getActiveUserById(rep.id)).not.toBeNull();
  });

  it("allows both once the customers have been reassigned", async () => {
    const { admin, rep, other } = await repWithWork();
    await reassignCustomers(admin.id, { fromRepId: rep.id, toRepId: other.id });
    await updateUser(admin.id, { id: rep.id, name: rep.name, role: "MANAGER", teamId: null });
    await setUserActive(admin.id, rep.id, false);
    const row = await db().user.findUniqueOrThrow({ where: { id: rep.id } });
    expect(row).toMatchObject({ role: "MANAGER", active: false });
  });

  it("a manager (owning nothing) can still be deactivated and change role", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const manager = await makeUser({ role: "MANAGER" });
    await updateUser(admin.id, { id: manager.id, name: manager.name, role: "ADMIN", teamId: null });
    await setUserActive(admin.id, manager.id, false);
    expect(await getActiveUserById(manager.id)).toBeNull();
  });
});
