// Throw-away databases for tests: a fresh Postgres database per run, or an
// embedded PGlite directory when no Postgres server answers.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate, readMigrations } from "@/tooling/db/migrate";
import { connectPglite, connectPostgres, type SqlConn } from "@/tooling/db/sql";

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function postgresReachable(url = ADMIN_URL): Promise<boolean> {
  try {
    const conn = await connectPostgres(url);
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

/** Creates an empty database and returns its URL. */
export async function createDatabase(prefix: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  const admin = await connectPostgres(ADMIN_URL);
  try {
    await admin.exec(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.close();
  }
  return {
    url: withDatabase(ADMIN_URL, name),
    name,
    drop: async () => {
      const a = await connectPostgres(ADMIN_URL);
      try {
        await a.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.close();
      }
    },
  };
}

export async function createPgliteDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "nudge-pglite-"));
}

/**
 * Migrates a test database. The global holdout starts switched off (0 %) so
 * fixtures' counts are exact whatever their ids hash to; tests of the holdout
 * set their own share (tests/integration/holdout.test.ts).
 */
export async function migrateConn(conn: SqlConn, opts: { globalHoldoutPct?: number } = {}) {
  const result = await migrate(conn, await readMigrations());
  await conn.query(`UPDATE "ProgramSettings" SET "globalHoldoutPct" = $1`, [opts.globalHoldoutPct ?? 0]);
  return result;
}

export { connectPglite, connectPostgres };
