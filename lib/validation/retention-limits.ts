// The retention period's bounds, client-safe (lib/data/retention.ts uses them too).

/** Two years, unless an admin sets another period. */
export const DEFAULT_RETENTION_DAYS = 730;
/** The shortest period: longer than every signal's window (90 days) and the attribution window, so no signal or outcome loses its events. */
export const MIN_RETENTION_DAYS = 120;
export const MAX_RETENTION_DAYS = 3650;
