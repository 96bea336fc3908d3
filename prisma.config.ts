import { defineConfig } from "prisma/config";

// The CLI only needs a URL for migrate/studio; the app connects through a
// driver adapter (lib/data/db.ts), so generate works without one.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/nudge" },
});
