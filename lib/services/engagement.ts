import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { transaction } from "@/lib/data/db";
import { pulseState, recordEngagementEvent, savePulseEveryWeeks, savePulseResponse, saveTarget, teamExists } from "@/lib/data/engagement-inputs";
import type { SessionUser } from "@/lib/data/users";
import { DomainError } from "@/lib/domain/errors";
import { pulseDue } from "@/lib/metrics/engagement";
import type { PulseAnswerInput, TargetInput, TourEventInput } from "@/lib/validation/engagement";

// The tour, feature pings, the pulse survey and adoption targets: the rules
// around each write (who may, and when).

export async function recordTour(user: SessionUser, input: TourEventInput): Promise<void> {
  await recordEngagementEvent(user.id, "TOUR", { event: input.event, step: input.step, tour: input.tour });
}

export async function recordFeature(user: SessionUser, feature: "keyboard" | "search"): Promise<void> {
  await recordEngagementEvent(user.id, "FEATURE", { feature });
}

/** Whether each pulse question is due for the user now. */
export async function pulseDueFor(userId: string, now = new Date()): Promise<{ nps: boolean; csat: boolean }> {
  const st = await pulseState(userId);
  return {
    nps: pulseDue({ now, firstActiveAt: st.firstActiveAt, lastAskedAt: st.lastNpsAt, everyWeeks: st.everyWeeks }),
    csat: pulseDue({ now, firstActiveAt: st.firstActiveAt, lastAskedAt: st.lastCsatAt, everyWeeks: st.everyWeeks }),
  };
}

/** Stores an answer or a dismissal (score null); refused when the question is not due (first week, or asked within the cadence). */
export async function answerPulse(user: SessionUser, input: PulseAnswerInput, now = new Date()): Promise<void> {
  const due = await pulseDueFor(user.id, now);
  if (!(input.kind === "NPS" ? due.nps : due.csat)) throw new DomainError("CONFLICT", "This survey is not open for you right now. Thanks all the same.");
  await savePulseResponse(user, { kind: input.kind, score: input.score, comment: input.kind === "NPS" ? (input.comment ?? null) : null });
}

/** Admins only (the action's permission): how often the pulse asks each user. Audited. */
export async function updatePulseEveryWeeks(actorId: string, weeks: number): Promise<number> {
  return transaction(async (tx) => {
    const { before, after } = await savePulseEveryWeeks(tx, weeks);
    await recordAudit(tx, { actorId, entity: "ProgramSettings", entityId: "pulse", action: "update", before: { pulseEveryWeeks: before }, after: { pulseEveryWeeks: after } });
    return after;
  });
}

/**
 * Sets or removes a target. Admins: any team or program-wide (teamId null).
 * Managers: their own team only. Audited.
 */
export async function setTarget(user: SessionUser, input: TargetInput): Promise<void> {
  if (user.role !== "ADMIN") {
    if (input.teamId === null) throw new DomainError("FORBIDDEN", "Only an admin sets program-wide targets; set one for your team.");
    if (input.teamId !== user.teamId) throw new DomainError("FORBIDDEN", "You can set targets for your own team only.");
  }
  if (input.teamId !== null && !(await teamExists(input.teamId))) throw new DomainError("NOT_FOUND", "That team no longer exists.");
  await transaction(async (tx) => {
    const before = await saveTarget(tx, { teamId: input.teamId, metric: input.metric, threshold: input.threshold, actorId: user.id });
    await recordAudit(tx, {
      actorId: user.id,
      entity: "AdoptionTarget",
      entityId: `${input.teamId ?? "program"}:${input.metric}`,
      action: input.threshold === null ? "delete" : before === null ? "create" : "update",
      before: before === null ? null : { threshold: before },
      after: input.threshold === null ? null : { threshold: input.threshold },
    });
  });
}
