// Generates Prisma Client offline. Prisma 7's CLI wants a schema-engine binary
// even for `generate`, which never uses it; any executable satisfies the check,
// so we point it at `true` when none is configured (no download needed).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = existsSync("/bin/true") ? "/bin/true" : "/usr/bin/true";
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
