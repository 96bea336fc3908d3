// The shipped configuration for lib/metrics/simulation/learning.ts: the demo
// catalog as the engine loads it, the caps, the global holdout share, the
// forgetting half-life and the exploration cap a fresh install ships with.
import { DEFAULT_DRIFT_THRESHOLDS, DEFAULT_EXPLORATION_SHARE, DEFAULT_HALF_LIFE_DAYS, DEFAULT_PER_REP_DAILY_CAP, DEFAULT_WEEKLY_CONTACT_CAP, type ActionDefinition } from "@/lib/engine";
import type { LearningSimOptions } from "@/lib/metrics/simulation/learning";
import { catalogDefinitions } from "./catalog";

/** ProgramSettings.globalHoldoutPct's default (prisma/schema.prisma). */
export const SHIPPED_GLOBAL_HOLDOUT_PCT = 5;

export function shippedCatalog(): ActionDefinition[] {
  return catalogDefinitions((key) => `id-${key}`);
}

export function shippedLearningSimOptions(overrides: Partial<LearningSimOptions> & { seed: string }): LearningSimOptions {
  return {
    actions: shippedCatalog(),
    rounds: 15,
    customersPerRound: 600,
    changeAfterRound: 10,
    historyWeeks: 26,
    reps: 24,
    perRepDailyCap: DEFAULT_PER_REP_DAILY_CAP,
    weeklyContactCap: DEFAULT_WEEKLY_CONTACT_CAP,
    globalHoldoutPct: SHIPPED_GLOBAL_HOLDOUT_PCT,
    halfLifeDays: DEFAULT_HALF_LIFE_DAYS,
    explorationShare: DEFAULT_EXPLORATION_SHARE,
    driftThresholds: DEFAULT_DRIFT_THRESHOLDS,
    ...overrides,
  };
}
