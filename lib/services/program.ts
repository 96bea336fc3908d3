import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { transaction } from "@/lib/data/db";
import { saveDriftThresholds, saveLearningSettings, saveProgramSettings, type ProgramSettings } from "@/lib/data/holdout";
import type { DriftThresholdsInput, LearningSettingsInput, ProgramSettingsInput } from "@/lib/validation/program";

// Program-wide settings: the global holdout's share and re-draw schedule.
// Saved with an audit row in one transaction. A new share or schedule applies
// from the next draw (a changed schedule starts it at the next batch).

export async function updateProgramSettings(actorId: string, input: ProgramSettingsInput): Promise<ProgramSettings> {
  return transaction(async (tx) => {
    const { before, after } = await saveProgramSettings(tx, input);
    await recordAudit(tx, {
      actorId,
      entity: "ProgramSettings",
      entityId: "1",
      action: "update",
      before: { globalHoldoutPct: before.globalHoldoutPct, holdoutRedraw: before.holdoutRedraw },
      after: { globalHoldoutPct: after.globalHoldoutPct, holdoutRedraw: after.holdoutRedraw },
    });
    return after;
  });
}

/** Forgetting half-life and exploration cap: applied from the next batch or re-score. Audited. */
export async function updateLearningSettings(actorId: string, input: LearningSettingsInput): Promise<ProgramSettings> {
  return transaction(async (tx) => {
    const { before, after } = await saveLearningSettings(tx, input);
    await recordAudit(tx, {
      actorId,
      entity: "ProgramSettings",
      entityId: "learning",
      action: "update",
      before: { learningHalfLifeDays: before.learningHalfLifeDays, explorationSharePct: before.explorationSharePct },
      after: { learningHalfLifeDays: after.learningHalfLifeDays, explorationSharePct: after.explorationSharePct },
    });
    return after;
  });
}

/** The drift monitor's thresholds: applied from the next lifecycle check. Audited. */
export async function updateDriftThresholds(actorId: string, input: DriftThresholdsInput): Promise<ProgramSettings> {
  return transaction(async (tx) => {
    const { before, after } = await saveDriftThresholds(tx, input);
    const pick = (s: ProgramSettings) => ({ driftAcceptanceShiftPct: s.driftAcceptanceShiftPct, driftZScore: s.driftZScore, driftPsi: s.driftPsi });
    await recordAudit(tx, { actorId, entity: "ProgramSettings", entityId: "drift", action: "update", before: pick(before), after: pick(after) });
    return after;
  });
}
