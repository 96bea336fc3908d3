// Ids that look like uuids to a loose check (36 dashes or hex) but that a
// ::uuid cast refuses: every lookup by id answers "no such row", never a 500.
import { describe, expect, it } from "vitest";
import { getCurrentSessionUser } from "@/lib/data/sessions";
import { customerForRights } from "@/lib/data/data-rights";
import { getCustomerForUser } from "@/lib/data/customers";
import { reactOnBehalf } from "@/lib/services/reactions";
import { makeUser } from "../support/fixtures";

const NOT_UUIDS = ["-".repeat(36), "a".repeat(36), "0b3f0c2a-1111-4222-8333-44445555666g"];

describe("ids that are not uuids", () => {
  it("are no such row for the session check, data rights, the customer page and the API's reactions", async () => {
    const rep = await makeUser({});
    for (const id of NOT_UUIDS) {
      expect(await getCurrentSessionUser(id, 1)).toBeNull();
      expect(await customerForRights(id)).toBeNull();
      expect(await getCustomerForUser({ kind: "all" }, { id })).toBeNull();
      await expect(reactOnBehalf(rep.email, { recommendationId: id, kind: "ACCEPT" } as never)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
  });
});
