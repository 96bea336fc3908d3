import type { TestProject } from "vitest/node";
import { connectPglite, connectPostgres, createDatabase, createPgliteDir, migrateConn, postgresReachable } from "./test-db";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string | null;
    pgliteDir: string | null;
  }
}

// One migrated throw-away database for the whole run, dropped at the end.
export default async function setup(project: TestProject) {
  if (process.env.NUDGE_TEST_DB !== "pglite" && (await postgresReachable())) {
    const db = await createDatabase("nudge_test");
    const conn = await connectPostgres(db.url);
    try {
      await migrateConn(conn);
    } finally {
      await conn.close();
    }
    console.log(`[tests] integration database: Postgres ${db.name} (dropped after the run)`);
    project.provide("databaseUrl", db.url);
    project.provide("pgliteDir", null);
    return async () => {
      await db.drop();
    };
  }
  const dir = await createPgliteDir();
  const conn = await connectPglite(dir);
  try {
    await migrateConn(conn);
  } finally {
    await conn.close();
  }
  console.log(`[tests] no Postgres server reachable: integration tests run on embedded PGlite in ${dir}`);
  project.provide("databaseUrl", null);
  project.provide("pgliteDir", dir);
  return undefined;
}
