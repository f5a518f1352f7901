// Writes schemas/<kind>.schema.json from src/report/schema.ts (via dist/). Run after `npx tsc -p .`:
//   node scripts/gen-schemas.mjs
// Drift between the files and the module is checked by test/report/schema.test.ts.
import { writeFileSync, mkdirSync } from "node:fs";
import { allReportSchemas } from "../dist/report/schema.js";

const dir = new URL("../schemas/", import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [kind, schema] of Object.entries(allReportSchemas())) {
  writeFileSync(new URL(`${kind}.schema.json`, dir), JSON.stringify(schema, null, 2) + "\n");
  console.log(`schemas/${kind}.schema.json`);
}
