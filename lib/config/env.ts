import { z } from "zod";

// Environment, parsed once. A malformed variable stops the process with a
// message naming it, instead of failing later in some request. This is the only
// runtime module that reads process.env (an ESLint rule enforces it). It imports
// nothing but zod, so the proxy (proxy.ts) can use it too.

/** An unset or empty variable takes the default. */
const blankAsUnset = (v: unknown) => (v === "" ? undefined : v);

const envSchema = z.object({
  DATABASE_URL: z
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

/** Origins allowed to frame the embed panel (EMBED_ALLOWED_ORIGINS, space- or comma-separated). */
export function embedAllowedOrigins(): string[] {
  return env().EMBED_ALLOWED_ORIGINS.split(/[\s,]+/).filter(Boolean);
}

/** The key that signs session tokens (NEXTAUTH_SECRET). */
export function authSecret(): string | undefined {
  return env().NEXTAUTH_SECRET;
}

/** The app's public URL (NEXTAUTH_URL). */
export function publicUrl(): string | undefined {
  return env().NEXTAUTH_URL;
}

/** How long a real-time re-score may reuse the learning statistics, in milliseconds (0: never). */
export function statsMaxAgeMs(): number {
  return env().STATS_MAX_AGE_SECONDS * 1000;
}
