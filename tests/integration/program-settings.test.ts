import { describe, expect, it } from "vitest";
import { listAuditLog } from "@/lib/data/audit";
import { holdoutBaseline, loadProgramSettings } from "@/lib/data/holdout";
import { updateDriftThresholds, updateLearningSettings, updateProgramSettings } from "@/lib/services/program";
import { driftThresholdsOf } from "@/lib/services/model-lifecycle";
import { makeUser } from "../support/fixtures";
import { ownDatabase } from "../support/own-db";

// The holdout settings an admin saves: stored, audited with before and after.
// (The shared test database keeps the share at 0 so other files' counts stay
// exact; only the schedule changes here.)
describe("program settings", () => {
  it("saves the schedule and records who changed what", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const before = await loadProgramSettings();
    await updateProgramSettings(admin.id, { globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: "HALF_YEAR" });
    expect(await loadProgramSettings()).toMatchObject({ globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: "HALF_YEAR" });
    await updateProgramSettings(admin.id, { globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: before.holdoutRedraw });
    const { entries } = await listAuditLog({ entity: "ProgramSettings", actorId: admin.id });
    expect(entries.map((e) => e.entityLabel)).toEqual(["global holdout", "global holdout"]);
    expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([
      ["update", { globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: "HALF_YEAR" }, { globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: before.holdoutRedraw }],
      ["update", { globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: before.holdoutRedraw }, { globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: "HALF_YEAR" }],
    ]);
  });

  it("saves the learning settings (half-life, exploration cap) with an audit entry", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const before = await loadProgramSettings();
    expect(before).toMatchObject({ learningHalfLifeDays: 30, explorationSharePct: 20 });
    await updateLearningSettings(admin.id, { learningHalfLifeDays: 14, explorationSharePct: 10 });
    expect(await loadProgramSettings()).toMatchObject({ learningHalfLifeDays: 14, explorationSharePct: 10, globalHoldoutPct: before.globalHoldoutPct });
    await updateLearningSettings(admin.id, { learningHalfLifeDays: 30, explorationSharePct: 20 });
    const { entries } = await listAuditLog({ entity: "ProgramSettings", actorId: admin.id });
    expect(entries.map((e) => e.entityLabel)).toEqual(["learning settings", "learning settings"]);
    expect(entries.map((e) => [e.before, e.after])).toEqual([
      [{ learningHalfLifeDays: 14, explorationSharePct: 10 }, { learningHalfLifeDays: 30, explorationSharePct: 20 }],
      [{ learningHalfLifeDays: 30, explorationSharePct: 20 }, { learningHalfLifeDays: 14, explorationSharePct: 10 }],
    ]);
  });

  it("saves the drift thresholds with an audit entry; the lifecycle reads them", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    expect(await loadProgramSettings()).toMatchObject({ driftAcceptanceShiftPct: 10, driftZScore: 4, driftPsi: 0.2 });
    await updateDriftThresholds(admin.id, { driftAcceptanceShiftPct: 15, driftZScore: 3, driftPsi: 0.25 });
    const saved = await loadProgramSettings();
    expect(driftThresholdsOf(saved)).toEqual({ acceptanceShift: 0.15, zScore: 3, psi: 0.25 });
    await updateDriftThresholds(admin.id, { driftAcceptanceShiftPct: 10, driftZScore: 4, driftPsi: 0.2 });
    const { entries } = await listAuditLog({ entity: "ProgramSettings", actorId: admin.id });
    expect(entries.map((e) => [e.entityLabel, e.after])).toEqual([
      ["drift thresholds", { driftAcceptanceShiftPct: 10, driftZScore: 4, driftPsi: 0.2 }],
      ["drift thresholds", { driftAcceptanceShiftPct: 15, driftZScore: 3, driftPsi: 0.25 }],
    ]);
  });

  it("measures the guidance's baseline: customers of active reps, share who bought in the last 90 days", async () => {
    const own = await ownDatabase("nudge_baseline");
    try {
      const p = own.prisma;
      const now = new Date("2026-11-23T12:00:00Z");
      const rep = (await p.user.create({ data: { email: "b@b.test", name: "B", role: "REP", passwordHash: "x" } })).id;
      const gone = (await p.user.create({ data: { email: "g@b.test", name: "G", role: "REP", passwordHash: "x", active: false } })).id;
      const mk = async (i: number, owner: string, boughtDaysAgo: number | null) => {
        const c = await p.customer.create({ data: { externalId: `B-${i}`, name: `B ${i}`, segment: "SMB", ownerId: owner } });
        if (boughtDaysAgo !== null) await p.customerEvent.create({ data: { customerId: c.id, type: "PURCHASE", occurredAt: new Date(now.getTime() - boughtDaysAgo * 86_400_000), amount: 10 } });
      };
      await mk(1, rep, 10); // counts
      await mk(2, rep, 100); // too long ago
      await mk(3, rep, null);
      await mk(4, rep, -1); // after now
      await mk(5, gone, 5); // an inactive rep's customer is not in the program
      expect(await holdoutBaseline(now, p)).toEqual({ customers: 4, buyers: 1, baselineRate: 0.25 });
    } finally {
      await own.drop();
    }
  });
});
