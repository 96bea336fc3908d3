// npm run api:types: regenerates the typed client's types from the OpenAPI document the server serves.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { API_TYPES_FILE, apiTypesSource } from "./lib/api-types";
import { ROOT } from "./lib/proc";
import { openApiDocument } from "@/lib/validation/openapi";

async function main() {
  writeFileSync(path.join(ROOT, API_TYPES_FILE), await apiTypesSource(openApiDocument("http://localhost")));
  console.log(`wrote ${API_TYPES_FILE}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
