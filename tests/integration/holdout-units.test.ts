import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { insertArms } from "@/lib/data/holdout";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();

// The program comparison counts units from HoldoutArmCount and reads a unit's
// owner and segment from its assignment (both kept by triggers, migration
// 20261203000000_holdout_units). Whatever happens to customers and
// assignments, they must equal a recount from the customers themselves.
describe.skipIf(!reachable)("holdout units kept by triggers", () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const own = await ownDatabase("nudge_units");
    prisma = own.prisma;
    drop = own.drop;
  });
  afterAll(async () => drop?.());

  /** Stored counts and the recount, both as sorted "draw|held|owner|segment=n" lines (zero counts left out). */
  async function both(): Promise<[string[], string[]]> {
    const stored = await prisma.$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', "periodId", "heldOut", "ownerId", segment) || '=' || n AS k FROM "HoldoutArmCount" WHERE n <> 0 ORDER BY 1`;
    const recount = await prisma.$queryRaw<{ k: string }[]>`
      SELECT concat_ws('|', ha."periodId", ha."heldOut", c."ownerId", c.segment) || '=' || COUNT(*) AS k
      FROM "HoldoutAssignment" ha JOIN "Customer" c ON c.id = ha."customerId" GROUP BY ha."periodId", ha."heldOut", c."ownerId", c.segment ORDER BY 1`;
    return [stored.map((r) => r.k), recount.map((r) => r.k)];
  }

  async function unitsMatchCustomers(): Promise<number> {
    const [row] = await prisma.$queryRaw<{ n: number }[]>`
      SELECT COUNT(*)::int AS n FROM "HoldoutAssignment" ha JOIN "Customer" c ON c.id = ha."customerId"
      WHERE ha."ownerId" IS DISTINCT FROM c."ownerId" OR ha.segment IS DISTINCT FROM c.segment`;
    return row?.n ?? -1;
  }

  it("counts units per draw, arm, owner and segment through inserts, reassignments, re-segmenting, arm changes and deletions", async () => {
    const [a, b] = await Promise.all(["a", "b"].map((x) => prisma.user.create({ data: { email: `${x}@units.test`, name: x, role: "REP", passwordHash: "x" } })));
    const customers = [];
    for (let i = 0; i < 30; i++) {
      customers.push(await prisma.customer.create({ data: { externalId: `U-${i}`, name: `U ${i}`, segment: i % 3 === 0 ? "Enterprise" : "SMB", ownerId: (i % 2 === 0 ? a! : b!).id } }));
    }
    const d1 = await prisma.holdoutPeriod.create({ data: { key: "2026-Q3", startsAt: new Date("2026-07-01"), endsAt: new Date("2026-10-01"), pct: 10, salt: "s1" } });
    const d2 = await prisma.holdoutPeriod.create({ data: { key: "2026-Q4", startsAt: new Date("2026-10-01"), endsAt: new Date("2027-01-01"), pct: 10, salt: "s2" } });

    // One statement for many rows (as the batch writes them), then one at a time (as the API's first sight of a customer).
    await insertArms(prisma, d1.id, customers.map((c, i) => ({ customerId: c.id, heldOut: i % 5 === 0 })));
    for (const [i, c] of customers.slice(0, 20).entries()) await prisma.holdoutAssignment.create({ data: { periodId: d2.id, customerId: c.id, heldOut: i % 4 === 0 } });
    // A repeated insert is ignored and counted once.
    await insertArms(prisma, d1.id, customers.slice(0, 5).map((c) => ({ customerId: c.id, heldOut: true })));
    let [stored, recount] = await both();
    expect(stored).toEqual(recount);
    expect(recount.reduce((sum, k) => sum + Number(k.split("=")[1]), 0)).toBe(50);

    // Reassigned (one and many at once), re-segmented, both at once, and an unrelated change.
    await prisma.customer.update({ where: { id: customers[0]!.id }, data: { ownerId: b!.id } });
    await prisma.customer.updateMany({ where: { segment: "SMB", ownerId: a!.id }, data: { ownerId: b!.id } });
    await prisma.customer.update({ where: { id: customers[1]!.id }, data: { segment: "Mid-market" } });
    await prisma.customer.update({ where: { id: customers[2]!.id }, data: { segment: "Mid-market", ownerId: a!.id } });
    await prisma.customer.update({ where: { id: customers[3]!.id }, data: { name: "Renamed" } });
    // An arm changed by hand, an assignment removed, a customer removed (its assignments cascade), a draw removed.
    await prisma.holdoutAssignment.update({ where: { periodId_customerId: { periodId: d2.id, customerId: customers[5]!.id } }, data: { heldOut: true } });
    await prisma.holdoutAssignment.delete({ where: { periodId_customerId: { periodId: d1.id, customerId: customers[6]!.id } } });
    await prisma.customer.delete({ where: { id: customers[7]!.id } });
    [stored, recount] = await both();
    expect(stored).toEqual(recount);
    expect(await unitsMatchCustomers()).toBe(0);

    await prisma.holdoutPeriod.delete({ where: { id: d1.id } });
    [stored, recount] = await both();
    expect(stored).toEqual(recount);
    expect(stored.every((k) => k.startsWith(d2.id))).toBe(true);
  });
});
