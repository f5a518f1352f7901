import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ExitCode } from "../src/errors.js";

const errorsDoc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");

describe("docs/errors.md", () => {
  it("documents every error code with its exit code, and nothing that is gone", () => {
    const documented = new Map<string, number>();
    for (const m of errorsDoc.matchAll(/^\| `(MTLSD_ERR_[A-Z_]+)` \| (\d+) \|/gm)) documented.set(m[1]!, Number(m[2]));
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, exit] of Object.entries(ERROR_CODES)) expect(documented.get(code), code).toBe(exit);
  });
  it("documents every exit code", () => {
    for (const exit of Object.values(ExitCode)) expect(errorsDoc).toMatch(new RegExp(`^\\| ${exit} \\|`, "m"));
  });
});
