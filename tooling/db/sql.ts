// A minimal SQL connection over either a Postgres server (pg) or embedded
// PGlite, for the few jobs that run below Prisma: migrations, schema checks,
// health probes and bulk seeding.
import { databaseMode } from "@/lib/config/env";

export interface SqlConn {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function connectPostgres(url: string): Promise<SqlConn> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <T,>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    close: () => client.end(),
  };
}

export async function connectPglite(dir: string): Promise<SqlConn> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(dir);
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <T,>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows,
    close: () => db.close(),
  };
}

/** Connects to whichever database the environment configures. */
export async function connectConfigured(): Promise<SqlConn> {
  const mode = databaseMode();
  return mode.kind === "postgres" ? connectPostgres(mode.url) : connectPglite(mode.dir);
}
