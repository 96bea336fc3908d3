// Replaying logged decisions under a draft catalog, for off-policy
// evaluation: which action would the draft's (greedy) policy have picked
// among the candidates logged with a decision? Only what the log holds can be
// changed: an action's business value and lever, or switching it off. A
// changed rule cannot be re-evaluated on the past (the signals at the time
// are not logged), so eligibility stays as it was logged.
import { z } from "zod";
import type { LoggedCandidate } from "./pipeline";

export const loggedCandidatesSchema: z.ZodType<LoggedCandidate[]> = z.array(
  z.object({
    actionKey: z.string(),
    score: z.number(),
    propensity: z.number().min(0).max(1),
    rankingPropensity: z.number().min(0).max(1),
    posterior: z.object({ alpha: z.number().positive(), beta: z.number().positive() }),
    exploring: z.boolean(),
    businessValue: z.number().nonnegative(),
    contextWeight: z.number().nonnegative(),
    lever: z.number().nonnegative(),
    conversionRate: z.number().min(0).max(1).optional(),
  }),
);

/** What a draft changes about one action. */
export type DraftChange = { actionKey: string; businessValue: number; lever: number; active: boolean };

/**
 * The action the draft's greedy policy (posterior-mean propensity, no
 * exploration, on the engine's objective) picks among the logged candidates, or null if none is left.
 * Ties go to the smaller action key, as the engine's compareCandidates.
 */
export function replayPick(candidates: readonly LoggedCandidate[], change: DraftChange): string | null {
  let best: { key: string; score: number } | null = null;
  for (const c of candidates) {
    const mine = c.actionKey === change.actionKey;
    if (mine && !change.active) continue;
    // The engine's objective: P(accept) × P(convert | accept) × value × context × lever (older logs have no conversion: 1).
    const score = c.propensity * (c.conversionRate ?? 1) * (mine ? change.businessValue : c.businessValue) * c.contextWeight * (mine ? change.lever : c.lever);
    if (!best || score > best.score || (score === best.score && c.actionKey < best.key)) best = { key: c.actionKey, score };
  }
  return best?.key ?? null;
}
