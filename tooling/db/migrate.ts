// Applies prisma/migrations/*/migration.sql in order and records each one in
// `_prisma_migrations` exactly as `prisma migrate deploy` does (id, sha256
// checksum of the file, name, timestamps, applied_steps_count), so Prisma's own
// CLI agrees with us wherever its schema engine can be installed. Unlike Prisma,
// each migration runs inside a transaction together with its bookkeeping row.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlConn } from "./sql";

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

// The same advisory lock id Prisma's migrate uses, so the two never interleave.
const ADVISORY_LOCK_ID = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const buf = await readFile(path.join(dir, name, "migration.sql"));
      return { name, sql: buf.toString("utf8"), checksum: createHash("sha256").update(buf).digest("hex") };
    }),
  );
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    override readonly cause: unknown,
  ) {
    super(`Migration ${migration} failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Statements a migration asks to run after its commit, outside any transaction
 * (VACUUM cannot run inside one): its lines `-- after commit: <statement>`.
 * To Prisma's own migrate they are comments, and autovacuum does the work later.
 */
export function afterCommitStatements(sql: string): string[] {
  return [...sql.matchAll(/^-- after commit: (.+)$/gm)].map((m) => m[1]!.trim());
}

/** Applies every pending migration; a no-op when all are applied. */
export async function migrate(conn: SqlConn, migrations: MigrationFile[]): Promise<MigrateResult> {
  await conn.exec(CREATE_MIGRATIONS_TABLE);
  await conn.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_ID]);
  try {
    const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const done = new Map(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r]));
    const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at);
    if (failed.length > 0) {
      throw new Error(
        `Migration ${failed[0]!.migration_name} is recorded as started but not finished. Resolve it (prisma migrate resolve) before migrating again.`,
      );
    }
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const prior = done.get(m.name);
      if (prior) {
        if (prior.checksum !== m.checksum) {
          console.warn(`warning: migration ${m.name} was modified after it was applied (checksum differs)`);
        }
        result.alreadyApplied.push(m.name);
        continue;
      }
      await conn.exec("BEGIN");
      try {
        await conn.exec(m.sql);
        // Both times from the database clock: now() is when this transaction began, clock_timestamp() is now.
        await conn.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await conn.exec("COMMIT");
        result.applied.push(m.name);
      } catch (err) {
        await conn.exec("ROLLBACK");
        throw new MigrationError(m.name, err);
      }
      // The migration is recorded: a failure here is maintenance left undone, not a failed migration.
      for (const statement of afterCommitStatements(m.sql)) {
        try {
          await conn.exec(statement);
        } catch (err) {
          console.warn(`warning: after migration ${m.name}, "${statement}" failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    return result;
  } finally {
    await conn.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_ID]);
  }
}
