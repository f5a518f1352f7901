/**
 * Builds dist/ once before any test file runs: the CLI tests run `node dist/cli/main.js`. Test files must not run
 * tsc themselves (parallel rebuilds rewrite dist/ under a running CLI test).
 */
import { spawnSync } from "node:child_process";

export default function setup(): void {
  const root = new URL("../", import.meta.url).pathname;
  const r = spawnSync("npx", ["tsc", "-p", "."], { cwd: root, encoding: "utf8" });
  // tsc emits even with a type error; `npm test` runs tsc first and fails on one, so only report it here.
  if (r.status !== 0) process.stderr.write(`globalSetup: tsc reported errors:\n${r.stdout}${r.stderr}\n`);
}
