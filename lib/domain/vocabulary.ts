// The domain vocabulary: recommendation statuses and their groups, the
// reaction state machine and the attribution window. The only place these are
// spelled out. SQL that needs them (queries, triggers) takes them from here
// (lib/data/vocabulary-sql.ts) or is checked against them by a test
// (tests/integration/vocabulary.test.ts). Pure: no imports.

export const RECOMMENDATION_STATUSES = ["PENDING", "ACCEPTED", "DISMISSED", "SNOOZED", "DONE", "EXPIRED"] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

/** Open: still in play (one per customer and action, by a partial unique index). */
export const OPEN_STATUSES = ["PENDING", "ACCEPTED", "SNOOZED"] as const satisfies readonly RecommendationStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

/** Open and not waiting on a snooze: visible whatever the time (a snoozed one shows again when its date passes). */
export const UNSNOOZED_OPEN_STATUSES = ["PENDING", "ACCEPTED"] as const satisfies readonly OpenStatus[];

/** Acted on by the rep: counts as an acceptance for learning and conversion. */
export const ACTED_ON_STATUSES = ["ACCEPTED", "DONE"] as const satisfies readonly RecommendationStatus[];

/** Resolved by the rep's own decision (a trial for learning): acted on or dismissed. */
export const DECIDED_STATUSES = ["ACCEPTED", "DONE", "DISMISSED"] as const satisfies readonly RecommendationStatus[];

/** Past: no longer open (shown in a customer's history). */
export const CLOSED_STATUSES = ["DISMISSED", "DONE", "EXPIRED"] as const satisfies readonly RecommendationStatus[];

export const isOpen = (s: RecommendationStatus): s is OpenStatus => (OPEN_STATUSES as readonly string[]).includes(s);
export const isActedOn = (s: RecommendationStatus): boolean => (ACTED_ON_STATUSES as readonly string[]).includes(s);

/**
 * Purchases this many days after an accepted (or control) suggestion count as
 * its conversion. The database's outcome triggers use the same window
 * (nudge_attribution_window()); tests/integration/vocabulary.test.ts fails when
 * they differ, so changing it takes a migration that recomputes the facts.
 */
export const ATTRIBUTION_WINDOW_DAYS = 14;

// ---------- the reaction state machine ----------

export const REACTION_KINDS = ["ACCEPT", "DISMISS", "SNOOZE", "DONE", "UNDO"] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];
export type ForwardReaction = Exclude<ReactionKind, "UNDO">;

/** The status each forward reaction leads to. */
export const REACTION_TARGET: Record<ForwardReaction, RecommendationStatus> = {
  ACCEPT: "ACCEPTED",
  DISMISS: "DISMISSED",
  SNOOZE: "SNOOZED",
  DONE: "DONE",
};

/** The statuses each forward reaction may start from. */
export const REACTION_SOURCES: Record<ForwardReaction, readonly RecommendationStatus[]> = {
  ACCEPT: ["PENDING", "SNOOZED"],
  DISMISS: OPEN_STATUSES,
  SNOOZE: OPEN_STATUSES,
  DONE: OPEN_STATUSES,
};

export type TransitionCheck =
  | { kind: "apply"; next: RecommendationStatus }
  | { kind: "noop" }
  | { kind: "refuse"; message: string };

/**
 * Whether a forward reaction applies to a suggestion in `status` expiring at
 * `expiresAt`. Repeating the reaction that led to the current status is a
 * no-op (a double click), except snooze, which may move the date.
 */
export function checkTransition(kind: ForwardReaction, status: RecommendationStatus, expiresAt: Date, now: Date): TransitionCheck {
  const next = REACTION_TARGET[kind];
  if (status === next && kind !== "SNOOZE") return { kind: "noop" };
  if (!REACTION_SOURCES[kind].includes(status)) return { kind: "refuse", message: `This suggestion is already ${status.toLowerCase()}.` };
  if (expiresAt <= now) return { kind: "refuse", message: "This suggestion has expired." };
  return { kind: "apply", next };
}

/** A rep's decision time is kept for acted-on and closed statuses; pending and snoozed have none. */
export const keepsDecisionTime = (s: RecommendationStatus): boolean => !isOpen(s) || s === "ACCEPTED";

/**
 * Resolved: a shown-arm suggestion whose outcome is known, i.e. a trial for
 * learning and calibration: the rep decided (accepted, done, dismissed), or it
 * expired after the rep saw it (silence counts as a no). Control rows never are.
 */
export function isResolved(r: { status: RecommendationStatus; isControl: boolean; shownAt: Date | null }): boolean {
  return !r.isControl && ((DECIDED_STATUSES as readonly string[]).includes(r.status) || (r.status === "EXPIRED" && r.shownAt !== null));
}
