import { describe, expect, it } from "vitest";
import { ERROR_CODES, ExitCode, MtlsDoctorError, isMtlsDoctorError } from "../src/errors.js";

describe("MtlsDoctorError", () => {
  it("maps every code to a documented exit code", () => {
    const allowed = new Set<number>(Object.values(ExitCode));
    for (const [code, exit] of Object.entries(ERROR_CODES)) {
      expect(allowed.has(exit), code).toBe(true);
    }
  });
  it("carries code and exit code, and works with instanceof", () => {
    const e = new MtlsDoctorError("MTLSD_ERR_BAD_PASSWORD", "store.p12: wrong password");
    expect(e).toBeInstanceOf(MtlsDoctorError);
    expect(e.exitCode).toBe(2);
    expect(isMtlsDoctorError(e, "MTLSD_ERR_BAD_PASSWORD")).toBe(true);
    expect(isMtlsDoctorError(new Error("x"))).toBe(false);
  });
});
