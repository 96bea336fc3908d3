import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { transaction, type Tx } from "@/lib/data/db";
import { saveDriftThresholds, saveLearningSettings, saveProgramSettings, type ProgramSettings } from "@/lib/data/holdout";
import type { DriftThresholdsInput, LearningSettingsInput, ProgramSettingsInput } from "@/lib/validation/program";

// Program-wide settings, each group saved with an audit row (the group's fields
// before and after) in one transaction. They apply from the next batch, draw or re-score.

async function saveAudited<K extends keyof ProgramSettings>(
  actorId: string,
  entityId: string,
  fields: readonly K[],
  save: (tx: Tx) => Promise<{ before: ProgramSettings; after: ProgramSettings }>,
): Promise<ProgramSettings> {
  const pick = (s: ProgramSettings) => Object.fromEntries(fields.map((f) => [f, s[f]]));
  return transaction(async (tx) => {
    const { before, after } = await save(tx);
    await recordAudit(tx, { actorId, entity: "ProgramSettings", entityId, action: "update", before: pick(before), after: pick(after) });
    return after;
  });
}

/** The global holdout's share and re-draw schedule: a new share or schedule applies from the next draw. */
export function updateProgramSettings(actorId: string, input: ProgramSettingsInput): Promise<ProgramSettings> {
  return saveAudited(actorId, "1", ["globalHoldoutPct", "holdoutRedraw"], (tx) => saveProgramSettings(tx, input));
}

/** Forgetting half-life and exploration cap: applied from the next batch or re-score. */
export function updateLearningSettings(actorId: string, input: LearningSettingsInput): Promise<ProgramSettings> {
  return saveAudited(actorId, "learning", ["learningHalfLifeDays", "explorationSharePct"], (tx) => saveLearningSettings(tx, input));
}

/** The drift monitor's thresholds: applied from the next lifecycle check. */
export function updateDriftThresholds(actorId: string, input: DriftThresholdsInput): Promise<ProgramSettings> {
  return saveAudited(actorId, "drift", ["driftAcceptanceShiftPct", "driftZScore", "driftPsi"], (tx) => saveDriftThresholds(tx, input));
}
