import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRecommendations } from "@/lib/services/generation";
import { inGlobalHoldout } from "@/lib/engine";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const DAY = 86_400_000;
const NOW = new Date("2026-11-23T12:00:00Z");
const CUSTOMERS = 200;

// The two holdouts, end to end on the database: a customer in the global
// holdout gets no suggestion from any action (batch and real-time re-score),
// every customer's arm is stored per draw, and a customer in an action's
// control group gets nothing in its place for the attribution window.
describe.skipIf(!reachable)("holdouts", () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;
  const ids: string[] = [];

  beforeAll(async () => {
    const own = await ownDatabase("nudge_holdout");
    prisma = own.prisma;
    drop = own.drop;
    await prisma.programSettings.update({ where: { id: 1 }, data: { globalHoldoutPct: 20, holdoutRedraw: "QUARTER" } });
    const rep = (await prisma.user.create({ data: { email: "h@gen.test", name: "H", role: "REP", passwordHash: "x" } })).id;
    // Exploration off: these tests are about the holdouts, so the ranking must be the greedy one.
    await prisma.actionType.createMany({
      data: [
        // Everyone is eligible for the win-back (last purchase 120 days ago); 25 % of would-be suggestions go to its control group.
        { key: "winback_call", name: "Win-back call", category: "RETENTION", description: "", messageTemplate: "Call {{firstName}}", rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 }, businessValue: 900, controlGroupPct: 25, cooldownDays: 30, exploration: false },
        // A second action, eligible for everyone too, ranked lower; no control group.
        { key: "check_in", name: "Check-in", category: "RELATIONSHIP", description: "", messageTemplate: "Check in with {{firstName}}", rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 }, businessValue: 100, controlGroupPct: 0, cooldownDays: 30, exploration: false },
      ],
    });
    for (let i = 0; i < CUSTOMERS; i++) {
      const c = await prisma.customer.create({ data: { externalId: `H-${i}`, name: `Cust ${i}`, segment: "SMB", ownerId: rep, createdAt: new Date(NOW.getTime() - 400 * DAY) } });
      await prisma.customerEvent.create({ data: { customerId: c.id, type: "PURCHASE", occurredAt: new Date(NOW.getTime() - 120 * DAY), amount: 100 } });
      ids.push(c.id);
    }
  });
  afterAll(async () => drop?.());

  it("stores every customer's arm for the draw and gives held-out customers no suggestion at all", async () => {
    await generateRecommendations({ now: NOW, perRepDailyCap: 1000 }, prisma);
    const draw = await prisma.holdoutPeriod.findUniqueOrThrow({ where: { key: "2026-Q4" } });
    expect(draw).toMatchObject({ pct: 20, startsAt: new Date("2026-10-01T00:00:00Z"), endsAt: new Date("2027-01-01T00:00:00Z") });
    const arms = await prisma.holdoutAssignment.findMany({ where: { periodId: draw.id } });
    expect(arms).toHaveLength(CUSTOMERS);
    // The stored arm is the documented hash of (salt, customer id): anyone can recompute it.
    for (const a of arms) expect(a.heldOut).toBe(inGlobalHoldout(a.customerId, draw.salt, draw.pct));
    const heldOut = arms.filter((a) => a.heldOut).map((a) => a.customerId);
    expect(heldOut.length).toBeGreaterThan(20); // 20 % of 200, by a hash: not exactly 40
    expect(heldOut.length).toBeLessThan(60);

    const recs = await prisma.recommendation.findMany();
    expect(recs.filter((r) => heldOut.includes(r.customerId))).toEqual([]);
    const treated = ids.filter((id) => !heldOut.includes(id));
    expect(new Set(recs.map((r) => r.customerId))).toEqual(new Set(treated));
    // Each decision is logged for off-policy evaluation: both candidates, best first, and the
    // probability the policy had of picking it (1: nothing explores and win-back ranks first).
    for (const r of recs) {
      expect(r.pickProbability).toBe(1);
      expect((r.candidates as { actionKey: string; businessValue: number }[]).map((c) => [c.actionKey, c.businessValue])).toEqual([
        ["winback_call", 900],
        ["check_in", 100],
      ]);
    }

    // A real-time re-score of a held-out customer (after a new event) still gives nothing.
    await prisma.customerEvent.create({ data: { customerId: heldOut[0]!, type: "WEB_VISIT", occurredAt: NOW } });
    await generateRecommendations({ now: new Date(NOW.getTime() + 60_000), customerIds: heldOut }, prisma);
    expect(await prisma.recommendation.count({ where: { customerId: { in: heldOut } } })).toBe(0);
  });

  it("a control customer gets nothing in the action's place for the attribution window; treated customers get the next action", async () => {
    // Reps finished every shown suggestion, so the treated customers' slots are free.
    await prisma.recommendation.updateMany({ where: { isControl: false }, data: { status: "DONE", decidedAt: new Date(NOW.getTime() + DAY / 2) } });
    const control = (await prisma.recommendation.findMany({ where: { isControl: true } })).map((r) => r.customerId);
    expect(control.length).toBeGreaterThan(10);

    const nextDay = new Date(NOW.getTime() + DAY);
    await generateRecommendations({ now: nextDay, perRepDailyCap: 1000, weeklyContactCap: 10 }, prisma);
    const fresh = await prisma.recommendation.findMany({ where: { createdAt: nextDay }, include: { actionType: true } });
    expect(fresh.filter((r) => control.includes(r.customerId))).toEqual([]);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((r) => r.actionType.key === "check_in")).toBe(true);

    // Fourteen days after the control suggestion its slot is free again.
    const later = new Date(NOW.getTime() + 14 * DAY);
    await generateRecommendations({ now: later, perRepDailyCap: 1000, weeklyContactCap: 10 }, prisma);
    const freed = await prisma.recommendation.findMany({ where: { createdAt: later, customerId: { in: control } } });
    expect(freed.length).toBe(control.length);
  });

  it("a changed schedule ends the running draw now and starts the next one, arms stored per draw", async () => {
    await prisma.programSettings.update({ where: { id: 1 }, data: { holdoutRedraw: "MONTH", globalHoldoutPct: 10 } });
    const at = new Date("2026-12-05T09:00:00Z");
    await generateRecommendations({ now: at, perRepDailyCap: 1000 }, prisma);
    const draws = await prisma.holdoutPeriod.findMany({ orderBy: { startsAt: "asc" } });
    expect(draws.map((d) => [d.key, d.startsAt.toISOString(), d.endsAt.toISOString(), d.pct])).toEqual([
      ["2026-Q4", "2026-10-01T00:00:00.000Z", at.toISOString(), 20],
      ["2026-12", at.toISOString(), "2027-01-01T00:00:00.000Z", 10],
    ]);
    expect(await prisma.holdoutAssignment.count({ where: { periodId: draws[1]!.id } })).toBe(CUSTOMERS);
    const heldNow = (await prisma.holdoutAssignment.findMany({ where: { periodId: draws[1]!.id, heldOut: true } })).map((a) => a.customerId);
    expect(await prisma.recommendation.count({ where: { createdAt: at, customerId: { in: heldNow } } })).toBe(0);

    // Back to quarters within the same quarter: the cut-short Q4 draw stays as it was; a new one runs from now.
    await prisma.programSettings.update({ where: { id: 1 }, data: { holdoutRedraw: "QUARTER" } });
    const back = new Date("2026-12-10T09:00:00Z");
    await generateRecommendations({ now: back, perRepDailyCap: 1000 }, prisma);
    await generateRecommendations({ now: new Date(back.getTime() + DAY), perRepDailyCap: 1000 }, prisma);
    const all = await prisma.holdoutPeriod.findMany({ orderBy: { startsAt: "asc" } });
    expect(all.map((d) => [d.key, d.startsAt.toISOString(), d.endsAt.toISOString()])).toEqual([
      ["2026-Q4", "2026-10-01T00:00:00.000Z", at.toISOString()],
      ["2026-12", at.toISOString(), back.toISOString()],
      ["2026-Q4 from 2026-12-10T09:00Z", back.toISOString(), "2027-01-01T00:00:00.000Z"],
    ]);
    const heldBack = (await prisma.holdoutAssignment.findMany({ where: { periodId: all[2]!.id, heldOut: true } })).map((a) => a.customerId);
    expect(heldBack.length).toBeGreaterThan(0);
    expect(await prisma.recommendation.count({ where: { createdAt: { gte: back }, customerId: { in: heldBack } } })).toBe(0);
  });
});
