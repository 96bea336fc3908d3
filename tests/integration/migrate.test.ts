// tooling/db/migrate.ts and scripts/migrate.ts against fresh Postgres databases:
// bookkeeping identical to `prisma migrate deploy`, idempotence, and atomic
// failure of a broken migration.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from "@/tooling/db/migrate";
import type { SqlConn } from "@/tooling/db/sql";
import { connectPostgres, createDatabase, postgresReachable } from "@/tests/support/test-db";

const run = promisify(execFile);
const reachable = await postgresReachable();

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  started_at: Date;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

const dropAfterAll: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of dropAfterAll) await drop();
});

async function freshDatabase(): Promise<{ url: string; conn: SqlConn }> {
  const db = await createDatabase("nudge_migrate");
  dropAfterAll.push(db.drop);
  return { url: db.url, conn: await connectPostgres(db.url) };
}

async function migrationRows(conn: SqlConn): Promise<MigrationRow[]> {
  return conn.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
}

describe.skipIf(!reachable)("migrate()", () => {
  let conn: SqlConn;
  beforeAll(async () => {
    ({ conn } = await freshDatabase());
  });
  afterAll(async () => {
    await conn?.close();
  });

  it("applies every migration and records each one like prisma migrate deploy", async () => {
    const folders = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders.length).toBeGreaterThan(0);

    const result = await migrate(conn, await readMigrations());
    expect(result).toEqual({ applied: folders, alreadyApplied: [] });

    const rows = await migrationRows(conn);
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      const file = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("is a no-op the second time", async () => {
    const before = await migrationRows(conn);
    const result = await migrate(conn, await readMigrations());
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toEqual(before.map((r) => r.migration_name));
    expect(await migrationRows(conn)).toEqual(before);
  });
});

describe.skipIf(!reachable)("a failing migration", () => {
  const BROKEN = "29991231235959_broken";
  let dir: string;
  let conn: SqlConn;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "nudge-migrations-"));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, BROKEN));
    await writeFile(
      path.join(dir, BROKEN, "migration.sql"),
      [
        `CREATE TABLE "Probe" ("id" INTEGER PRIMARY KEY);`,
        `INSERT INTO "Probe" VALUES (1);`,
        `ALTER TABLE "User" ADD COLUMN "probe" TEXT;`,
        `SELECT * FROM "does_not_exist";`,
        "",
      ].join("\n"),
    );
    ({ conn } = await freshDatabase());
  });
  afterAll(async () => {
    await conn?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("throws a MigrationError naming the migration and the database error, and rolls it back entirely", async () => {
    const error = await migrate(conn, await readMigrations(dir)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe(BROKEN);
    expect((error as MigrationError).message).toContain(BROKEN);
    expect((error as MigrationError).message).toContain(`relation "does_not_exist" does not exist`);

    // No trace of the valid statements before the failing one.
    const [probe] = await conn.query<{ table: string | null }>(`SELECT to_regclass('public."Probe"')::text AS "table"`);
    expect(probe?.table).toBeNull();
    const columns = await conn.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'User' AND column_name = 'probe'`,
    );
    expect(columns).toEqual([]);

    // The earlier migration stays applied; the broken one is not recorded at all.
    const rows = await migrationRows(conn);
    expect(rows.map((r) => r.migration_name)).toEqual((await readMigrations()).map((m) => m.name));
    expect(rows.some((r) => r.migration_name === BROKEN)).toBe(false);
  });

  it("leaves the database migratable (lock released, nothing half-recorded)", async () => {
    const result = await migrate(conn, await readMigrations());
    expect(result.applied).toEqual([]);
  });
});

describe("scripts/migrate.ts (npm run db:migrate)", () => {
  const cli = (databaseUrl: string) =>
    run("npx", ["tsx", "--conditions=react-server", "scripts/migrate.ts"], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "test" },
      timeout: 60_000,
    });

  it.skipIf(!reachable)("exits 0 and reports up to date on an already-migrated database", async () => {
    const { url, conn } = await freshDatabase();
    try {
      await migrate(conn, await readMigrations());
    } finally {
      await conn.close();
    }
    const { stdout } = await cli(url);
    expect(stdout).toContain("Up to date");
    expect(stdout).not.toMatch(/^\s+applied /m);
  }, 60_000);

  it("exits non-zero with a message when the database is unreachable", async () => {
    const error = await cli("postgresql://postgres@127.0.0.1:1/x").then(
      () => null,
      (e: unknown) => e as { code?: number; stderr?: string; killed?: boolean },
    );
    expect(error, "the CLI should fail").not.toBeNull();
    expect(error?.killed).toBeFalsy();
    expect(error?.code).not.toBe(0);
    expect(error?.stderr).toMatch(/ECONNREFUSED|connect/i);
  }, 60_000);
});
