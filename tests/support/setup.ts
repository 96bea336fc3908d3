import { afterAll, inject } from "vitest";
import { disconnectDb } from "@/lib/data/db";

// Every worker talks to the run's throw-away database.
const url = inject("databaseUrl");
const dir = inject("pgliteDir");
if (url) process.env.DATABASE_URL = url;
else {
  delete process.env.DATABASE_URL;
  if (dir) process.env.PGLITE_DIR = dir;
}

afterAll(async () => {
  await disconnectDb();
});
