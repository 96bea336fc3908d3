import { z } from "zod";

// Environment, parsed once. A malformed variable stops the process with a
// message naming it, instead of failing later in some request. This is the only
// runtime module that reads process.env (an ESLint rule enforces it). It imports
// nothing but zod, so the proxy (proxy.ts) can use it too.

/** An unset or empty variable takes the default. */
const blankAsUnset = (v: unknown) => (v === "" ? undefined : v);

/** A whole number (at least `min`), defaulting when unset or empty. */
function wholeNumber(fallback: number, min: number) {
  return z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number (e.g. ${fallback})`)
      .transform(Number)
      .refine((n) => n >= min, `must be at least ${min}`)
      .default(fallback),
  );
}

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // A read replica of DATABASE_URL: the dashboards' background computations (the
  // refresher and views computed in the background) read there; pages and writes stay on DATABASE_URL.
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PGLITE_DIR: z.string().min(1).default(".data/pglite"),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  EMBED_ALLOWED_ORIGINS: z.string().default(""),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // How long a real-time re-score may reuse the learning statistics (0: never).
  STATS_MAX_AGE_SECONDS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, "must be a whole number of seconds, 0 or more (e.g. 300)")
      .transform(Number)
      .default(300),
  ),
  // Database capacity (see README, Configuration): pool size, how long a
  // transaction may wait for a connection and run, and the admission queue in
  // front of the database-heavy requests.
  DATABASE_POOL_SIZE: wholeNumber(10, 1),
  DATABASE_TX_MAX_WAIT_MS: wholeNumber(5000, 1),
  DATABASE_TX_TIMEOUT_MS: wholeNumber(30000, 1),
  ADMISSION_QUEUE_SIZE: wholeNumber(1000, 0),
  ADMISSION_MAX_WAIT_MS: wholeNumber(10000, 1),
  // Webhook delivery (see README, Webhooks): how often the worker looks for due
  // deliveries (0: no worker in this process), the first retry delay (doubled
  // each attempt, at most 6 hours), the attempts before a delivery is dead, and
  // how long one attempt may take.
  WEBHOOK_POLL_MS: wholeNumber(1000, 0),
  WEBHOOK_RETRY_BASE_SECONDS: wholeNumber(30, 1),
  WEBHOOK_MAX_ATTEMPTS: wholeNumber(8, 1),
  WEBHOOK_TIMEOUT_MS: wholeNumber(10000, 100),
  // Encrypts webhook signing secrets at rest; unset: derived from NEXTAUTH_SECRET
  // (and, outside production without either, a fixed development key).
  WEBHOOK_SECRET_KEY: z.preprocess(blankAsUnset, z.string().min(32, "must be at least 32 characters (e.g. openssl rand -base64 32)").optional()),
  // Model lifecycle (see README, Model lifecycle): how often each app process
  // runs the drift monitor and judges the shadow version (0: not in this
  // process), and the age of the newest version at which a new one is trained.
  MODEL_LIFECYCLE_INTERVAL_MINUTES: wholeNumber(60, 0),
  MODEL_RETRAIN_HOURS: wholeNumber(24, 1),
  // Retention (see README, Customer data rights): how often each process checks
  // whether the daily purge of old raw events is due (0: never in this process).
  RETENTION_CHECK_MS: wholeNumber(3_600_000, 0),
  // The batch's job queue (see README, Workers): how long a worker holds a chunk
  // before it counts as lost and is retried, and how often each process looks for
  // lost ones; WORKER_CHUNK_HOLD_MS holds each chunk before working it (fault
  // drills only: the kill-a-worker test). WORKER_CONCURRENCY: chunks one worker
  // process works at once (one loads from the database while another is decided).
  // JOB_POLL_MS: how often an idle worker looks for jobs when no wake-up reaches it
  // (senders NOTIFY the workers; pg-boss allows 500 at the least).
  JOB_LEASE_SECONDS: wholeNumber(300, 1),
  JOB_POLL_MS: wholeNumber(500, 500),
  JOB_MAINTENANCE_SECONDS: wholeNumber(30, 1),
  WORKER_CHUNK_HOLD_MS: wholeNumber(0, 0),
  WORKER_CONCURRENCY: wholeNumber(2, 1),
  // Dashboard figures computed ahead of time (see README, Dashboards computed
  // ahead): how often each app and worker process refreshes the default view's
  // figures (0: never in this process, and it serves none), how long a
  // figure set must take to compute live before pages serve its stored copy,
  // and how long one dashboard statement may run for a page and for the
  // refresher (the database cancels it then).
  DASHBOARD_SNAPSHOT_MINUTES: wholeNumber(15, 0),
  DASHBOARD_LIVE_BUDGET_MS: wholeNumber(100, 0),
  DASHBOARD_QUERY_TIMEOUT_MS: wholeNumber(30000, 1),
  DASHBOARD_REFRESH_TIMEOUT_MS: wholeNumber(600000, 1),
  // Where a dashboard view that timed out for a page is computed: in the app
  // process that served the page ("app"), or by `npm run worker` processes
  // from the job queue ("workers"; a Postgres server only).
  DASHBOARD_BACKGROUND: z.preprocess(blankAsUnset, z.enum(["app", "workers"], { message: "must be app or workers" }).default("app")),
  // Whether `next start` gzips its responses (next.config.js reads it at start):
  // "off" behind a reverse proxy that compresses, so the app's CPU goes to pages.
  HTTP_COMPRESSION: z.preprocess(blankAsUnset, z.enum(["on", "off"], { message: "must be on or off" }).default("on")),
})
  .refine((e) => e.DASHBOARD_BACKGROUND === "app" || e.DATABASE_URL !== undefined, {
    path: ["DASHBOARD_BACKGROUND"],
    message: "workers needs a Postgres server (set DATABASE_URL); on the embedded database the app computes them",
  })
  .refine((e) => e.DATABASE_READ_URL === undefined || e.DATABASE_URL !== undefined, {
    path: ["DATABASE_READ_URL"],
    message: "is a replica of DATABASE_URL: set DATABASE_URL too (the embedded database has no replica)",
  });

export type Env = z.infer<typeof envSchema>;

/** Parses an environment (process.env, or a given one in tests); throws naming every malformed variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Which database the process talks to: a Postgres server, or embedded PGlite. */
export function databaseMode(): { kind: "postgres"; url: string } | { kind: "pglite"; dir: string } {
  const e = env();
  return e.DATABASE_URL ? { kind: "postgres", url: e.DATABASE_URL } : { kind: "pglite", dir: e.PGLITE_DIR };
}

/** The read replica's URL (DATABASE_READ_URL), if one is set. */
export function databaseReadUrl(): string | undefined {
  return env().DATABASE_READ_URL;
}

/** Origins allowed to frame the embed panel (EMBED_ALLOWED_ORIGINS, space- or comma-separated). */
export function embedAllowedOrigins(): string[] {
  return env().EMBED_ALLOWED_ORIGINS.split(/[\s,]+/).filter(Boolean);
}

/** The key that signs session tokens (NEXTAUTH_SECRET). */
export function authSecret(): string | undefined {
  return env().NEXTAUTH_SECRET;
}

/** The key material that encrypts webhook signing secrets (WEBHOOK_SECRET_KEY), if set. */
export function webhookSecretKey(): string | undefined {
  return env().WEBHOOK_SECRET_KEY;
}

/** The app's public URL (NEXTAUTH_URL). */
export function publicUrl(): string | undefined {
  return env().NEXTAUTH_URL;
}

/** How long a real-time re-score may reuse the learning statistics, in milliseconds (0: never). */
export function statsMaxAgeMs(): number {
  return env().STATS_MAX_AGE_SECONDS * 1000;
}

/** Database capacity: pool size, transaction wait and timeout, admission queue. */
export function databaseCapacity(): { poolSize: number; txMaxWaitMs: number; txTimeoutMs: number; queueSize: number; queueMaxWaitMs: number } {
  const e = env();
  return {
    poolSize: e.DATABASE_POOL_SIZE,
    txMaxWaitMs: e.DATABASE_TX_MAX_WAIT_MS,
    txTimeoutMs: e.DATABASE_TX_TIMEOUT_MS,
    queueSize: e.ADMISSION_QUEUE_SIZE,
    queueMaxWaitMs: e.ADMISSION_MAX_WAIT_MS,
  };
}

/** Webhook delivery settings (WEBHOOK_*). */
export function webhookSettings(): { pollMs: number; retryBaseMs: number; maxAttempts: number; timeoutMs: number } {
  const e = env();
  return { pollMs: e.WEBHOOK_POLL_MS, retryBaseMs: e.WEBHOOK_RETRY_BASE_SECONDS * 1000, maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, timeoutMs: e.WEBHOOK_TIMEOUT_MS };
}

/** Model lifecycle settings (MODEL_*). */
export function modelLifecycleSettings(): { intervalMs: number; retrainHours: number } {
  const e = env();
  return { intervalMs: e.MODEL_LIFECYCLE_INTERVAL_MINUTES * 60_000, retrainHours: e.MODEL_RETRAIN_HOURS };
}

/** Retention job settings (RETENTION_*). */
export function retentionSettings(): { checkMs: number } {
  return { checkMs: env().RETENTION_CHECK_MS };
}

/** Dashboard figures computed ahead (DASHBOARD_*): the refresh interval (0: off) and the live budget, in milliseconds. */
export function dashboardSnapshotSettings(): { refreshMs: number; liveBudgetMs: number } {
  const e = env();
  return { refreshMs: e.DASHBOARD_SNAPSHOT_MINUTES * 60_000, liveBudgetMs: e.DASHBOARD_LIVE_BUDGET_MS };
}

/** How long one dashboard statement may run: for a page (`query`) and for the refresher of figures computed ahead (`refresh`). */
export function dashboardTimeouts(): { queryMs: number; refreshMs: number } {
  const e = env();
  return { queryMs: e.DASHBOARD_QUERY_TIMEOUT_MS, refreshMs: e.DASHBOARD_REFRESH_TIMEOUT_MS };
}

/** Where dashboard views that timed out for a page are computed (DASHBOARD_BACKGROUND). */
export function dashboardBackground(): "app" | "workers" {
  return env().DASHBOARD_BACKGROUND;
}

/** The batch's job queue settings (JOB_*, WORKER_*). */
export function jobQueueSettings(): { leaseSeconds: number; maintenanceSeconds: number; pollMs: number; chunkHoldMs: number; concurrency: number } {
  const e = env();
  return { leaseSeconds: e.JOB_LEASE_SECONDS, maintenanceSeconds: e.JOB_MAINTENANCE_SECONDS, pollMs: e.JOB_POLL_MS, chunkHoldMs: e.WORKER_CHUNK_HOLD_MS, concurrency: e.WORKER_CONCURRENCY };
}
