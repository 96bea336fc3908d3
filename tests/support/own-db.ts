// A private, migrated database with its own Prisma client, for tests that run
// whole-database operations (batch generation, seeding) and must not see or
// disturb rows other test files create concurrently.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { connectPostgres, createDatabase, migrateConn } from "./test-db";

export async function ownDatabase(prefix = "nudge_own") {
  const database = await createDatabase(prefix);
  const conn = await connectPostgres(database.url);
  try {
    await migrateConn(conn);
  } finally {
    await conn.close();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
  return {
    prisma,
    url: database.url,
    async drop() {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}
