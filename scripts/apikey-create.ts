// npm run apikey:create -- <name>: prints a new API key with every scope on its last line.
import { createApiKey } from "@/lib/services/api-keys";
import { disconnectDb } from "@/lib/data/db";

async function main() {
  const name = process.argv.slice(2).join(" ").trim();
  if (!name) {
    console.error("Usage: npm run apikey:create -- <name>");
    process.exit(2);
  }
  const key = await createApiKey(name);
  console.log(`Created API key "${key.name}" (prefix ${key.prefix}) with scopes: ${key.scopes.join(", ")}`);
  console.log("Store it now: it is shown only once.");
  console.log(key.key);
  await disconnectDb();
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await disconnectDb();
  process.exit(1);
});
